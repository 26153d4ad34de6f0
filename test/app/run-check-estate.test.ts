/**
 * runCheck over a live multi-account estate evaluates each account as soon as it is collected and
 * keeps only its findings and who it is. These tests hold that to evaluating the whole snapshot at
 * once: the same findings, in the same order, with the accounts that could not be read answered
 * `unknown` with the reason, never dropped.
 */
import { makeClientFactory } from '../../src/aws/clients';
import { makeLiveSnapshotSource } from '../../src/aws/live-source';
import { runCheck, slicesFor, accountHeaderOf, servicesFor } from '../../src/app/run-check';
import { parseConfig } from '../../src/config';
import { CHECKS } from '../../src/core/checks';
import { evaluateChecks } from '../../src/core/findings';
import { SERVICES, type AccountSnapshot } from '../../src/core/model';
import { installFakeAws, type FakeAccount, type FakeAws } from '../fixtures/aws/fake-aws';
import { retryWithoutWaiting } from '../fixtures/aws/retry';
import { NOW } from '../fixtures/snapshot-builders';

const MANAGEMENT = '111111111111';
const CLEAN = '222222222222';
const MISCONFIGURED = '333333333333';
const REFUSED = '444444444444';
const HUNG = '555555555555';
const REGIONS = ['us-east-1', 'eu-west-1'];

const member = (id: string, name: string, over: Partial<FakeAccount> = {}): FakeAccount => ({
  id,
  name,
  users: 5,
  buckets: 3,
  regions: REGIONS,
  ...over,
});

const ESTATE = [
  member(MANAGEMENT, 'management'),
  member(CLEAN, 'clean'),
  member(MISCONFIGURED, 'misconfigured', { misconfigured: true }),
  member(REFUSED, 'refused', { refuseAssumeRole: true }),
  // Every answer of this account comes after the clients' request timeout.
  member(HUNG, 'hung', { latencyMs: 5_000 }),
];

let fake: FakeAws | undefined;
afterEach(() => fake?.restore());

const liveSource = (maxAttempts = 2) =>
  makeLiveSnapshotSource({
    config: parseConfig('organization:\n  roleName: cloudsec-read\nregions: [us-east-1, eu-west-1]\n', 'cloudsec.yml'),
    homeRegion: 'us-east-1',
    clientFactory: makeClientFactory({
      homeRegion: 'us-east-1',
      maxAttempts,
      retryStrategy: retryWithoutWaiting,
      requestTimeoutMs: 2_000,
    }),
    sleep: async () => {},
    clock: () => NOW,
  });

const SLICE_NAMES = new Set<string>(SERVICES);
const slicesOf = (account: AccountSnapshot) => Object.keys(account).filter((k) => SLICE_NAMES.has(k));

describe('runCheck over a live estate, account by account', () => {
  it('when 5 accounts are scanned (one refused, one hung), then the findings equal evaluating the whole snapshot at once', async () => {
    fake = installFakeAws({ callerAccountId: MANAGEMENT, organization: true, latencyMs: 0, accounts: ESTATE });
    const services = servicesFor('all');

    const whole = await liveSource().load({ services: slicesFor(CHECKS, services) });
    const expected = evaluateChecks(CHECKS, whole, NOW, { services });
    const outcome = await runCheck({ source: liveSource(), checks: CHECKS, clock: () => NOW }, { service: 'all' });

    expect(outcome.findings).toEqual(expected);
    expect(outcome.findings.filter((f) => f.status === 'fail').length).toBeGreaterThan(0);
    expect(outcome.summary.byStatus.fail).toBe(expected.filter((f) => f.status === 'fail').length);
    // The refused account: every check unknown, with the refusal and the permission named.
    const refused = outcome.findings.filter((f) => f.accountId === REFUSED);
    expect(refused).toHaveLength(CHECKS.length);
    for (const f of refused) {
      expect(f.status).toBe('unknown');
      expect(f.message).toContain('Could not enter account 444444444444');
      expect(f.evidence.missingPermission).toContain('sts:AssumeRole');
    }
    // The hung account timed out: its checks are unknown (unreachable), not dropped and not passed.
    const hung = outcome.findings.filter((f) => f.accountId === HUNG);
    expect(hung.length).toBeGreaterThanOrEqual(CHECKS.length);
    expect(hung.every((f) => f.status === 'unknown')).toBe(true);
    for (const f of hung) {
      expect(f.evidence.errorCode).toBe('ETIMEDOUT');
      expect(f.message).toContain('Could not enter account 555555555555');
    }
  }, 60_000);

  it('when the estate is scanned, then the outcome keeps each account without its collected data', async () => {
    fake = installFakeAws({ callerAccountId: MANAGEMENT, organization: true, latencyMs: 0, accounts: ESTATE });

    const outcome = await runCheck({ source: liveSource(), checks: CHECKS, clock: () => NOW }, { service: 'all' });

    expect(outcome.snapshot.accounts.map((a) => a.accountId).sort()).toEqual(ESTATE.map((a) => a.id).sort());
    for (const account of outcome.snapshot.accounts) {
      expect(slicesOf(account)).toEqual([]);
      expect(account).toEqual(accountHeaderOf(account));
    }
    const refused = outcome.snapshot.accounts.find((a) => a.accountId === REFUSED)!;
    expect(refused.access.ok).toBe(false);
    expect(outcome.snapshot.accounts.find((a) => a.accountId === CLEAN)!.regions).toEqual(REGIONS);
  }, 60_000);

  it('when an account is named in the request (a re-check), then its collected data is kept whole for the remediation plan', async () => {
    fake = installFakeAws({ callerAccountId: MANAGEMENT, organization: true, latencyMs: 0, accounts: ESTATE });

    const outcome = await runCheck(
      { source: liveSource(), checks: CHECKS, clock: () => NOW },
      { service: 's3', accountIds: [MISCONFIGURED] },
    );

    expect(outcome.snapshot.accounts.map((a) => a.accountId)).toEqual([MISCONFIGURED]);
    expect(slicesOf(outcome.snapshot.accounts[0]!)).toEqual(['s3']);
    expect(outcome.snapshot.accounts[0]!.s3!.buckets.ok).toBe(true);
    expect(outcome.findings.some((f) => f.status === 'fail' && f.checkId.startsWith('s3_'))).toBe(true);
  }, 60_000);

  it('when a call is throttled, then the SDK retries it and the findings are those of an unthrottled scan', async () => {
    fake = installFakeAws({
      callerAccountId: MANAGEMENT,
      organization: true,
      latencyMs: 0,
      accounts: ESTATE.slice(0, 3),
    });
    const calm = await runCheck({ source: liveSource(), checks: CHECKS, clock: () => NOW }, { service: 'all' });
    fake.restore();
    fake = installFakeAws({
      callerAccountId: MANAGEMENT,
      organization: true,
      latencyMs: 0,
      accounts: ESTATE.slice(0, 3),
      throttleRate: 0.05,
    });

    // The production number of attempts: a call fails only if all 5 are throttled.
    const throttled = await runCheck({ source: liveSource(5), checks: CHECKS, clock: () => NOW }, { service: 'all' });

    expect(fake.throttled).toBeGreaterThan(0);
    expect(throttled.findings).toEqual(calm.findings);
  }, 60_000);
});
