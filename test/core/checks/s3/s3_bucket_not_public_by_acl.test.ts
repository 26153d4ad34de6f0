import check from '../../../../src/core/checks/s3/s3_bucket_not_public_by_acl';
import { known, type AclGrant } from '../../../../src/core/model';
import { resultFor, run } from '../../../fixtures/check-harness';
import { aGroupGrant, anAccountWithoutBlockPublicAccess, anOwnerGrant } from '../../../fixtures/s3-builders';
import { ALL_BLOCKED, aBucket, anAccount, anS3Slice, denied } from '../../../fixtures/snapshot-builders';

const withGrants = (...grants: AclGrant[]) =>
  aBucket({ acl: known({ ownerId: 'owner-canonical-id', grants: [anOwnerGrant(), ...grants] }) });

describe('s3_bucket_not_public_by_acl', () => {
  it('when the ACL grants only the owner, then the bucket passes', () => {
    expect(resultFor(run(check, anAccount()), 'app-data').status).toBe('pass');
  });

  it('when AllUsers may read, then it fails saying anyone on the internet can read', () => {
    const result = resultFor(
      run(check, anAccountWithoutBlockPublicAccess([withGrants(aGroupGrant('AllUsers', 'READ'))])),
      'app-data',
    );
    expect(result.status).toBe('fail');
    expect(result.message).toContain('READ to anyone on the internet');
    expect(result.evidence).toMatchObject({ includesWrite: false, securityHubControl: 'S3.2' });
  });

  it('when AuthenticatedUsers may read, then it fails saying any authenticated AWS user can', () => {
    const bucket = withGrants(aGroupGrant('AuthenticatedUsers', 'READ'));
    const result = resultFor(run(check, anAccountWithoutBlockPublicAccess([bucket])), 'app-data');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('any authenticated AWS user');
    expect(result.evidence).toMatchObject({ grants: [{ grantee: 'AuthenticatedUsers', permission: 'READ' }] });
  });

  it('when AllUsers may write, then the failure names S3.3', () => {
    const result = resultFor(
      run(check, anAccountWithoutBlockPublicAccess([withGrants(aGroupGrant('AllUsers', 'WRITE'))])),
      'app-data',
    );
    expect(result.evidence).toMatchObject({ includesWrite: true, securityHubControl: 'S3.3' });
  });

  it('when the ACL is public but ignorePublicAcls is on for the bucket, then it passes as ignored', () => {
    const bucket = {
      ...withGrants(aGroupGrant('AllUsers')),
      publicAccessBlock: known({ ...ALL_BLOCKED, restrictPublicBuckets: false }),
    };
    const account = anAccount({ s3: anS3Slice({ accountPublicAccessBlock: known(null), buckets: known([bucket]) }) });
    const result = resultFor(run(check, account), 'app-data');
    expect(result).toMatchObject({ status: 'pass', evidence: { neutralisedBy: 'ignorePublicAcls' } });
  });

  it('when the ACL cannot be read and nothing ignores public ACLs, then it is unknown naming the permission', () => {
    const bucket = aBucket({ acl: denied('s3:GetBucketAcl') });
    const result = resultFor(run(check, anAccountWithoutBlockPublicAccess([bucket])), 'app-data');
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('s3:GetBucketAcl');
  });

  it('when buckets cannot be listed, then one unknown result stands for the account', () => {
    const results = run(check, anAccount({ s3: anS3Slice({ buckets: denied('s3:ListAllMyBuckets') }) }));
    expect(results).toEqual([
      expect.objectContaining({ status: 'unknown', resource: expect.objectContaining({ type: 'AwsAccount' }) }),
    ]);
  });
});
