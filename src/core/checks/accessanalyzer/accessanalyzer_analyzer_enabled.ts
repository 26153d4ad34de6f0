import { defineCheck, fail, pass, withFactOne } from '../define';
import { regionSettingResource } from '../../resources';
import { EXTERNAL_ACCESS_ANALYZER_TYPES, type AnalyzerSummary } from '../../model';

/** An analyzer that reports access from outside the account or organization, and is working. */
export const isActiveExternalAnalyzer = (a: AnalyzerSummary): boolean =>
  a.status === 'ACTIVE' && (EXTERNAL_ACCESS_ANALYZER_TYPES as readonly string[]).includes(a.type);

/** Why the analyzers present do not count, for the failing message. */
const whyNot = (a: AnalyzerSummary): string =>
  (EXTERNAL_ACCESS_ANALYZER_TYPES as readonly string[]).includes(a.type)
    ? `${a.name} is ${a.status}${a.statusReason ? ` (${a.statusReason})` : ''}`
    : `${a.name} is an ${a.type} analyzer, which does not report external access`;

export default defineCheck({
  id: 'accessanalyzer_analyzer_enabled',
  service: 'accessanalyzer',
  severity: 'medium',
  title: 'IAM Access Analyzer analyses external access',
  failTitle: 'IAM Access Analyzer is not analysing external access',
  rationale:
    'An external-access analyzer continuously reports the buckets, keys, roles, queues and other resources whose policies let someone outside the account (or organization) in. It is regional. An organization analyzer covers member accounts but is listed only in the account that owns it, so members without their own analyzer fail here.',
  remediationText:
    'IAM console → Access analyzer → Create analyzer (type: external access, zone of trust: this account or the organization) in each region, or run `aws accessanalyzer create-analyzer --analyzer-name <name> --type ACCOUNT --region <region>`.',
  frameworks: { cis: '1.20', securityHub: 'IAM.28' },
  requires: ['accessanalyzer'],
  remediation: 'accessanalyzer_create_analyzer',
  evaluate: ({ account }) =>
    Object.entries(account.accessanalyzer).flatMap(([region, aa]) => {
      const resource = regionSettingResource(account, region, 'access-analyzer');
      return withFactOne(aa.analyzers, resource, region, (analyzers) => {
        const evidence = {
          analyzers: analyzers.map(({ name, type, status, statusReason }) => ({ name, type, status, statusReason })),
        };
        const active = analyzers.filter(isActiveExternalAnalyzer);
        if (active.length > 0) {
          const names = active.map((a) => `${a.name} (${a.type})`).join(', ');
          return pass(
            resource,
            region,
            `IAM Access Analyzer analyses external access in ${region}: ${names}.`,
            evidence,
          );
        }
        const others = analyzers.length > 0 ? ` (${analyzers.map(whyNot).join('; ')})` : '';
        return fail(
          resource,
          region,
          `IAM Access Analyzer has no active external-access analyzer in ${region}${others}: resources shared outside the account there go unreported.`,
          evidence,
        );
      });
    }),
});
