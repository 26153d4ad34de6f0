import { defineCheck, describeCollectError, fail, pass, withFactOne } from '../define';
import { regionSettingResource } from '../../resources';
import { GUARDDUTY_SEVERITIES, type GuardDutyDetector } from '../../model';

/** "2 high, 1 medium" (bands without findings left out), or "none". */
const countsText = (counts: Record<string, number>): string => {
  const parts = GUARDDUTY_SEVERITIES.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
};

/**
 * The open findings by severity travel in the evidence (digests may show them); when they could not
 * be read, the evidence says why instead, and the verdict, which does not depend on them, stands.
 */
const findingsEvidence = (d: GuardDutyDetector): Record<string, unknown> =>
  d.findingsBySeverity.ok
    ? { openFindingsBySeverity: d.findingsBySeverity.value }
    : { openFindingsBySeverity: null, openFindingsUnknown: describeCollectError(d.findingsBySeverity.error) };

export default defineCheck({
  id: 'guardduty_detector_enabled',
  service: 'guardduty',
  severity: 'high',
  title: 'GuardDuty is enabled',
  failTitle: 'GuardDuty is off',
  rationale:
    'GuardDuty watches CloudTrail, VPC flow and DNS logs for signs of compromise: stolen credentials in use, crypto-mining, reconnaissance. It is regional: in a region where it is off or suspended, an attacker working there goes unnoticed.',
  remediationText:
    'Enable GuardDuty in the region (GuardDuty console → Get started → Enable GuardDuty), or run `aws guardduty create-detector --enable --region <region>`; resume a suspended detector with `aws guardduty update-detector --detector-id <id> --enable --region <region>`. With AWS Organizations, enable it for every member account from the delegated administrator.',
  frameworks: { cis: null, securityHub: 'GuardDuty.1' },
  requires: ['guardduty'],
  remediation: 'guardduty_enable_detector',
  evaluate: ({ account }) =>
    Object.entries(account.guardduty).flatMap(([region, guardduty]) => {
      const resource = regionSettingResource(account, region, 'guardduty');
      return withFactOne(guardduty.detector, resource, region, (detector) => {
        if (detector === null) {
          return fail(resource, region, `GuardDuty is off in ${region}: the region has no GuardDuty detector.`, {
            detectorId: null,
          });
        }
        const evidence = {
          detectorId: detector.id,
          status: detector.status,
          features: detector.features,
          ...findingsEvidence(detector),
        };
        if (detector.status === 'DISABLED') {
          return fail(
            resource,
            region,
            `GuardDuty is suspended in ${region}: detector ${detector.id} exists but is disabled, so nothing is analysed.`,
            evidence,
          );
        }
        const counts = detector.findingsBySeverity.ok
          ? `open findings: ${countsText(detector.findingsBySeverity.value)}`
          : 'its open findings could not be counted';
        return pass(resource, region, `GuardDuty is on in ${region} (detector ${detector.id}); ${counts}.`, evidence);
      });
    }),
});
