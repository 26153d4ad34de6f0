import {
  acceptObservedItems,
  digestAcceptedRisks,
  insideDigest,
  type DigestAcceptedInput,
  type DigestCoverage,
} from '../../../src/core/digest/accepted';
import { NOW, ORG, PROD, STAGING, aFinding, anException, daysFrom } from '../exceptions/builders';
import { anObservedItem } from './builders';

const COVERAGE: DigestCoverage = {
  everyAccount: false,
  accountIds: new Set([PROD]),
  checkIds: new Set(['s3_bucket_public_access_blocked', 's3_bucket_secure_transport']),
  catalog: ['s3_bucket_public_access_blocked', 's3_bucket_secure_transport', 'iam_root_mfa_enabled'],
  securityHubComplete: false,
};

const input = (over: Partial<DigestAcceptedInput> = {}): DigestAcceptedInput => ({
  now: NOW,
  since: new Date(daysFrom(-1)),
  exceptions: [],
  hiddenBy: new Map(),
  shownFailing: [],
  evaluated: [],
  scanned: { accountIds: new Set([PROD]), checkIds: COVERAGE.checkIds },
  coverage: COVERAGE,
  ctx: ORG,
  scoreSetAside: 0,
  problems: [],
  ...over,
});

describe('insideDigest', () => {
  it.each<[string, Parameters<typeof insideDigest>[0]['scope'], boolean]>([
    ['its accounts and checks are all looked at', { accounts: [PROD], checks: ['s3_*'] }, true],
    ['it names an account the digest does not cover', { accounts: [PROD, STAGING], checks: ['s3_*'] }, false],
    ['it covers every account', { accounts: ['*'], checks: ['s3_*'] }, false],
    ['it is scoped by OU', { ous: ['ou-ab12-prod0001'], checks: ['s3_*'] }, false],
    ['a pattern reaches a check the digest did not run', { accounts: [PROD], checks: ['*_enabled'] }, false],
    ['a pattern may reach Security Hub findings', { accounts: [PROD], checks: ['s*'] }, false],
    ['it names a Security Hub control', { accounts: [PROD], checks: ['securityhub:S3.8'] }, false],
  ])('when %s (%j), then it is inside: %s', (_case, scope, expected) => {
    expect(insideDigest({ scope }, COVERAGE)).toBe(expected);
  });

  it('when the digest covers every account and read Security Hub in full, then an OU or Security Hub scope is inside', () => {
    const everything = { ...COVERAGE, everyAccount: true, securityHubComplete: true };
    expect(insideDigest({ scope: { ous: ['ou-ab12-prod0001'], checks: ['securityhub:*'] } }, everything)).toBe(true);
  });
});

