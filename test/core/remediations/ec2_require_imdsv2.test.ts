import type { ModifyInstanceMetadataOptionsCommandInput } from '@aws-sdk/client-ec2';
import { known } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/ec2_require_imdsv2';
import { REGION, anAccount, anEc2Region, anInstance, denied } from '../../fixtures/snapshot-builders';
import { SAMPLES, planned, reasonOf } from '../../fixtures/remediation-builders';

const { finding, account } = SAMPLES.ec2_require_imdsv2!();
const withInstance = (over: Parameters<typeof anInstance>[0]) =>
  anAccount({ ec2: { [REGION]: anEc2Region({ instances: known([anInstance(over)]) }) } });

describe('ec2_require_imdsv2', () => {
  it('when an instance allows IMDSv1, then the plan requires tokens and keeps the endpoint on', () => {
    const expected: ModifyInstanceMetadataOptionsCommandInput = {
      InstanceId: 'i-0abc123',
      HttpTokens: 'required',
      HttpEndpoint: 'enabled',
    };
    expect(planned(remediation.plan(finding, account)).calls).toEqual([
      { service: 'ec2', region: REGION, command: 'ModifyInstanceMetadataOptions', input: expected },
    ]);
  });

  it('when undone, then tokens become optional again', () => {
    const result = planned(remediation.plan(finding, account));
    const expected: ModifyInstanceMetadataOptionsCommandInput = {
      InstanceId: 'i-0abc123',
      HttpTokens: 'optional',
      HttpEndpoint: 'enabled',
    };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 'ec2', region: REGION, command: 'ModifyInstanceMetadataOptions', input: expected }],
    });
  });

  it('when the instance does not report HttpTokens, then it is still planned (nothing shows IMDSv2 is enforced)', () => {
    expect(planned(remediation.plan(finding, withInstance({ httpTokens: null }))).calls).toHaveLength(1);
  });

  it.each([
    [{ httpTokens: 'required' as const }, /already requires IMDSv2/],
    [{ httpTokens: 'optional' as const, httpEndpoint: 'disabled' as const }, /turned off/],
    [{ httpTokens: 'optional' as const, state: 'terminated' }, /terminated/],
  ])('when the instance is %o, then no plan is made', (over, reason) => {
    expect(reasonOf(remediation.plan(finding, withInstance(over)))).toMatch(reason);
  });

  it('when instances could not be listed, then no plan is made, naming the permission', () => {
    const acct = anAccount({ ec2: { [REGION]: anEc2Region({ instances: denied('ec2:DescribeInstances') }) } });
    expect(reasonOf(remediation.plan(finding, acct))).toContain('ec2:DescribeInstances');
  });

  it('when declared, then it needs two approvals because IMDSv1 clients break', () => {
    expect(remediation).toMatchObject({ risk: 'high', approvals: 2 });
  });
});
