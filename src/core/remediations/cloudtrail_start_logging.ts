import { z } from 'zod';
import type { AccountSnapshot, Trail } from '../model';
import { cannot, collected, defineRemediation, findTrail, type Outcome } from './define';

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

export default defineRemediation({
  id: 'cloudtrail_start_logging',
  title: 'Start logging on the stopped multi-region trail',
  fixes: ['cloudtrail_multi_region_logging'],
  risk: 'low',
  permissions: ['cloudtrail:StartLogging'],
  undoPermissions: ['cloudtrail:StopLogging'],
  before: Before,
  plan: (finding, account) => {
    if (finding.resource.type !== 'AwsCloudTrailTrail') {
      return cannot('No trail to start: create a multi-region trail that logs management events.');
    }
    const found = findTrail(finding, account);
    if (!found.ok) return found;
    const trail = ownTrail(found.value, account);
    if (!trail.ok) return trail;
    const { name, arn, homeRegion } = trail.value;
    if (!trail.value.isMultiRegion)
      return cannot(`Trail ${name} is not multi-region, so starting it would not fix the finding.`);
    const status = collected(trail.value.status, `the logging status of trail ${name}`);
    if (!status.ok) return status;
    if (status.value.isLogging) return cannot(`Trail ${name} is already logging; the finding has another cause.`);
    const selectors = trail.value.eventSelectors;
    const allManagementEvents =
      selectors.ok && selectors.value.managementEvents && selectors.value.readWriteType === 'All';
    return {
      ok: true,
      // Trails can only be started from their home region.
      calls: [{ service: 'cloudtrail', region: homeRegion, command: 'StartLogging', input: { Name: arn } }],
      before: { trailArn: arn, homeRegion, isLogging: false as const },
      ...(allManagementEvents
        ? {}
        : { notes: [`Trail ${name} may not record all management events; the finding can remain after it starts.`] }),
    };
  },
  inverse: (_calls, before) => [
    { service: 'cloudtrail', region: before.homeRegion, command: 'StopLogging', input: { Name: before.trailArn } },
  ],
});
