import type { BatchUpdateFindingsCommandInput } from '@aws-sdk/client-securityhub';
import remediation from '../../../src/core/remediations/securityhub_update_workflow';
import { ACCOUNT_ID, REGION, anAccount } from '../../fixtures/snapshot-builders';
import { SAMPLES, aSecurityHubFinding, planned, reasonOf } from '../../fixtures/remediation-builders';

const { finding, account, options } = SAMPLES.securityhub_update_workflow!();
const HUB_ID = `arn:aws:securityhub:${REGION}:${ACCOUNT_ID}:security-control/S3.8/finding/0f0e0d0c`;
const PRODUCT = `arn:aws:securityhub:${REGION}::product/aws/securityhub`;

describe('securityhub_update_workflow', () => {
  it('when a NEW finding is suppressed with a note, then one BatchUpdateFindings call carries id, status and note', () => {
    const expected: BatchUpdateFindingsCommandInput = {
      FindingIdentifiers: [{ Id: HUB_ID, ProductArn: PRODUCT }],
      Workflow: { Status: 'SUPPRESSED' },
      Note: { Text: 'Public by design: static website assets.', UpdatedBy: 'slack:U024BE7LH' },
    };
    expect(planned(remediation.plan(finding, account, options)).calls).toEqual([
      { service: 'securityhub', region: REGION, command: 'BatchUpdateFindings', input: expected },
    ]);
  });

  it('when undone, then the previous workflow status comes back, with a note saying so', () => {
    const notified = aSecurityHubFinding({ workflowStatus: 'NOTIFIED' });
    const result = planned(remediation.plan(notified, account, { ...(options as object), status: 'RESOLVED' }));
    const undo = remediation.inverse(result.calls, result.before);
    expect(undo).toMatchObject({
      ok: true,
      calls: [
        {
          command: 'BatchUpdateFindings',
          input: {
            FindingIdentifiers: [{ Id: HUB_ID, ProductArn: PRODUCT }],
            Workflow: { Status: 'NOTIFIED' },
            Note: { Text: expect.stringContaining('NOTIFIED'), UpdatedBy: 'slack:U024BE7LH' },
          },
        },
      ],
    });
  });

  it("when the finding has no workflow status, then undo restores NEW, Security Hub's initial status", () => {
    const result = planned(remediation.plan(aSecurityHubFinding({ workflowStatus: null }), account, options));
    expect(remediation.inverse(result.calls, result.before)).toMatchObject({
      ok: true,
      calls: [{ input: { Workflow: { Status: 'NEW' } } }],
    });
  });

  it.each([
    [{ status: 'NEW', note: 'x', updatedBy: 'u' }],
    [{ status: 'RESOLVED', note: '   ', updatedBy: 'u' }],
    [{ status: 'RESOLVED', note: 'x'.repeat(513), updatedBy: 'u' }],
    [undefined],
  ])('when the options are %o, then no plan is made', (bad) => {
    expect(reasonOf(remediation.plan(finding, account, bad))).toMatch(/Invalid options/);
  });

  it('when the finding is already in the requested status, then there is nothing to do', () => {
    const suppressed = aSecurityHubFinding({ workflowStatus: 'SUPPRESSED' });
    expect(reasonOf(remediation.plan(suppressed, account, options))).toMatch(/already SUPPRESSED/);
  });

  it('when the finding lacks its Security Hub identifiers, then no plan is made', () => {
    const bare = aSecurityHubFinding({ securityHubId: undefined });
    expect(reasonOf(remediation.plan(bare, account, options))).toMatch(/Security Hub id/);
  });

  it("when the finding is cloudsec's own, then the workflow update does not apply", () => {
    const own = { ...finding, source: 'cloudsec' as const, remediationId: null };
    expect(remediation.appliesTo(own)).toBe(false);
    expect(reasonOf(remediation.plan(own, anAccount(), options))).toMatch(/does not fix/);
  });
});
