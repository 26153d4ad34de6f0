import { regionSettingResource } from '../../resources';
import { defineDetection, type DetectionMatch } from '../define';
import { textAt, valueAt, type CloudTrailRecord } from '../record';
import { accountRefOf, booleanOf, forEvents, located, undoFor } from './exposure/common';
import { partitionOf, quoted, recordAccount, regionOf, tidy } from './shared/helpers';

const EVENTS = [{ source: 'guardduty.amazonaws.com', names: ['DeleteDetector', 'UpdateDetector'] }] as const;

/**
 * DeleteDetector turns GuardDuty off in the region (and deletes its findings); UpdateDetector with
 * `enable: false` suspends it. UpdateDetector without `enable` changes other settings and is not
 * alerted; an `enable` that is neither true nor false is read as a suspension (fail closed).
 */
const match = (r: CloudTrailRecord): DetectionMatch | null => {
  const enable = valueAt(r.requestParameters, 'enable');
  const deleted = r.eventName === 'DeleteDetector';
  if (!deleted && (enable === undefined || booleanOf(enable) === true)) return null;
  const region = regionOf(r);
  const detectorId = textAt(r.requestParameters, 'detectorId');
  const account = accountRefOf(r);
  const resource = located(
    {
      type: 'AwsGuardDutyDetector',
      id: detectorId ?? 'unknown',
      arn:
        detectorId && account
          ? `arn:${partitionOf(r)}:guardduty:${region}:${account.accountId}:detector/${detectorId}`
          : null,
    },
    region,
  );
  // Undo re-collects guardduty_detector_enabled, whose finding is the region's GuardDuty setting.
  const undo = account
    ? undoFor(
        'guardduty_enable_detector',
        'guardduty_detector_enabled',
        located(regionSettingResource(account, region, 'guardduty'), region),
        `Turn GuardDuty back on in ${region}`,
      )
    : undefined;
  const unclear = !deleted && booleanOf(enable) === undefined;
  return tidy({
    summary: deleted
      ? `deleted GuardDuty detector ${quoted(detectorId)}: GuardDuty is off in ${region}, and its findings there are gone`
      : `suspended GuardDuty detector ${quoted(detectorId)}: nothing is analysed in ${region} any more`,
    resource,
    severity: deleted ? 'critical' : 'high',
    details: [
      'Threat detection (stolen credentials in use, crypto-mining, reconnaissance) stops in this region until GuardDuty is turned back on.',
      ...(unclear
        ? [`The record's enable value (${JSON.stringify(enable)}) is neither true nor false; read as a suspension.`]
        : []),
    ],
    undo,
    dedupSuffix: `${region}/${detectorId ?? recordAccount(r)}`,
  });
};

export default defineDetection({
  id: 'guardduty_detector_deleted',
  title: 'GuardDuty turned off',
  severity: 'high',
  rationale:
    'Deleting or suspending the GuardDuty detector blinds the account to compromise in that region; intruders do it first so that what follows raises no finding.',
  events: EVENTS,
  securityHub: 'GuardDuty.1',
  mitre: { id: 'T1562.001', name: 'Disable or Modify Tools' },
  remediation: 'guardduty_enable_detector',
  match: forEvents(EVENTS, match),
});
