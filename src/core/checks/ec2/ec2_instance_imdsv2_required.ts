import { defineCheck, fail, pass, withFact } from '../define';
import { instanceResource, regionSettingResource } from '../../resources';
import type { Instance } from '../../model';

/**
 * Instances on their way out are not reported: fixing them is pointless and the finding would
 * vanish on the next scan anyway. Stopped instances are reported, because starting one brings its
 * IMDSv1 exposure straight back.
 */
const IGNORED_STATES = new Set(['shutting-down', 'terminated']);

const label = (i: Instance) => (i.name ? `${i.instanceId} (${i.name})` : i.instanceId);

type Verdict = { status: 'pass' | 'fail' | 'unknown'; text: string };

/**
 * DescribeInstances reports MetadataOptions (HttpTokens, HttpEndpoint) for every instance; an answer
 * without them is missing evidence, so the instance is unknown rather than judged on a guess.
 */
const verdict = (i: Instance): Verdict => {
  // With the endpoint off there is no metadata service to steal credentials from, whatever HttpTokens says.
  if (i.httpEndpoint === 'disabled') return { status: 'pass', text: 'has the instance metadata service turned off' };
  if (i.httpTokens === 'required') return { status: 'pass', text: 'requires IMDSv2' };
  if (i.httpTokens === 'optional') {
    return i.httpEndpoint === 'enabled'
      ? { status: 'fail', text: 'allows IMDSv1 (HttpTokens is optional)' }
      : {
          status: 'unknown',
          text: 'has HttpTokens optional, but DescribeInstances did not say whether its metadata endpoint is on',
        };
  }
  return {
    status: 'unknown',
    text: 'has no metadata options (HttpTokens) in the DescribeInstances answer, so whether it allows IMDSv1 is unknown',
  };
};

export default defineCheck({
  id: 'ec2_instance_imdsv2_required',
  service: 'ec2',
  severity: 'high',
  title: 'EC2 instances require IMDSv2',
  failTitle: 'EC2 instance allows IMDSv1',
  rationale:
    'IMDSv1 answers plain GET requests, so a server-side request forgery or an open proxy on the instance hands its role credentials to an attacker. IMDSv2 needs a session token that such requests cannot obtain.',
  remediationText:
    'Check that the software on the instance supports IMDSv2 (current SDKs and the CLI do), then run `aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required --http-endpoint enabled`.',
  frameworks: { cis: '5.6', securityHub: 'EC2.8' },
  requires: ['ec2'],
  remediation: 'ec2_require_imdsv2',
  evaluate: ({ account }) =>
    Object.entries(account.ec2).flatMap(([region, ec2]) =>
      withFact(ec2.instances, regionSettingResource(account, region, 'instances'), region, (instances) =>
        instances
          .filter((i) => !IGNORED_STATES.has(i.state))
          .map((i) => {
            const resource = instanceResource(account, region, i);
            const evidence = { state: i.state, httpTokens: i.httpTokens, httpEndpoint: i.httpEndpoint };
            const { status, text } = verdict(i);
            const message =
              status === 'unknown' ? `Could not check: instance ${label(i)} ${text}.` : `Instance ${label(i)} ${text}.`;
            return status === 'pass'
              ? pass(resource, region, message, evidence)
              : status === 'fail'
                ? fail(resource, region, message, evidence)
                : { status, resource, region, message, evidence };
          }),
      ),
    ),
});
