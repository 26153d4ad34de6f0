import { z } from 'zod';
import { GLOBAL_REGION, type AccountSnapshot, type Finding, type GuardDutyRegion } from '../model';
import { cannot, collected, defineRemediation, type Outcome } from './define';
import { sdkCall } from './sdk-call';

/**
 * What the region had before: a suspended detector (its id, to suspend it again), or none at all.
 *
 * Undoing a creation needs the new detector's id, which only CreateDetector's answer holds, and an
 * inverse is computed from the plan and this state alone (the workflow recomputes it to check an
 * undo request). Until a plan can look the id up at undo time (a ListDetectors lookup, see the
 * report of issue 12), the state of a creation is refused for undo, with the way to do it by hand;
 * the plan's notes say so before anyone approves.
 */
const Suspended = z.object({
  detector: z.literal('disabled'),
  region: z.string().min(1),
  detectorId: z.string().min(1),
});
const Absent = z.object({ detector: z.literal('none'), region: z.string().min(1) });
type BeforeState = z.infer<typeof Suspended> | z.infer<typeof Absent>;
const Before: z.ZodType<BeforeState> = z
  .discriminatedUnion('detector', [Suspended, Absent])
  .refine((b): boolean => b.detector === 'disabled', {
    message:
      'cloudsec cannot undo the creation of a GuardDuty detector: the new detector id is in the remediation result; ' +
      'delete it with `aws guardduty delete-detector --detector-id <id> --region <region>`.',
  });

const regionOf = (finding: Finding, account: AccountSnapshot): Outcome<GuardDutyRegion> => {
  if (finding.region === GLOBAL_REGION)
    return { ok: false, reason: 'The finding names no region to enable GuardDuty in.' };
  const region = account.guardduty?.[finding.region];
  return region
    ? { ok: true, value: region }
    : { ok: false, reason: `The snapshot has no GuardDuty data for region ${finding.region}; collect it first.` };
};

const CREATE_NOTES = [
  'GuardDuty is billed by the volume of logs and events it analyses (each region starts with a 30-day free trial); the new detector uses the default protection plans.',
  'Undo is not offered for a detector cloudsec creates: delete it by hand with the detector id shown in the result (`aws guardduty delete-detector`).',
];

export default defineRemediation({
  id: 'guardduty_enable_detector',
  title: 'Turn GuardDuty on in the region',
  fixes: ['guardduty_detector_enabled'],
  // Turning detection on changes no workload and cuts no access.
  risk: 'low',
  // CreateDetector creates GuardDuty's service-linked role the first time, which needs its own permission.
  permissions: ['guardduty:CreateDetector', 'guardduty:UpdateDetector', 'iam:CreateServiceLinkedRole'],
  undoPermissions: ['guardduty:UpdateDetector'],
  before: Before,
  plan: (finding, account) => {
    const region = regionOf(finding, account);
    if (!region.ok) return region;
    const detector = collected(region.value.detector, `the GuardDuty detector of ${finding.region}`);
    if (!detector.ok) return detector;
    if (detector.value === null) {
      return {
        ok: true,
        calls: [sdkCall('guardduty', 'CreateDetector', finding.region, { Enable: true })],
        before: { detector: 'none' as const, region: finding.region },
        notes: CREATE_NOTES,
      };
    }
    const { id, status } = detector.value;
    if (status === 'ENABLED') return cannot(`GuardDuty is already on in ${finding.region} (detector ${id}).`);
    return {
      ok: true,
      calls: [sdkCall('guardduty', 'UpdateDetector', finding.region, { DetectorId: id, Enable: true })],
      before: { detector: 'disabled' as const, region: finding.region, detectorId: id },
    };
  },
  // Only a suspended detector's state parses (see Before): suspending it again is the exact inverse.
  inverse: (_calls, before) =>
    before.detector === 'disabled'
      ? [sdkCall('guardduty', 'UpdateDetector', before.region, { DetectorId: before.detectorId, Enable: false })]
      : [],
});
