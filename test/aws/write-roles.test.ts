import { makeClientFactory } from '../../src/aws/clients';
import { EXECUTOR_ERRORS } from '../../src/aws/executor';
import { makeRoleExecutor } from '../../src/aws/role-executor';
import { undoUnavailableReason, type WritePurpose } from '../../src/aws/write-access';
import { parseConfig, type Config } from '../../src/config';
import { getRemediation } from '../../src/core/remediations';
import type { ApiCall } from '../../src/core/remediations/define';
import { cloudTrailCall, cloudTrailEndpoint, ctOk } from '../fixtures/aws/cloudtrail';
import { assumeRoleXml, onSts } from '../fixtures/aws/sts';
import { SAMPLES, planned } from '../fixtures/remediation-builders';
import { ACCOUNT_ID, NOW } from '../fixtures/snapshot-builders';

/**
 * Which role a plan runs with. AWS tells the roles apart by the credentials that signed a request
 * (`Credential=<AccessKeyId>/…` in the SigV4 Authorization header), and so does this test: each role's
 * AssumeRole hands out its own temporary key.
 */

const WRITE_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/cloudsec-write`;
const UNDO_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/cloudsec-undo`;
const KEYS: Record<string, string> = { [WRITE_ROLE]: 'ASIAFIXROLEEXAMPLE01', [UNDO_ROLE]: 'ASIAUNDOROLEEXAMPLE1' };
const CTX = {
  accountId: ACCOUNT_ID,
  requestId: 'rr_0001',
  remediationId: 'cloudtrail_start_logging',
  actor: { kind: 'system' as const, id: 'test' },
};
const AS_FIX = { ...CTX, kind: 'remediate' as const };
const AS_UNDO = { ...CTX, kind: 'undo' as const };

const config = (accountLines: string[]): Config =>
  parseConfig(
    ['accounts:', `  - id: "${ACCOUNT_ID}"`, '    name: prod', ...accountLines.map((l) => `    ${l}`)].join('\n'),
    'cloudsec.yml',
  );
const BOTH_ROLES = config([`writeRoleArn: ${WRITE_ROLE}`, `undoRoleArn: ${UNDO_ROLE}`]);
const FIX_ROLE_ONLY = config([`writeRoleArn: ${WRITE_ROLE}`]);

/** The sample trail's fix (StartLogging) and its undo (StopLogging). */
const trailPlans = (): { fix: ApiCall[]; undo: ApiCall[] } => {
  const remediation = getRemediation('cloudtrail_start_logging')!;
  const sample = SAMPLES.cloudtrail_start_logging!();
  const plan = planned(remediation.plan(sample.finding, sample.account));
  const inverse = remediation.inverse(plan.calls, plan.before);
  if (!inverse.ok) throw new Error(inverse.reason);
  return { fix: plan.calls, undo: inverse.calls };
};

const setup = (cfg: Config) => {
  const assumed: string[] = [];
  // Enough answers for both roles, so a role assumed by mistake is recorded in `assumed` rather than
  // refused; optional, since most plans assume one role only.
  onSts('AssumeRole')
    .times(2)
    .optionally()
    .reply(200, (_uri, body) => {
      const roleArn = new URLSearchParams(String(body)).get('RoleArn') ?? '';
      assumed.push(roleArn);
      return assumeRoleXml(roleArn, {
        accessKeyId: KEYS[roleArn] ?? 'ASIAUNEXPECTEDROLE01',
        secretAccessKey: 'Je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY1',
        sessionToken: 'FwoGZXIvYXdzEXAMPLE',
      });
    });
  const signedBy: Record<string, string> = {};
  const trailRegion = trailPlans().fix[0]!.region;
  for (const operation of ['StartLogging', 'StopLogging']) {
    cloudTrailCall(cloudTrailEndpoint(trailRegion), operation)
      .optionally()
      .reply(function () {
        const auth = String(this.req.headers['authorization'] ?? '');
        signedBy[operation] = /Credential=([A-Z0-9]+)\//.exec(auth)?.[1] ?? 'unsigned';
        return ctOk({});
      });
  }
  const factories = {
    fix: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1, sessionName: 'cloudsec-remediation' }),
    undo: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1, sessionName: 'cloudsec-undo' }),
  };
  const executor = makeRoleExecutor({
    config: cfg,
    clientsOf: (access, purpose: WritePurpose) => factories[purpose](access),
    homeRegion: 'us-east-1',
    dryRun: false,
    audit: async () => {},
    clock: () => NOW,
  });
  return { executor, assumed, signedBy };
};

describe('makeRoleExecutor: which role a plan runs with', () => {
  it('when a fix runs, then it is sent with the write role', async () => {
    const { executor, assumed, signedBy } = setup(BOTH_ROLES);
    const result = await executor.execute(trailPlans().fix, AS_FIX);
    expect(result.ok).toBe(true);
    expect(assumed).toEqual([WRITE_ROLE]);
    expect(signedBy).toEqual({ StartLogging: KEYS[WRITE_ROLE] });
  });

  it('when the context does not say fix or undo, then it runs as a fix, never with the undo role', async () => {
    const { executor, assumed } = setup(BOTH_ROLES);
    expect((await executor.execute(trailPlans().fix, CTX)).ok).toBe(true);
    expect(assumed).toEqual([WRITE_ROLE]);
  });

  it('when an undo runs, then it is sent with the undo role and not the write role', async () => {
    const { executor, assumed, signedBy } = setup(BOTH_ROLES);
    const result = await executor.execute(trailPlans().undo, AS_UNDO);
    expect(result.ok).toBe(true);
    expect(assumed).toEqual([UNDO_ROLE]);
    expect(signedBy).toEqual({ StopLogging: KEYS[UNDO_ROLE] });
  });

  it('when an undo runs in an account without an undo role, then nothing is sent and the error names the setting', async () => {
    const { executor, assumed, signedBy } = setup(FIX_ROLE_ONLY);
    const result = await executor.execute(trailPlans().undo, AS_UNDO);
    expect(result).toMatchObject({
      ok: false,
      failedAt: 0,
      error: { code: EXECUTOR_ERRORS.noWriteRole, message: expect.stringContaining('accounts[].undoRoleArn') },
      calls: [],
    });
    expect(assumed).toEqual([]);
    expect(signedBy).toEqual({});
  });
});

describe('undoUnavailableReason', () => {
  it('when the account has an undo role, then undo is available', () => {
    expect(undoUnavailableReason(BOTH_ROLES, ACCOUNT_ID)).toBeNull();
  });

  it('when the organization names an undo role, then undo is available in every account', () => {
    const org = parseConfig('organization:\n  roleName: cloudsec-read\n  undoRoleName: cloudsec-undo', 'cloudsec.yml');
    expect(undoUnavailableReason(org, '210987654321')).toBeNull();
  });

  it('when no undo role is configured, then the reason names both settings and the account', () => {
    const reason = undoUnavailableReason(FIX_ROLE_ONLY, ACCOUNT_ID);
    expect(reason).toContain(ACCOUNT_ID);
    expect(reason).toContain('accounts[].undoRoleArn');
    expect(reason).toContain('organization.undoRoleName');
  });
});
