import { z } from 'zod';
import type { AccountSnapshot, Trail } from '../model';
import { cannot, collected, defineRemediation, findTrail, type Outcome } from './define';
import { sdkCall } from './sdk-call';

/**
 * Only the account that owns a trail can start or change it: an organization trail seen from a
 * member account belongs to the management account.
 */
export const ownTrail = (trail: Trail, account: AccountSnapshot): Outcome<Trail> => {
  const owner = trail.arn.split(':')[4];
  return owner === account.accountId
    ? { ok: true, value: trail }
    : { ok: false, reason: `Trail ${trail.name} belongs to account ${owner}; change it from there.` };
};

const Before = z.object({ trailArn: z.string(), homeRegion: z.string(), isLogging: z.literal(false) });

/**
 * Fixes the finding of a stopped trail (cloudtrail_trail_logging), and only that: an account with
 * no multi-region trail needs one created, which no plan here can do, so that finding names no
 * remediation and gets no Remediate button.
 */
export default defineRemediation({
  id: 'cloudtrail_start_logging',
  title: 'Start logging on the stopped trail',
  fixes: ['cloudtrail_trail_logging'],
  risk: 'low',
  permissions: ['cloudtrail:StartLogging'],
  undoPermissions: ['cloudtrail:StopLogging'],
  before: Before,
  plan: (finding, account) => {
    if (finding.resource.type !== 'AwsCloudTrailTrail') {
      return cannot('No trail to start: the finding is not about a trail.');
    }
    const found = findTrail(finding, account);
    if (!found.ok) return found;
    const trail = ownTrail(found.value, account);
    if (!trail.ok) return trail;
    const { name, arn, homeRegion } = trail.value;
    const status = collected(trail.value.status, `the logging status of trail ${name}`);
    if (!status.ok) return status;
    if (status.value.isLogging) return cannot(`Trail ${name} is already logging; nothing to start.`);
    return {
      ok: true,
      // Trails can only be started from their home region.
      calls: [sdkCall('cloudtrail', 'StartLogging', homeRegion, { Name: arn })],
      before: { trailArn: arn, homeRegion, isLogging: false as const },
    };
  },
  inverse: (_calls, before) => [sdkCall('cloudtrail', 'StopLogging', before.homeRegion, { Name: before.trailArn })],
});
