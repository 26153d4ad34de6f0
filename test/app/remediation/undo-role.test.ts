import { makeRemediationWorkflow } from '../../../src/app/remediation';
import type { Config } from '../../../src/config';
import { PEOPLE, workflowHarness, type WorkflowHarness } from '../../fixtures/remediation-ports';
import { useTempStores } from '../../fixtures/store';

/**
 * Undo runs with its own role (accounts[].undoRoleArn or organization.undoRoleName), apart from the
 * role that runs fixes, and is off where none is configured.
 */

const WHY = 'The website broke: it needs public reads until the CDN is in place.';

/** The harness's configuration with every account's undo role set, or removed. */
const withUndoRoles = (config: Config, on: boolean): Config => ({
  ...config,
  accounts: config.accounts!.map(({ undoRoleArn: _undoRoleArn, ...account }) =>
    on ? { ...account, undoRoleArn: `arn:aws:iam::${account.id}:role/cloudsec-undo` } : account,
  ),
});

/** The harness with undo roles on or off, and a succeeded remediation to undo. */
const succeeded = async (h: WorkflowHarness, undoRoles: boolean) => {
  const workflow = makeRemediationWorkflow({ ...h.deps, config: withUndoRoles(h.deps.config, undoRoles) });
  const request = await h.pendingRequest();
  const approved = await workflow.approve({ actor: PEOPLE.approver, requestId: request.id });
  if (!approved.ok || approved.request.status !== 'succeeded') throw new Error('expected the remediation to succeed');
  return { workflow, original: approved.request };
};

describe('undo and the undo role', () => {
  const stores = useTempStores();

  it('when the account has no undo role, then Undo is refused before any modal, naming the setting, and nothing is created', async () => {
    const h = workflowHarness(stores);
    const { workflow, original } = await succeeded(h, false);

    const check = await workflow.checkUndo({ actor: PEOPLE.approver, requestId: original.id });
    const asked = await workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY });

    for (const refusal of [check, asked]) {
      expect(refusal).toMatchObject({
        ok: false,
        code: 'not-undoable',
        reason: expect.stringMatching(/undoRoleArn[\s\S]*undoRoleName/),
      });
    }
    expect((await h.store.listRequests()).filter((r) => r.kind === 'undo')).toEqual([]);
    expect(await h.auditOf(original.id)).toContainEqual(
      expect.objectContaining({ action: 'remediation.undo_request', outcome: 'denied' }),
    );
  });

  it('when cloudsec runs dry, then an undo is still possible without an undo role: nothing is written', async () => {
    const h = workflowHarness(stores, { dryRun: true });
    const { workflow, original } = await succeeded(h, false);

    const asked = await workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY });

    expect(asked).toMatchObject({ ok: true, request: { kind: 'undo', status: 'pending' } });
  });

  it('when a fix and then its undo run, then the executor is told which is which', async () => {
    const h = workflowHarness(stores);
    const { workflow, original } = await succeeded(h, true);
    const asked = await workflow.undo({ actor: PEOPLE.approver, requestId: original.id, justification: WHY });
    if (!asked.ok) throw new Error(asked.reason);
    h.estate.effect = () => h.estate.fail();

    const done = await workflow.approve({ actor: PEOPLE.secondApprover, requestId: asked.request.id });

    expect(done).toMatchObject({ ok: true, request: { status: 'succeeded' } });
    expect(h.estate.executions.map((e) => e.ctx.kind)).toEqual(['remediate', 'undo']);
  });
});
