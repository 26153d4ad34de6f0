import { known, type AccountSnapshot, type GuardDutyRegion } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/guardduty_enable_detector';
import { SAMPLES, aFinding, planned, reasonOf } from '../../fixtures/remediation-builders';
import { DETECTOR_ID, aDetector, aGuardDutyRegion, anAccountWithGuardDuty } from '../../fixtures/builders/guardduty';
import { denied } from '../../fixtures/snapshot-builders';

const sample = SAMPLES.guardduty_enable_detector!();
const { finding } = sample;
const withDetector = (detector: GuardDutyRegion['detector']): AccountSnapshot =>
  anAccountWithGuardDuty({ 'us-east-1': aGuardDutyRegion(), 'eu-west-1': aGuardDutyRegion({ detector }) });

describe('guardduty_enable_detector', () => {
  it('when the region has no detector, then the plan creates an enabled one in that region and warns that undo is by hand', () => {
    const result = planned(remediation.plan(finding, withDetector(known(null))));

    expect(result.calls).toEqual([
      { service: 'guardduty', region: 'eu-west-1', command: 'CreateDetector', input: { Enable: true } },
    ]);
    expect(result.before).toEqual({ detector: 'none', region: 'eu-west-1' });
    expect(result.notes?.join(' ')).toMatch(/Undo is not offered.*delete-detector/);
  });

  it('when a created detector is to be undone, then undo is refused with the command that does it by hand', () => {
    const result = planned(remediation.plan(finding, withDetector(known(null))));

    const inverse = remediation.inverse(result.calls, JSON.parse(JSON.stringify(result.before)));

    expect(inverse).toEqual({ ok: false, reason: expect.stringContaining('aws guardduty delete-detector') });
  });

  it('when the detector is suspended, then the plan resumes it, and undo suspends it again', () => {
    const result = planned(remediation.plan(finding, sample.account));

    expect(result.calls).toEqual([
      {
        service: 'guardduty',
        region: 'eu-west-1',
        command: 'UpdateDetector',
        input: { DetectorId: DETECTOR_ID, Enable: true },
      },
    ]);
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [
        {
          service: 'guardduty',
          region: 'eu-west-1',
          command: 'UpdateDetector',
          input: { DetectorId: DETECTOR_ID, Enable: false },
        },
      ],
    });
  });

  it('when GuardDuty is already on, then there is nothing to do', () => {
    expect(reasonOf(remediation.plan(finding, withDetector(known(aDetector()))))).toBe(
      `GuardDuty is already on in eu-west-1 (detector ${DETECTOR_ID}).`,
    );
  });

  it('when the detector could not be read, then no plan is made, naming the permission', () => {
    expect(reasonOf(remediation.plan(finding, withDetector(denied('guardduty:ListDetectors'))))).toContain(
      'guardduty:ListDetectors',
    );
  });

  it('when the snapshot has no GuardDuty data for the region, then no plan is made', () => {
    const elsewhere = aFinding({ ...finding, region: 'ap-south-1' });

    expect(reasonOf(remediation.plan(elsewhere, sample.account))).toMatch(/no GuardDuty data for region ap-south-1/);
  });

  it('when a stored state was tampered with, then undo is refused rather than guessed', () => {
    expect(remediation.inverse([], { detector: 'disabled', region: 'eu-west-1' }).ok).toBe(false);
  });
});
