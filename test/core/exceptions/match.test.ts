import { scopeCovers, scopeVerdict } from '../../../src/core/exceptions/match';
import type { ExceptionScope } from '../../../src/core/exceptions/model';
import { GLOBAL_REGION } from '../../../src/core/model';
import { ORG, OU_PROD, OU_WORKLOADS, PROD, ROOT, SANDBOX, STAGING, aFinding } from './builders';

const CHECK = 's3_bucket_public_access_blocked';
const scope = (over: Partial<ExceptionScope> = {}): ExceptionScope => ({ accounts: [PROD], checks: [CHECK], ...over });

describe('scopeCovers', () => {
  describe('accounts', () => {
    it('when the account id is listed, then the finding is covered', () => {
      expect(scopeCovers(scope(), aFinding(), ORG)).toBe(true);
    });
    it('when another account is listed, then it is not', () => {
      expect(scopeCovers(scope({ accounts: [STAGING] }), aFinding(), ORG)).toBe(false);
    });
    it('when the accounts are `*`, then every account is covered, even one whose OU is unknown', () => {
      expect(scopeCovers(scope({ accounts: ['*'] }), aFinding({ accountId: SANDBOX }), ORG)).toBe(true);
    });
  });

  describe('OUs', () => {
    it('when the scope names the OU the account is directly in, then it is covered', () => {
      expect(scopeCovers({ ous: [OU_PROD], checks: [CHECK] }, aFinding(), ORG)).toBe(true);
    });
    it('when the scope names a parent OU of the account, then it is covered (inheritance)', () => {
      expect(scopeCovers({ ous: [OU_WORKLOADS], checks: [CHECK] }, aFinding(), ORG)).toBe(true);
      expect(scopeCovers({ ous: [ROOT], checks: [CHECK] }, aFinding(), ORG)).toBe(true);
    });
    it('when the account sits above the named OU, then it is not covered', () => {
      expect(scopeCovers({ ous: [OU_PROD], checks: [CHECK] }, aFinding({ accountId: STAGING }), ORG)).toBe(false);
    });
    it("when the account's OU path is unknown, then it never matches an OU scope", () => {
      const finding = aFinding({ accountId: SANDBOX });
      expect(scopeCovers({ ous: [ROOT], checks: [CHECK] }, finding, ORG)).toBe(false);
      expect(scopeVerdict({ ous: [ROOT], checks: [CHECK] }, finding, ORG)).toBe('unknown');
    });
    it('when both accounts and OUs are given, then both must match', () => {
      expect(scopeCovers({ accounts: [PROD], ous: [OU_PROD], checks: [CHECK] }, aFinding(), ORG)).toBe(true);
      expect(scopeCovers({ accounts: [STAGING], ous: [OU_WORKLOADS], checks: [CHECK] }, aFinding(), ORG)).toBe(false);
      expect(
        scopeCovers({ accounts: [PROD], ous: [OU_PROD], checks: [CHECK] }, aFinding({ accountId: STAGING }), ORG),
      ).toBe(false);
    });
  });

  describe('checks', () => {
    it('when a check pattern matches the check id, then the finding is covered', () => {
      expect(scopeCovers(scope({ checks: ['s3_*'] }), aFinding(), ORG)).toBe(true);
      expect(scopeCovers(scope({ checks: ['iam_*', CHECK] }), aFinding(), ORG)).toBe(true);
    });
    it('when no check pattern matches, then it is not', () => {
      expect(scopeCovers(scope({ checks: ['iam_*'] }), aFinding(), ORG)).toBe(false);
      expect(scopeCovers(scope({ checks: ['s3_bucket_public'] }), aFinding(), ORG)).toBe(false);
    });
    it('when the finding came from Security Hub, then its control id is matched like any check id', () => {
      const hub = aFinding({ source: 'securityhub', checkId: 'securityhub:S3.8' });
      expect(scopeCovers(scope({ checks: ['securityhub:S3.*'] }), hub, ORG)).toBe(true);
    });
  });

  describe('regions', () => {
    it('when the region is listed, then the finding is covered; otherwise not', () => {
      expect(scopeCovers(scope({ regions: ['us-east-1'] }), aFinding(), ORG)).toBe(true);
      expect(scopeCovers(scope({ regions: ['eu-west-1'] }), aFinding(), ORG)).toBe(false);
    });
    it('when the scope lists `global`, then account-wide findings are covered and regional ones are not', () => {
      const iam = aFinding({ checkId: 'iam_root_mfa_enabled', region: GLOBAL_REGION });
      expect(scopeCovers(scope({ checks: ['iam_*'], regions: [GLOBAL_REGION] }), iam, ORG)).toBe(true);
      expect(scopeCovers(scope({ regions: [GLOBAL_REGION] }), aFinding(), ORG)).toBe(false);
    });
    it('when regions are compared, then it is exact (no patterns)', () => {
      expect(scopeCovers(scope({ regions: ['us-*'] }), aFinding(), ORG)).toBe(false);
    });
  });

  describe('resources', () => {
    it('when a pattern matches the ARN, then the finding is covered', () => {
      expect(scopeCovers(scope({ resources: ['arn:aws:s3:::app-*'] }), aFinding(), ORG)).toBe(true);
    });
    it('when a pattern matches the id (name), then the finding is covered', () => {
      expect(scopeCovers(scope({ resources: ['app-data'] }), aFinding(), ORG)).toBe(true);
      expect(scopeCovers(scope({ resources: ['app-*'] }), aFinding(), ORG)).toBe(true);
    });
    it('when the resource has no ARN, then its id still matches', () => {
      const noArn = aFinding({ resource: { type: 'AwsS3Bucket', id: 'app-data', arn: null, tags: {} } });
      expect(scopeCovers(scope({ resources: ['app-*'] }), noArn, ORG)).toBe(true);
      expect(scopeCovers(scope({ resources: ['arn:aws:s3:::app-*'] }), noArn, ORG)).toBe(false);
    });
    it('when neither the ARN nor the id matches, then it is not covered', () => {
      expect(scopeCovers(scope({ resources: ['logs-*', 'arn:aws:s3:::logs-*'] }), aFinding(), ORG)).toBe(false);
    });
  });

  describe('tags', () => {
    it('when every named tag is present with the value, then the finding is covered', () => {
      expect(scopeCovers(scope({ tags: { team: 'data', env: 'prod' } }), aFinding(), ORG)).toBe(true);
    });
    it('when a value differs or a key is missing, then it is not', () => {
      expect(scopeCovers(scope({ tags: { team: 'web' } }), aFinding(), ORG)).toBe(false);
      expect(scopeCovers(scope({ tags: { team: 'data', owner: 'x' } }), aFinding(), ORG)).toBe(false);
    });
    it('when the value is `*`, then any value matches but the key must be there', () => {
      expect(scopeCovers(scope({ tags: { team: '*' } }), aFinding(), ORG)).toBe(true);
      expect(scopeCovers(scope({ tags: { owner: '*' } }), aFinding(), ORG)).toBe(false);
    });
    it("when the resource's tags are unknown, then no tag scope matches, not even `*`", () => {
      const unknownTags = aFinding({ resource: { type: 'AwsS3Bucket', id: 'app-data', arn: 'arn:aws:s3:::app-data' } });
      expect(scopeCovers(scope({ tags: { team: '*' } }), unknownTags, ORG)).toBe(false);
      expect(scopeVerdict(scope({ tags: { team: '*' } }), unknownTags, ORG)).toBe('unknown');
      // A scope without tags does not care.
      expect(scopeCovers(scope(), unknownTags, ORG)).toBe(true);
    });
    it('when the resource is known to have no tags, then a tag scope definitely does not match', () => {
      const untagged = aFinding({ resource: { type: 'AwsS3Bucket', id: 'app-data', arn: null, tags: {} } });
      expect(scopeVerdict(scope({ tags: { team: '*' } }), untagged, ORG)).toBe('not-covered');
    });
    it('when a tag key is an inherited object property name, then it is still not present', () => {
      expect(scopeCovers(scope({ tags: { constructor: '*' } }), aFinding(), ORG)).toBe(false);
    });
  });

  it('when one given field fails among many that match, then the finding is not covered', () => {
    const all: ExceptionScope = {
      accounts: [PROD],
      ous: [OU_WORKLOADS],
      checks: ['s3_*'],
      regions: ['us-east-1'],
      resources: ['app-*'],
      tags: { team: 'data' },
    };
    expect(scopeCovers(all, aFinding(), ORG)).toBe(true);
    expect(scopeCovers({ ...all, regions: ['eu-west-1'] }, aFinding(), ORG)).toBe(false);
    expect(scopeCovers({ ...all, resources: ['logs-*'] }, aFinding(), ORG)).toBe(false);
    expect(scopeCovers({ ...all, tags: { team: 'web' } }, aFinding(), ORG)).toBe(false);
    expect(scopeCovers({ ...all, checks: ['iam_*'] }, aFinding(), ORG)).toBe(false);
    expect(scopeCovers({ ...all, ous: [OU_PROD] }, aFinding({ accountId: STAGING }), ORG)).toBe(false);
  });

  it('when a definite mismatch meets an unknown, then the verdict is a definite no', () => {
    const unknownTags = aFinding({ accountId: SANDBOX, resource: { type: 'AwsS3Bucket', id: 'x', arn: null } });
    expect(scopeVerdict({ ous: [ROOT], checks: ['iam_*'], tags: { a: '*' } }, unknownTags, ORG)).toBe('not-covered');
    expect(scopeVerdict({ accounts: [STAGING], ous: [ROOT], checks: [CHECK] }, unknownTags, ORG)).toBe('not-covered');
  });
});
