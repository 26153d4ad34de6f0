import who from '../../commands/who';
import type { CommandContext } from '../../commands/command';
import type { AppDeps } from '../../src/app/deps';
import type { ResourceHistory, ResourceHistoryAnswer } from '../../src/app/detections/ports';
import type { MessagePayload } from '../../src/core/render/blocks/kit';
import { anActor } from '../core/render/alerts/builders';
import { PEOPLE, PROD, PUBLIC_BUCKET, startAlertHarness, type AlertHarness } from '../app/detections/alert-harness';

/** A ResourceHistory that answers `answer` and remembers what it was asked. */
const fakeHistory = (answer: ResourceHistoryAnswer | Error) => {
  const asked: Parameters<ResourceHistory['history']>[0][] = [];
  const port: ResourceHistory = {
    history: async (input) => {
      asked.push(input);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { port, asked };
};

const CHANGES: ResourceHistoryAnswer = {
  complete: true,
  changes: [
    {
      eventId: 'e1',
      eventName: 'CreateBucket',
      eventTime: '2026-09-01T08:00:00Z',
      eventSource: 's3.amazonaws.com',
      actor: anActor({ label: 'terraform-ci', kind: 'assumed-role', mfa: null, sourceIp: '198.51.100.7' }),
      created: true,
    },
    {
      eventId: 'e2',
      eventName: 'PutBucketPolicy',
      eventTime: '2026-10-31T17:30:00Z',
      eventSource: 's3.amazonaws.com',
      actor: anActor({ label: 'AWSReservedSSO_Admin/jane@acme.example', mfa: false, sourceIp: '203.0.113.24' }),
      created: false,
    },
  ],
};

const run = async (h: AlertHarness, userId: string, words: string[], flags: Record<string, string> = {}) => {
  const sent: MessagePayload[] = [];
  const parsed = who.args.safeParse({ positionals: words, flags });
  if (!parsed.success) return { error: parsed.error.issues.map((i) => i.message).join('; '), text: '' };
  const account = parsed.data.account
    ? (await h.deps.knownAccounts()).find((a) => a.id === parsed.data.account || a.name === parsed.data.account)
    : undefined;
  const ctx: CommandContext = {
    invocation: { requestId: 'r1', actor: { userId }, channel: { id: 'D0DM', kind: 'dm' }, text: 'who' },
    actor: { userId, groups: [] },
    visibility: 'ephemeral',
    groupWarnings: [],
    account,
    responder: { send: async (m) => void sent.push(m), upload: async () => undefined },
    deps: h.deps as unknown as AppDeps,
  };
  await who.run(ctx, parsed.data);
  return { error: null, text: JSON.stringify(sent.at(-1) ?? {}) };
};

describe('/cloudsec who', () => {
  let h: AlertHarness;
  const withHistory = (port: ResourceHistory | null) => {
    (h.deps as unknown as { resourceHistory: ResourceHistory | null }).resourceHistory = port;
  };
  beforeEach(() => {
    h = startAlertHarness();
  });
  afterEach(() => h.cleanup());

  it('when asked by finding id, then CloudTrail is asked in its account and region and the creator and changes are told', async () => {
    const scan = await h.deps.scans.run({ service: 's3', accountIds: [PROD] });
    const finding = scan.findings.find((f) => f.resource.id === PUBLIC_BUCKET && f.status === 'fail')!;
    const history = fakeHistory(CHANGES);
    withHistory(history.port);
    const answer = await run(h, PEOPLE.alice, [finding.id], { days: '30' });
    expect(history.asked).toEqual([{ accountId: PROD, region: finding.region, resourceName: PUBLIC_BUCKET, days: 30 }]);
    expect(answer.text).toContain('Created');
    expect(answer.text).toContain('terraform-ci');
    expect(answer.text).toContain('PutBucketPolicy');
    expect(answer.text).toContain('MFA no');
    expect(answer.text).toContain('203.0.113.24');
    expect(answer.text).not.toContain('incomplete');
  });

  it('when asked by resource name with an account and region, then those are asked', async () => {
    const history = fakeHistory(CHANGES);
    withHistory(history.port);
    await run(h, PEOPLE.alice, ['sg-0abc'], { account: 'acme-prod', region: 'eu-west-1' });
    expect(history.asked).toEqual([{ accountId: PROD, region: 'eu-west-1', resourceName: 'sg-0abc', days: 90 }]);
  });

  it('when the history is incomplete, then the answer says it is not the whole story', async () => {
    withHistory(fakeHistory({ ...CHANGES, complete: false, reason: 'page limit reached' }).port);
    const answer = await run(h, PEOPLE.alice, ['sg-0abc'], { account: PROD, region: 'eu-west-1' });
    expect(answer.text).toContain('incomplete');
    expect(answer.text).toContain('page limit reached');
  });

  it('when there is no ResourceHistory, then it says cloudsec cannot ask CloudTrail here', async () => {
    withHistory(null);
    const answer = await run(h, PEOPLE.alice, ['sg-0abc'], { account: PROD, region: 'eu-west-1' });
    expect(answer.text).toContain('cloudsec cannot ask CloudTrail here');
  });

  it('when LookupEvents fails, then the failure is told, not an empty history', async () => {
    withHistory(fakeHistory(new Error('AccessDenied: cloudtrail:LookupEvents')).port);
    const answer = await run(h, PEOPLE.alice, ['sg-0abc'], { account: PROD, region: 'eu-west-1' });
    expect(answer.text).toContain('cloudsec cannot ask CloudTrail here');
    expect(answer.text).toContain('AccessDenied');
  });

  it('when a user scoped to staging asks about a prod resource, then they are refused and nothing is asked', async () => {
    const history = fakeHistory(CHANGES);
    withHistory(history.port);
    const answer = await run(h, PEOPLE.sam, ['sg-0abc'], { account: PROD, region: 'eu-west-1' });
    expect(answer.text).toContain('Not allowed');
    expect(history.asked).toHaveLength(0);
  });

  it('when a finding is on an account the asker may not see, then the answer is exactly that of a finding that does not exist', async () => {
    const scan = await h.deps.scans.run({ service: 's3', accountIds: [PROD] });
    const prodFinding = scan.findings.find((f) => f.resource.id === PUBLIC_BUCKET && f.status === 'fail')!;
    const history = fakeHistory(CHANGES);
    withHistory(history.port);
    const hidden = await run(h, PEOPLE.sam, [prodFinding.id]);
    const missing = await run(h, PEOPLE.sam, ['f_0000000000000000']);
    expect(hidden.text).toBe(missing.text);
    expect(hidden.text).toContain('not in the latest scans');
    expect(hidden.text).not.toMatch(new RegExp(`${PROD}|acme-prod|${PUBLIC_BUCKET}`));
    expect(history.asked).toHaveLength(0);
  });

  it('when someone reads findings but not alerts, then who-did-this is refused by finding id and by name, and CloudTrail is not asked', async () => {
    expect(who.permission).toBe('alert:read');
    const scan = await h.deps.scans.run({ service: 's3', accountIds: [PROD] });
    const finding = scan.findings.find((f) => f.resource.id === PUBLIC_BUCKET && f.status === 'fail')!;
    const history = fakeHistory(CHANGES);
    withHistory(history.port);
    const byFinding = await run(h, PEOPLE.fay, [finding.id]);
    expect(byFinding.text).toContain('Not allowed');
    expect(byFinding.text).toContain('alert:read');
    const byName = await run(h, PEOPLE.fay, ['sg-0abc'], { account: PROD, region: 'eu-west-1' });
    expect(byName.text).toContain('Not allowed');
    expect(history.asked).toHaveLength(0);
    // A viewer (findings:read and alert:read) gets the answer.
    await run(h, PEOPLE.vic, [finding.id]);
    expect(history.asked).toHaveLength(1);
  });

  it('when --days is above 90, then it is a usage error', async () => {
    expect((await run(h, PEOPLE.alice, ['sg-0abc'], { days: '91' })).error).toMatch(/1 to 90/);
  });
});
