import { readSnapshotFile } from '../../../src/app/snapshot-source';
import { CHECKS } from '../../../src/core/checks';
import { evaluateChecks } from '../../../src/core/findings';
import {
  known,
  SERVICES,
  type AccountSnapshot,
  type Finding,
  type Snapshot,
  type Trail,
} from '../../../src/core/model';
import { ApiCallSchema } from '../../../src/core/remediations/define';
import { getRemediation } from '../../../src/core/remediations';
import { demoSnapshotPath } from '../../../src/paths';
import { SAMPLES } from '../../fixtures/remediation-builders';
import { NOW, aCloudTrailSlice, aSnapshot, aTrail, anAccount } from '../../fixtures/snapshot-builders';

const STOPPED = known({ isLogging: false, latestDeliveryError: null });
const withTrails = (...trails: Trail[]) => anAccount({ cloudtrail: aCloudTrailSlice({ trails: known(trails) }) });

/**
 * Estates in which the checks that name a remediation fail: the account of every remediation's
 * sample, the bundled demo estate, and the CloudTrail states whose fix is not "start the trail".
 */
const ESTATES: Record<string, Snapshot> = {
  demo: readSnapshotFile(demoSnapshotPath()),
  ...Object.fromEntries(Object.entries(SAMPLES).map(([id, sample]) => [`sample ${id}`, aSnapshot([sample().account])])),
  'no trail at all': aSnapshot([withTrails()]),
  'only a single-region trail': aSnapshot([withTrails(aTrail({ name: 'local', isMultiRegion: false }))]),
  'a stopped single-region trail': aSnapshot([
    withTrails(aTrail(), aTrail({ name: 'local', isMultiRegion: false, status: STOPPED })),
  ]),
  'a stopped organization trail of the management account': aSnapshot([
    withTrails(
      aTrail({
        arn: 'arn:aws:cloudtrail:us-east-1:999999999999:trail/org-trail',
        isOrganizationTrail: true,
        status: STOPPED,
      }),
    ),
  ]),
};

const failing = Object.entries(ESTATES).flatMap(([estate, snapshot]) =>
  evaluateChecks(CHECKS, snapshot, NOW, { services: [...SERVICES] })
    .filter((f) => f.status === 'fail')
    .map((finding) => ({
      estate,
      finding,
      account: snapshot.accounts.find((a) => a.accountId === finding.accountId) as AccountSnapshot,
    })),
);

const describeFinding = (estate: string, f: Finding) => `${estate}: ${f.checkId} on ${f.resource.id}`;

describe('a Remediate button is offered only where its plan can run', () => {
  it('when a check names a remediation, then it fails in at least one estate here (so the rule below is exercised)', () => {
    const failed = new Set(failing.map((f) => f.finding.checkId));
    expect(CHECKS.filter((c) => c.remediation !== null && !failed.has(c.id)).map((c) => c.id)).toEqual([]);
  });

  it('when a failing finding names a remediation, then its plan yields runnable calls, never a refusal', () => {
    const refused = failing.flatMap(({ estate, finding, account }) => {
      if (!finding.remediationId) return [];
      const remediation = getRemediation(finding.remediationId);
      if (!remediation) return [`${describeFinding(estate, finding)}: no remediation ${finding.remediationId}`];
      const plan = remediation.plan(finding, account);
      if (!plan.ok) return [`${describeFinding(estate, finding)}: ${plan.reason}`];
      if (plan.calls.length === 0) return [`${describeFinding(estate, finding)}: an empty plan`];
      return plan.calls.flatMap((call) =>
        ApiCallSchema.safeParse(call).success ? [] : [`${describeFinding(estate, finding)}: malformed ${call.command}`],
      );
    });
    expect(refused).toEqual([]);
  });

  it('when the account has no multi-region trail, then the account-level finding offers nothing to run', () => {
    const accountLevel = failing.filter(
      (f) => f.finding.checkId === 'cloudtrail_multi_region_logging' && f.finding.resource.type === 'AwsAccount',
    );
    expect(accountLevel.map((f) => f.estate)).toEqual(
      expect.arrayContaining(['no trail at all', 'only a single-region trail']),
    );
    for (const { finding } of accountLevel) expect(finding.remediationId).toBeNull();
  });

  it('when a trail of this account is stopped, then StartLogging is offered on that trail’s own finding', () => {
    const stopped = failing.filter(
      (f) => f.estate === 'a stopped single-region trail' && f.finding.checkId === 'cloudtrail_trail_logging',
    );
    expect(stopped.map((f) => [f.finding.resource.id, f.finding.remediationId])).toEqual([
      ['local', 'cloudtrail_start_logging'],
    ]);
  });
});
