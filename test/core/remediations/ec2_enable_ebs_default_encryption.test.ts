import { known } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/ec2_enable_ebs_default_encryption';
import { ACCOUNT_ID, anAccount, anEc2Region, denied } from '../../fixtures/snapshot-builders';
import { SAMPLES, aFinding, planned, reasonOf } from '../../fixtures/remediation-builders';

const { finding } = SAMPLES.ec2_enable_ebs_default_encryption!();
const inEuWest1 = aFinding({
  ...finding,
  region: 'eu-west-1',
  resource: { type: 'AwsAccount', id: `${ACCOUNT_ID}/eu-west-1/ebs-default-encryption`, arn: null },
});
const regions = (eu: Parameters<typeof anEc2Region>[0]) =>
  anAccount({ regions: ['us-east-1', 'eu-west-1'], ec2: { 'us-east-1': anEc2Region(), 'eu-west-1': anEc2Region(eu) } });

describe('ec2_enable_ebs_default_encryption', () => {
  it('when the default is off in a region, then the plan turns it on in that region only', () => {
    const result = planned(remediation.plan(inEuWest1, regions({ ebsEncryptionByDefault: known(false) })));
    expect(result.calls).toEqual([
      { service: 'ec2', region: 'eu-west-1', command: 'EnableEbsEncryptionByDefault', input: {} },
    ]);
    expect(result.notes?.join(' ')).toMatch(/Existing volumes/);
  });

  it('when undone, then the default is turned off in that region', () => {
    const result = planned(remediation.plan(inEuWest1, regions({ ebsEncryptionByDefault: known(false) })));
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 'ec2', region: 'eu-west-1', command: 'DisableEbsEncryptionByDefault', input: {} }],
    });
  });

  it('when the default is already on, then there is nothing to do', () => {
    expect(reasonOf(remediation.plan(inEuWest1, regions({})))).toMatch(/already on in eu-west-1/);
  });

  it('when the setting could not be read, then no plan is made, naming the permission', () => {
    const acct = regions({ ebsEncryptionByDefault: denied('ec2:GetEbsEncryptionByDefault') });
    expect(reasonOf(remediation.plan(inEuWest1, acct))).toContain('ec2:GetEbsEncryptionByDefault');
  });
});
