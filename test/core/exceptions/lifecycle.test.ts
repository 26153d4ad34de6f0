import {
  daysLeft,
  dueForReminder,
  dueToExpire,
  expiringSoon,
  isInForce,
  recentlyExpired,
  staleExceptions,
  validateNewException,
} from '../../../src/core/exceptions/lifecycle';
import { DEFAULT_EXCEPTION_MAX_DAYS, EXPIRING_SOON_DAYS } from '../../../src/core/exceptions/model';
import { GLOBAL_REGION } from '../../../src/core/model';
import { NOW, OU_WORKLOADS, PROD, SANDBOX, STAGING, aFinding, anException, at, daysFrom } from './builders';

const idsOf = (list: readonly { id: string }[]) => list.map((e) => e.id);

describe('isInForce', () => {
  it('when active and before its expiry, then it is in force; at the expiry instant, it is not', () => {
    const e = anException({ expiresAt: '2026-11-01T13:00:00+01:00' }); // = NOW
    expect(isInForce(e, new Date(NOW.getTime() - 1))).toBe(true);
    expect(isInForce(e, NOW)).toBe(false);
  });
  it('when not active, then it is not in force', () => {
    expect(isInForce(anException({ status: 'pending' }), NOW)).toBe(false);
  });
});

describe('dueToExpire', () => {
  it('when active exceptions reach their expiry, then exactly those are due, including one exactly at now', () => {
    const atNow = anException({ id: 'at-now', expiresAt: NOW.toISOString() });
    const past = anException({ id: 'past', expiresAt: daysFrom(-3) });
    const future = anException({ id: 'future', expiresAt: daysFrom(1) });
    const alreadyExpired = anException({ id: 'done', status: 'expired', expiresAt: daysFrom(-3) });
    const revoked = anException({ id: 'revoked', status: 'revoked', expiresAt: daysFrom(-3) });
    const unreadable = anException({ id: 'unreadable', expiresAt: 'soon' });
    expect(idsOf(dueToExpire([atNow, past, future, alreadyExpired, revoked, unreadable], NOW))).toEqual([
      'at-now',
      'past',
      'unreadable',
    ]);
  });
});

describe('expiringSoon and dueForReminder', () => {
  const in2 = anException({ id: 'in-2-days', expiresAt: daysFrom(2) });
  const in7 = anException({ id: 'in-7-days', expiresAt: daysFrom(EXPIRING_SOON_DAYS) });
  const in8 = anException({ id: 'in-8-days', expiresAt: daysFrom(EXPIRING_SOON_DAYS + 1) });
  const expired = anException({ id: 'past', expiresAt: daysFrom(-1) });
  const reminded = anException({ id: 'reminded', expiresAt: daysFrom(3), remindedAt: daysFrom(-1) });
  const pending = anException({ id: 'pending', status: 'pending', expiresAt: daysFrom(1) });

  it('when exceptions expire within 7 days (the limit included), then they are expiring soon, soonest first', () => {
    expect(idsOf(expiringSoon([in8, in7, expired, reminded, in2, pending], NOW))).toEqual([
      'in-2-days',
      'reminded',
      'in-7-days',
    ]);
  });

  it('when one was already reminded for this expiry, then it is not due again', () => {
    expect(idsOf(dueForReminder([in8, in7, expired, reminded, in2, pending], NOW))).toEqual(['in-2-days', 'in-7-days']);
  });

  it('when the sweep records the reminder, then the next sweep finds nothing due (exactly once)', () => {
    let rows = [in2, in7];
    const sent: string[] = [];
    for (const hour of [0, 1, 24, 48]) {
      const now = new Date(NOW.getTime() + hour * 3_600_000);
      const due = new Set(idsOf(dueForReminder(rows, now)));
      sent.push(...due);
      rows = rows.map((e) => (due.has(e.id) ? { ...e, remindedAt: now.toISOString() } : e));
    }
    expect(sent).toEqual(['in-2-days', 'in-7-days']);
  });

  it('when an extension moves the expiry and clears remindedAt, then the new expiry is reminded', () => {
    const extended = { ...reminded, expiresAt: daysFrom(60), remindedAt: null };
    expect(dueForReminder([extended], NOW)).toEqual([]);
    expect(idsOf(dueForReminder([extended], new Date(daysFrom(55))))).toEqual(['reminded']);
  });

  it('when a window is given, then it is used', () => {
    expect(idsOf(dueForReminder([in2, in7, in8], NOW, 2))).toEqual(['in-2-days']);
  });
});

