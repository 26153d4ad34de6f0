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

const problem = (i: Instance): string | null => {
  // With the endpoint off there is no metadata service to steal credentials from, whatever HttpTokens says.
  if (i.httpEndpoint === 'disabled' || i.httpTokens === 'required') return null;
  return i.httpTokens === 'optional'
    ? 'allows IMDSv1 (HttpTokens is optional)'
    : // AWS always reports HttpTokens; without it nothing shows IMDSv2 is enforced, so this fails rather than passes.
      'does not report HttpTokens=required, so IMDSv1 may be allowed';
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
    Object.entries(account.ec2 ?? {}).flatMap(([region, ec2]) =>
      withFact(ec2.instances, regionSettingResource(account, region, 'instances'), region, (instances) =>
        instances
          .filter((i) => !IGNORED_STATES.has(i.state))
          .map((i) => {
            const resource = instanceResource(account, region, i);
            const evidence = { state: i.state, httpTokens: i.httpTokens, httpEndpoint: i.httpEndpoint };
            const issue = problem(i);
            if (issue) return fail(resource, region, `Instance ${label(i)} ${issue}.`, evidence);
            return i.httpEndpoint === 'disabled'
              ? pass(resource, region, `Instance ${label(i)} has the instance metadata service turned off.`, evidence)
              : pass(resource, region, `Instance ${label(i)} requires IMDSv2.`, evidence);
          }),
      ),
    ),
});
