import check from '../../../../src/core/checks/ec2/ec2_instance_imdsv2_required';
import { known } from '../../../../src/core/model';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { accountWithEc2 } from '../../../fixtures/ec2-builders';
import { anAccount, anInstance, denied } from '../../../fixtures/snapshot-builders';

const withInstances = (...instances: ReturnType<typeof anInstance>[]) =>
  accountWithEc2({ instances: known(instances) });

describe('ec2_instance_imdsv2_required', () => {
  it('when the instance requires session tokens, then it passes', () => {
    const result = resultFor(run(check, anAccount()), 'i-0abc123');
    expect(result.status).toBe('pass');
    expect(result.message).toBe('Instance i-0abc123 (web-1) requires IMDSv2.');
  });

  it('when HttpTokens is optional, then the instance fails as allowing IMDSv1', () => {
    const result = resultFor(run(check, withInstances(anInstance({ httpTokens: 'optional' }))), 'i-0abc123');
    expect(result.status).toBe('fail');
    expect(result.message).toBe('Instance i-0abc123 (web-1) allows IMDSv1 (HttpTokens is optional).');
    expect(result.evidence).toEqual({ state: 'running', httpTokens: 'optional', httpEndpoint: 'enabled' });
  });

  it('when the metadata endpoint is disabled, then IMDSv1 is unreachable and the instance passes', () => {
    const instance = anInstance({ httpTokens: 'optional', httpEndpoint: 'disabled' });
    const result = resultFor(run(check, withInstances(instance)), 'i-0abc123');
    expect(result.status).toBe('pass');
    expect(result.message).toContain('metadata service turned off');
  });

  it('when the metadata options are missing, then the instance is unknown: neither passing unproven nor failing on a guess', () => {
    const instance = anInstance({ httpTokens: null, httpEndpoint: null });
    const result = resultFor(run(check, withInstances(instance)), 'i-0abc123');
    expect(result.status).toBe('unknown');
    expect(result.message).toBe(
      'Could not check: instance i-0abc123 (web-1) has no metadata options (HttpTokens) in the DescribeInstances answer, so whether it allows IMDSv1 is unknown.',
    );
  });

  it('when HttpTokens is optional but the endpoint state is missing, then the instance is unknown', () => {
    const instance = anInstance({ httpTokens: 'optional', httpEndpoint: null });
    expect(resultFor(run(check, withInstances(instance)), 'i-0abc123').status).toBe('unknown');
  });

  it('when HttpTokens is required and the endpoint state is missing, then IMDSv1 is off either way and it passes', () => {
    const instance = anInstance({ httpTokens: 'required', httpEndpoint: null });
    expect(resultFor(run(check, withInstances(instance)), 'i-0abc123').status).toBe('pass');
  });

  it('when the instance is stopped, then it is still judged because starting it brings IMDSv1 back', () => {
    const instance = anInstance({ state: 'stopped', httpTokens: 'optional' });
    expect(resultFor(run(check, withInstances(instance)), 'i-0abc123').status).toBe('fail');
  });

  it('when the instance is shutting down or terminated, then it is not reported', () => {
    const account = withInstances(
      anInstance({ instanceId: 'i-0going', state: 'shutting-down', httpTokens: 'optional' }),
      anInstance({ instanceId: 'i-0gone', state: 'terminated', httpTokens: 'optional' }),
      anInstance({ instanceId: 'i-0new', state: 'pending', httpTokens: 'optional', name: null }),
    );
    const results = run(check, account);
    expect(statuses(results)).toEqual(['i-0new:fail']);
    expect(results[0]!.message).toBe('Instance i-0new allows IMDSv1 (HttpTokens is optional).');
  });

  it('when instances cannot be described, then the region is unknown naming the permission', () => {
    const results = run(check, accountWithEc2({ instances: denied('ec2:DescribeInstances') }));
    expect(statuses(results)).toEqual(['111111111111/us-east-1/instances:unknown']);
    expect(results[0]!.message).toContain('ec2:DescribeInstances');
  });
});