describe('recentlyExpired', () => {
  it('when exceptions expired within the window, then they are listed most recent first, swept or not', () => {
    const swept = anException({ id: 'swept', status: 'expired', expiresAt: daysFrom(-2) });
    const unswept = anException({ id: 'unswept', expiresAt: daysFrom(-1) });
    const atNow = anException({ id: 'at-now', expiresAt: NOW.toISOString() });
    const old = anException({ id: 'old', status: 'expired', expiresAt: daysFrom(-8) });
    const revoked = anException({ id: 'revoked', status: 'revoked', expiresAt: daysFrom(-1) });
    const future = anException({ id: 'future', expiresAt: daysFrom(1) });
    expect(idsOf(recentlyExpired([old, swept, revoked, unswept, future, atNow], NOW, 7))).toEqual([
      'at-now',
      'unswept',
      'swept',
    ]);
  });
});

describe('daysLeft', () => {
  it('when time remains, then whole days are rounded up; once expired, 0', () => {
    expect(daysLeft(anException({ expiresAt: daysFrom(3) }), NOW)).toBe(3);
    expect(daysLeft(anException({ expiresAt: daysFrom(2.1) }), NOW)).toBe(3);
    expect(daysLeft(anException({ expiresAt: '2026-11-01T12:00:01+00:00' }), NOW)).toBe(1);
    expect(daysLeft(anException({ expiresAt: NOW.toISOString() }), NOW)).toBe(0);
    expect(daysLeft(anException({ expiresAt: daysFrom(-4) }), NOW)).toBe(0);
    expect(daysLeft(anException({ expiresAt: 'garbage' }), NOW)).toBe(0);
  });
});

describe('staleExceptions', () => {
  const CHECK = 's3_bucket_public_access_blocked';
  const scanned = {
    accountIds: new Set([PROD, STAGING]),
    checkIds: new Set([CHECK, 'iam_root_mfa_enabled']),
    regions: new Set(['us-east-1']),
  };
  const onBucket = (bucket: string, over: Parameters<typeof anException>[0] = {}) =>
    anException({ scope: { accounts: [PROD], checks: [CHECK], resources: [bucket] }, ...over });

  it('when the scan looked and no failing finding matches, then the exception is stale', () => {
    const fixed = onBucket('old-site', { id: 'fixed' });
    const stillFailing = onBucket('app-data', { id: 'still' });
    const passed = aFinding({ bucket: 'old-site', status: 'pass' });
    expect(idsOf(staleExceptions([fixed, stillFailing], [aFinding(), passed], at(NOW), scanned))).toEqual(['fixed']);
  });

  it('when the exception suppressed findings in Security Hub, then it is not stale (those findings are no longer read back)', () => {
    const suppressing = onBucket('old-site', { id: 'suppressing', suppressedInSecurityHub: ['arn:aws:securityhub:x'] });
    expect(idsOf(staleExceptions([suppressing], [aFinding()], at(NOW), scanned))).toEqual([]);
  });

  it('when the scan did not cover its account, then it is not stale', () => {
    const e = anException({ scope: { accounts: [SANDBOX], checks: [CHECK] } });
    expect(staleExceptions([e], [], at(NOW), scanned)).toEqual([]);
  });

  it('when the scan did not run its checks, then it is not stale', () => {
    const e = anException({ scope: { accounts: [PROD], checks: ['ec2_*'] } });
    expect(staleExceptions([e], [], at(NOW), scanned)).toEqual([]);
  });

  it('when the scan did not cover its regions, or the regions scanned are not known, then it is not stale', () => {
    const e = anException({ scope: { accounts: [PROD], checks: [CHECK], regions: ['eu-west-1'] } });
    expect(staleExceptions([e], [], at(NOW), scanned)).toEqual([]);
    const east = anException({ scope: { accounts: [PROD], checks: [CHECK], regions: ['us-east-1'] } });
    expect(staleExceptions([east], [], at(NOW), { ...scanned, regions: undefined })).toEqual([]);
    expect(staleExceptions([east], [], at(NOW), scanned)).toEqual([east]);
  });

  it('when its scope is account-wide (`global`), then any scan of the account looked', () => {
    const e = anException({ scope: { accounts: [PROD], checks: ['iam_root_mfa_enabled'], regions: [GLOBAL_REGION] } });
    expect(staleExceptions([e], [], at(NOW), { ...scanned, regions: undefined })).toEqual([e]);
  });

  it('when its OU scope meets only accounts whose OU path is unknown, then it is not stale', () => {
    const e = anException({ scope: { ous: [OU_WORKLOADS], checks: [CHECK] } });
    const sandboxOnly = { ...scanned, accountIds: new Set([SANDBOX]) };
    expect(staleExceptions([e], [], at(NOW), sandboxOnly)).toEqual([]);
    // Once a scanned account is known to be inside, the scan did look.
    expect(staleExceptions([e], [], at(NOW), scanned)).toEqual([e]);
  });

  it('when a finding it might cover is unknown (access denied on the account), then it is not stale', () => {
    const e = onBucket('old-site');
    const denied = aFinding({
      status: 'unknown',
      region: GLOBAL_REGION,
      resource: { type: 'AwsAccount', id: PROD, arn: null },
      evidence: { missingPermission: 's3:ListAllMyBuckets' },
    });
    expect(staleExceptions([e], [denied], at(NOW), scanned)).toEqual([]);
  });

  it('when a failing finding could match but its tags are unknown, then it is not stale', () => {
    const e = anException({ scope: { accounts: [PROD], checks: [CHECK], tags: { team: 'data' } } });
    const tagsUnknown = aFinding({ resource: { type: 'AwsS3Bucket', id: 'app-data', arn: null } });
    expect(staleExceptions([e], [tagsUnknown], at(NOW), scanned)).toEqual([]);
    const otherTeam = aFinding({ resource: { type: 'AwsS3Bucket', id: 'app-data', arn: null, tags: { team: 'web' } } });
    expect(staleExceptions([e], [otherTeam], at(NOW), scanned)).toEqual([e]);
  });

  it('when an exception is not in force, then it is never reported stale', () => {
    const pending = onBucket('old-site', { status: 'pending' });
    const expired = onBucket('old-site', { expiresAt: daysFrom(-1) });
    expect(staleExceptions([pending, expired], [], at(NOW), scanned)).toEqual([]);
  });
});

