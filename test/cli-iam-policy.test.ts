import { runCli } from './fixtures/cli';
import { REMEDIATIONS } from '../src/core/remediations';

/**
 * `cloudsec iam-policy --write` and `--undo`: the fix role and the undo role get separate policies,
 * so the role that runs every approved fix cannot also switch off logging, reopen a security group
 * or make a snapshot public again. Those calls belong to the undo role, which is optional.
 */

type Statement = { Sid: string; Effect: 'Allow' | 'Deny'; Action: string[]; Condition?: Record<string, unknown> };
type Policy = { Statement: Statement[] };

const allowed = (policy: Policy) => policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);

/** Calls that only an undo makes: each turns a security control back off. */
const UNDO_ONLY = [
  'cloudtrail:StopLogging',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:DisableEbsEncryptionByDefault',
  'iam:DeleteAccountPasswordPolicy',
];

/** Calls that only a fix makes. */
const FIX_ONLY = ['cloudtrail:StartLogging', 'ec2:RevokeSecurityGroupIngress', 'ec2:EnableEbsEncryptionByDefault'];

describe('cloudsec iam-policy --write', () => {
  it('when printed, then the fix role is allowed none of the calls that only an undo makes', async () => {
    const run = await runCli(['iam-policy', '--write']);
    expect(run.code).toBe(0);
    const actions = allowed(run.json() as Policy);
    expect(actions.filter((a) => UNDO_ONLY.includes(a))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(FIX_ONLY));
  });

  it('when printed, then it allows every action the catalog declares for its fixes', async () => {
    const actions = allowed((await runCli(['iam-policy', '--write'])).json() as Policy);
    for (const remediation of REMEDIATIONS)
      expect(actions).toEqual(expect.arrayContaining([...remediation.permissions]));
  });

  it('when printed, then the fix role may not share a snapshot with anyone, whatever the call asks', async () => {
    const policy = (await runCli(['iam-policy', '--write'])).json() as Policy;
    const denies = policy.Statement.filter(
      (s) => s.Effect === 'Deny' && s.Action.includes('ec2:ModifySnapshotAttribute'),
    );
    expect(denies.map((s) => s.Condition)).toEqual(
      expect.arrayContaining([{ Null: { 'ec2:Add/group': 'false' } }, { Null: { 'ec2:Add/userId': 'false' } }]),
    );
  });
});

describe('cloudsec iam-policy --undo', () => {
  it('when printed, then the undo role gets the calls that restore a state, and none that only a fix makes', async () => {
    const run = await runCli(['iam-policy', '--undo']);
    expect(run.code).toBe(0);
    const actions = allowed(run.json() as Policy);
    expect(actions).toEqual(expect.arrayContaining(UNDO_ONLY));
    expect(actions.filter((a) => FIX_ONLY.includes(a))).toEqual([]);
    for (const remediation of REMEDIATIONS) {
      expect(actions).toEqual(expect.arrayContaining([...remediation.undoPermissions]));
    }
  });

  it.each([[['--undo', '--write']], [['--undo', '--read']], [['--undo', '--organization']]])(
    'when %j are combined, then it refuses with a usage error and prints no policy',
    async (flags) => {
      const run = await runCli(['iam-policy', ...flags]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/cannot be used with/);
    },
  );
});

describe('cloudsec iam-policy (the read role)', () => {
  it('when printed, then it grants LookupEvents for the change history (`who`, the LookupEvents lane) in its own statement', async () => {
    const run = await runCli(['iam-policy']);
    expect(run.code).toBe(0);
    const policy = run.json() as { Statement: Array<Statement & { Resource: string }> };
    expect(policy.Statement.find((s) => s.Sid === 'CloudsecChangeHistory')).toMatchObject({
      Effect: 'Allow',
      Action: ['cloudtrail:LookupEvents'],
      Resource: '*',
    });
  });

  it('when a queue URL is given, then the queue actions are granted on that queue only', async () => {
    const url = 'https://sqs.eu-west-1.amazonaws.com/111111111111/cloudsec-events';
    const run = await runCli(['iam-policy', '--queue-url', url]);
    expect(run.code).toBe(0);
    const policy = run.json() as { Statement: Array<Statement & { Resource: string }> };
    const queue = policy.Statement.find((s) => s.Sid === 'CloudsecDetectionsQueue');
    expect(queue?.Resource).toBe('arn:aws:sqs:eu-west-1:111111111111:cloudsec-events');
    expect(queue?.Action).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
  });

  it('when the queue URL is not a queue URL, then it exits 2 saying so', async () => {
    const run = await runCli(['iam-policy', '--queue-url', 'https://example.com/not-a-queue']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/queue/i);
  });
});
