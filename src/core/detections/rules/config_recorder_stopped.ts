import { regionSettingResource } from '../../resources';
import { defineDetection, type DetectionMatch } from '../define';
import { textAt, type CloudTrailRecord } from '../record';
import { forEvents, located } from './exposure/common';
import { partitionOf, quoted, recordAccount, regionOf, tidy } from './shared/helpers';

const EVENTS = [
  { source: 'config.amazonaws.com', names: ['StopConfigurationRecorder', 'DeleteConfigurationRecorder'] },
] as const;

const match = (r: CloudTrailRecord): DetectionMatch => {
  const region = regionOf(r);
  const name = textAt(r.requestParameters, 'configurationRecorderName');
  const deleted = r.eventName === 'DeleteConfigurationRecorder';
  return tidy({
    summary: `${deleted ? 'deleted' : 'stopped'} AWS Config recorder ${quoted(name, 'a recorder the record does not name')}: configuration changes in ${region} are no longer recorded`,
    // The resource config_recorder_enabled names: the region's Config setting.
    resource: located(
      regionSettingResource({ accountId: recordAccount(r), partition: partitionOf(r) }, region, 'config-recorder'),
      region,
    ),
    details: [
      'Changes made while the recorder is off leave no configuration history, and Config rules stop evaluating them.',
      deleted
        ? 'Re-create it: AWS Config console → Settings, or `aws configservice put-configuration-recorder` then `start-configuration-recorder`.'
        : `Start it again: \`aws configservice start-configuration-recorder --configuration-recorder-name ${name ?? '<name>'} --region ${region}\`.`,
    ],
  });
};

export default defineDetection({
  id: 'config_recorder_stopped',
  title: 'AWS Config recording stopped',
  severity: 'high',
  rationale:
    'Stopping or deleting the Config recorder erases the record of what changes next: an intruder does it to change resources without leaving configuration history, and compliance rules go silent.',
  events: EVENTS,
  securityHub: 'Config.1',
  mitre: { id: 'T1562.008', name: 'Disable or Modify Cloud Logs' },
  match: forEvents(EVENTS, match),
});