describe('validateNewException', () => {
  const valid = {
    expiresAt: daysFrom(30),
    reason: 'Vendor needs it until the migration.',
    scope: { accounts: [PROD], checks: ['s3_*'] },
  };
  const max = DEFAULT_EXCEPTION_MAX_DAYS;

  it('when everything is right, then there are no errors (the maximum itself is allowed)', () => {
    expect(validateNewException(valid, NOW, max)).toEqual([]);
    expect(validateNewException({ ...valid, expiresAt: daysFrom(max) }, NOW, max)).toEqual([]);
  });

  it('when the expiry is now or in the past, then it says so', () => {
    for (const expiresAt of [NOW.toISOString(), daysFrom(-1), '2026-11-01T12:00:00+00:00']) {
      expect(validateNewException({ ...valid, expiresAt }, NOW, max)).toEqual([
        `The expiry ${expiresAt} is in the past: an accepted risk must expire in the future.`,
      ]);
    }
  });

  it('when the expiry is beyond the maximum, then it names the latest allowed date', () => {
    expect(validateNewException({ ...valid, expiresAt: daysFrom(max, new Date(NOW.getTime() + 1)) }, NOW, max)).toEqual(
      [
        `The expiry ${daysFrom(max, new Date(NOW.getTime() + 1))} is more than 90 days away: accept the risk until 2027-01-30 at the latest, and extend it then if it still applies.`,
      ],
    );
  });

  it('when an offset moves the instant across the limit, then the instant decides', () => {
    // 2027-01-30T12:00 UTC is the limit; written in New York time it is 07:00-05:00.
    expect(validateNewException({ ...valid, expiresAt: '2027-01-30T07:00:00-05:00' }, NOW, max)).toEqual([]);
    expect(validateNewException({ ...valid, expiresAt: '2027-01-30T08:00:00-05:00' }, NOW, max)).toHaveLength(1);
  });

  it('when the expiry is not a time with a zone, then it says so', () => {
    expect(validateNewException({ ...valid, expiresAt: '2027-01-01T00:00:00' }, NOW, max)).toEqual([
      'The expiry "2027-01-01T00:00:00" is not a date and time with a time zone (for example 2027-03-01T00:00:00Z).',
    ]);
  });

  it('when the reason is empty or blank, then it asks for one', () => {
    expect(validateNewException({ ...valid, reason: '  \n' }, NOW, max)).toEqual([
      'Give a reason: why is this risk accepted?',
    ]);
  });

  it('when the scope is malformed, then each problem is named with its path', () => {
    expect(
      validateNewException({ ...valid, scope: { accounts: ['12345'], checks: [], colour: 'red' } }, NOW, max),
    ).toEqual([
      'scope.accounts[0]: expected a 12-digit account id or *',
      'scope.checks: Too small: expected array to have >=1 items',
      'scope: Unrecognized key: "colour"',
    ]);
    expect(validateNewException({ ...valid, scope: { checks: ['*'] } }, NOW, max)).toEqual([
      'scope.accounts: name the accounts or OUs the exception covers (accounts: ["*"] for every account)',
    ]);
  });

  it('when several things are wrong, then all are reported at once', () => {
    expect(validateNewException({ expiresAt: daysFrom(-1), reason: '', scope: null }, NOW, max)).toHaveLength(3);
  });
});