describe('digestAcceptedRisks', () => {
  it('when accepted risks hide findings here, then it counts them and lists those expiring within 7 days, soonest first', () => {
    const soon = anException({ id: 'ex_soon', expiresAt: daysFrom(2) });
    const sooner = anException({ id: 'ex_sooner', expiresAt: daysFrom(1), owner: { id: 'U0OTHER' } });
    const later = anException({ id: 'ex_later', expiresAt: daysFrom(30) });
    const elsewhere = anException({
      id: 'ex_elsewhere',
      expiresAt: daysFrom(1),
      scope: { accounts: [STAGING], checks: ['s3_*'] },
    });

    const out = digestAcceptedRisks(
      input({
        exceptions: [soon, sooner, later, elsewhere],
        hiddenBy: new Map([
          ['ex_soon', 3],
          ['ex_sooner', 1],
          ['ex_later', 2],
        ]),
        scoreSetAside: 4,
      }),
    );

    expect(out).toMatchObject({ hidden: 6, exceptions: 3, scoreSetAside: 4, expired: [], stale: [] });
    // One hiding nothing here is about other accounts, as far as this digest can tell: not named.
    expect(out.expiring.map((r) => [r.id, r.daysLeft, r.findings, r.owner.id])).toEqual([
      ['ex_sooner', 1, 1, 'U0OTHER'],
      ['ex_soon', 2, 3, 'U0OWNER'],
    ]);
  });

  it('when an accepted risk ended since the last digest, then it is listed with the findings that came back; before that, or elsewhere, not', () => {
    const back = aFinding({ bucket: 'legacy' });
    const ended = anException({ id: 'ex_ended', status: 'expired', expiresAt: daysFrom(-0.5) });
    const endedLongAgo = anException({ id: 'ex_old', status: 'expired', expiresAt: daysFrom(-3) });
    const endedElsewhere = anException({
      id: 'ex_staging',
      status: 'expired',
      expiresAt: daysFrom(-0.5),
      scope: { accounts: [STAGING], checks: ['s3_*'] },
    });
    const notSwept = anException({ id: 'ex_unswept', status: 'active', expiresAt: daysFrom(-0.1) });

    const out = digestAcceptedRisks(
      input({ exceptions: [ended, endedLongAgo, endedElsewhere, notSwept], shownFailing: [back] }),
    );

    expect(out.expired.map((r) => [r.id, r.findings, r.daysLeft])).toEqual([
      ['ex_unswept', 1, 0],
      ['ex_ended', 1, 0],
    ]);
  });

  it('when it is the first digest, then it looks back a week for expiries', () => {
    const ended = anException({ id: 'ex_ended', status: 'expired', expiresAt: daysFrom(-6) });
    const out = digestAcceptedRisks(input({ since: null, exceptions: [ended], shownFailing: [aFinding()] }));
    expect(out.expired.map((r) => r.id)).toEqual(['ex_ended']);
  });

  it('when an accepted risk inside the digest matches nothing, then it is stale; one with an unknown finding in its scope is not', () => {
    const stale = anException({
      id: 'ex_stale',
      scope: { accounts: [PROD], checks: ['s3_bucket_public_access_blocked'] },
    });
    const blind = anException({ id: 'ex_blind', scope: { accounts: [PROD], checks: ['s3_bucket_secure_transport'] } });
    const unknown = aFinding({ checkId: 's3_bucket_secure_transport', status: 'unknown' });

    const out = digestAcceptedRisks(input({ exceptions: [stale, blind], evaluated: [unknown] }));

    expect(out.stale.map((r) => [r.id, r.findings])).toEqual([['ex_stale', 0]]);
  });
});

describe('acceptObservedItems', () => {
  it('when an accepted risk covers an open Security Hub item, then it is suppressed; resolved and unknown ones stay as they are', () => {
    const risk = anException({ scope: { accounts: ['*'], checks: ['securityhub:*'] } });
    const items = [
      anObservedItem({ findingId: 'h_open', source: 'securityhub', checkId: 'securityhub:S3.8', accountId: PROD }),
      anObservedItem({ findingId: 'h_fixed', source: 'securityhub', checkId: 'securityhub:S3.8', state: 'resolved' }),
      anObservedItem({ findingId: 'h_unknown', source: 'securityhub', checkId: 'securityhub:S3.8', state: 'unknown' }),
      anObservedItem({ findingId: 'h_other', source: 'securityhub', checkId: 'securityhub:EC2.19', accountId: PROD }),
    ];

    const out = acceptObservedItems(items, [{ ...risk, scope: { accounts: ['*'], checks: ['securityhub:S3.8'] } }], {
      ...ORG,
      now: NOW,
    });

    expect(out.items.map((i) => [i.findingId, i.state])).toEqual([
      ['h_open', 'suppressed'],
      ['h_fixed', 'resolved'],
      ['h_unknown', 'unknown'],
      ['h_other', 'open'],
    ]);
    expect([...out.hiddenBy]).toEqual([['h_open', risk.id]]);
    expect(out.shownFailing.map((f) => f.id)).toEqual(['h_other']);
  });

  it('when the accepted risk has a baseline listing the item, then its evidence cannot be compared and the item stays open', () => {
    const item = anObservedItem({ findingId: 'h_open', source: 'securityhub', checkId: 'securityhub:S3.8' });
    const risk = anException({
      scope: { accounts: ['*'], checks: ['securityhub:S3.8'] },
      accepted: [{ findingId: 'h_open', severity: item.severity, evidence: 'ev1:abc' }],
    });

    const out = acceptObservedItems([item], [risk], { ...ORG, now: NOW });

    expect(out.items[0]!.state).toBe('open');
    expect(out.hiddenBy.size).toBe(0);
  });
});
