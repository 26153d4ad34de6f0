import { coveragePreview, scopeAccounts } from '../../../src/core/exceptions/coverage';
import { ORG, OU_PROD, OU_WORKLOADS, PROD, ROOT, SANDBOX, STAGING, aFinding } from './builders';

describe('coveragePreview', () => {
  it('when a pattern widens the scope, then it counts the failing findings it would hide, per check, with a sample', () => {
    const buckets = Array.from({ length: 7 }, (_, i) => aFinding({ bucket: `logs-${i}` }));
    const mfa = aFinding({ bucket: 'logs-mfa', checkId: 's3_bucket_mfa_delete_enabled' });
    const passing = aFinding({ bucket: 'logs-ok', status: 'pass' });
    const unknown = aFinding({ bucket: 'logs-unknown', status: 'unknown' });
    const elsewhere = aFinding({ bucket: 'app-data' });
    const preview = coveragePreview(
      { accounts: [PROD], checks: ['s3_*'], resources: ['logs-*'] },
      [buckets[0]!, mfa, passing, unknown, elsewhere, ...buckets.slice(1)],
      ORG,
    );
    expect(preview.count).toBe(8);
    expect(preview.byCheck).toEqual({ s3_bucket_public_access_blocked: 7, s3_bucket_mfa_delete_enabled: 1 });
    expect(preview.sample.map((f) => f.resource.id)).toEqual(['logs-0', 'logs-mfa', 'logs-1', 'logs-2', 'logs-3']);
    expect(preview.undecided).toBe(0);
  });

  it('when some findings cannot be judged (tags or OU unknown), then they are counted apart, not covered', () => {
    const tagsUnknown = aFinding({ bucket: 'x', resource: { type: 'AwsS3Bucket', id: 'x', arn: null } });
    const sandbox = aFinding({ bucket: 'y', accountId: SANDBOX });
    const preview = coveragePreview(
      { ous: [ROOT], checks: ['s3_*'], tags: { team: 'data' } },
      [tagsUnknown, sandbox, aFinding()],
      ORG,
    );
    expect(preview).toMatchObject({ count: 1, undecided: 2 });
  });

  it('when nothing matches, then the preview is empty', () => {
    expect(coveragePreview({ accounts: [STAGING], checks: ['*'] }, [aFinding()], ORG)).toEqual({
      count: 0,
      byCheck: {},
      sample: [],
      undecided: 0,
    });
  });
});

describe('scopeAccounts', () => {
  const known = [
    { id: PROD, ouPath: [ROOT, OU_WORKLOADS, OU_PROD] },
    { id: STAGING, ouPath: [ROOT, OU_WORKLOADS] },
    { id: SANDBOX, ouPath: [ROOT] },
  ];

  it('when the accounts are `*`, then approvers of every account must approve', () => {
    expect(scopeAccounts({ accounts: ['*'] }, known)).toEqual({ all: true });
    expect(scopeAccounts({ accounts: [PROD, '*'], ous: [OU_PROD] }, known)).toEqual({ all: true });
  });

  it('when accounts are listed, then exactly those, sorted and once each', () => {
    expect(scopeAccounts({ accounts: [STAGING, PROD, STAGING] }, known)).toEqual({ ids: [PROD, STAGING] });
    expect(scopeAccounts({ accounts: [STAGING], ous: [OU_PROD] }, known)).toEqual({ ids: [STAGING] });
  });

  it('when OUs are given, then the known accounts below them, through parent OUs', () => {
    expect(scopeAccounts({ ous: [OU_WORKLOADS] }, known)).toEqual({ ids: [PROD, STAGING] });
    expect(scopeAccounts({ ous: [OU_PROD] }, known)).toEqual({ ids: [PROD] });
    expect(scopeAccounts({ ous: [ROOT] }, known)).toEqual({ ids: [PROD, STAGING, SANDBOX].sort() });
  });

  it("when a known account's OU path is unknown, or no known account is below the OUs, then every account", () => {
    expect(scopeAccounts({ ous: [OU_PROD] }, [...known, { id: '444444444444', ouPath: null }])).toEqual({ all: true });
    expect(scopeAccounts({ ous: [OU_PROD] }, [...known, { id: '444444444444' }])).toEqual({ all: true });
    expect(scopeAccounts({ ous: ['ou-ab12-elsewhere'] }, known)).toEqual({ all: true });
    expect(scopeAccounts({ ous: [OU_PROD] }, [])).toEqual({ all: true });
  });

  it('when neither accounts nor OUs are given (a malformed scope), then every account', () => {
    expect(scopeAccounts({}, known)).toEqual({ all: true });
  });
});
