import check from '../../../../src/core/checks/ec2/ec2_ebs_default_encryption';
import { known, missing } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { accountWithTwoRegions } from '../../../fixtures/ec2-builders';
import { anAccount, denied } from '../../../fixtures/snapshot-builders';

describe('ec2_ebs_default_encryption', () => {
  it('when encryption by default is on, then the region passes', () => {
    const results = run(check, anAccount());
    expect(statuses(results)).toEqual(['111111111111/us-east-1/ebs-default-encryption:pass']);
    expect(results[0]).toMatchObject({ region: 'us-east-1', resource: { type: 'AwsAccount', arn: null } });
  });

  it('when it is off in one region, then only that region fails', () => {
    const results = run(check, accountWithTwoRegions({ ebsEncryptionByDefault: known(false) }));
    expect(statuses(results)).toEqual([
      '111111111111/us-east-1/ebs-default-encryption:fail',
      '111111111111/eu-west-1/ebs-default-encryption:pass',
    ]);
    expect(results[0]!.message).toBe(
      'EBS encryption by default is off in us-east-1: new volumes may be created unencrypted.',
    );
  });

  it('when the setting cannot be read, then the region is unknown naming the permission', () => {
    const results = run(
      check,
      accountWithTwoRegions({ ebsEncryptionByDefault: denied('ec2:GetEbsEncryptionByDefault') }),
    );
    expect(results[0]).toMatchObject({
      status: 'unknown',
      region: 'us-east-1',
      evidence: { missingPermission: 'ec2:GetEbsEncryptionByDefault' },
    });
  });

  it('when the region is not enabled for the account, then the region is unknown saying so', () => {
    const optIn = missing<boolean>({
      service: 'ec2',
      operation: 'GetEbsEncryptionByDefault',
      permission: 'ec2:GetEbsEncryptionByDefault',
      region: 'us-east-1',
      code: 'OptInRequired',
      kind: 'region-unavailable',
      message: 'You are not subscribed to this service.',
    });
    const [result] = run(check, accountWithTwoRegions({ ebsEncryptionByDefault: optIn }));
    expect(result).toMatchObject({ status: 'unknown' });
    expect(result!.message).toContain('region us-east-1 is not enabled');
  });
});
