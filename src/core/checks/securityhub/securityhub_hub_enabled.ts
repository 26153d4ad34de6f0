import { defineCheck, fail, pass, withFactOne } from '../define';
import { regionSettingResource } from '../../resources';

export default defineCheck({
  id: 'securityhub_hub_enabled',
  service: 'securityhub',
  severity: 'medium',
  title: 'Security Hub is enabled',
  failTitle: 'Security Hub is off',
  rationale:
    'Security Hub is regional: where it is off, its controls do not run and findings from GuardDuty, Inspector and others are not gathered, so problems in that region go unseen.',
  remediationText:
    'Enable Security Hub in the region (Security Hub console → Go to Security Hub → Enable), or run `aws securityhub enable-security-hub --region <region>`; with AWS Organizations, use central configuration from the delegated administrator.',
  frameworks: { cis: '4.16', securityHub: null },
  requires: ['securityhub'],
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.securityhub).flatMap(([region, hub]) => {
      const resource = regionSettingResource(account, region, 'securityhub');
      return withFactOne(hub.enabled, resource, region, (enabled) =>
        enabled
          ? pass(resource, region, `Security Hub is enabled in ${region}.`, { enabled: true })
          : fail(resource, region, `Security Hub is not enabled in ${region}.`, { enabled: false }),
      );
    }),
});
