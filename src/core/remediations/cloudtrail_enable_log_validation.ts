import { z } from 'zod';
import { cannot, defineRemediation, findTrail } from './define';
import { ownTrail } from './cloudtrail_start_logging';
import { sdkCall } from './sdk-call';

const Before = z.object({ trailArn: z.string(), homeRegion: z.string(), logFileValidationEnabled: z.literal(false) });

export default defineRemediation({
  id: 'cloudtrail_enable_log_validation',
  title: 'Turn on log file integrity validation for the trail',
  fixes: ['cloudtrail_log_file_validation'],
  risk: 'low',
  permissions: ['cloudtrail:UpdateTrail'],
  undoPermissions: ['cloudtrail:UpdateTrail'],
  before: Before,
  plan: (finding, account) => {
    const found = findTrail(finding, account);
    if (!found.ok) return found;
    const trail = ownTrail(found.value, account);
    if (!trail.ok) return trail;
    const { name, arn, homeRegion } = trail.value;
    if (trail.value.logFileValidationEnabled) return cannot(`Trail ${name} already validates its log files.`);
    return {
      ok: true,
      // UpdateTrail must be called in the trail's home region.
      calls: [sdkCall('cloudtrail', 'UpdateTrail', homeRegion, { Name: arn, EnableLogFileValidation: true })],
      before: { trailArn: arn, homeRegion, logFileValidationEnabled: false as const },
    };
  },
  inverse: (_calls, before) => [
    sdkCall('cloudtrail', 'UpdateTrail', before.homeRegion, { Name: before.trailArn, EnableLogFileValidation: false }),
  ],
});
