import { CIS_MONITORING_CONTROLS, type CisMonitoringControl } from '../../../cis-monitoring';
import { GLOBAL_REGION, type AccountSnapshotWith } from '../../../model';
import { accountResource } from '../../../resources';
import { defineCheck, fail, pass, unknownFrom, type AnyCheck, type CheckResult } from '../../define';
import { evaluateChain, type ChainOutcome } from './chain';
import { describeProblems, trailStanding, type TrailStanding } from './trails';

type Account = AccountSnapshotWith<'cloudwatch' | 'cloudtrail'>;

/**
 * One verdict per account for one CIS 4.x control. The account passes when any trail that counts
 * (./trails.ts) has a complete chain (./chain.ts); it is unknown when none does but one might (a
 * trail or a link whose evidence is missing); otherwise it fails, naming the furthest link any
 * counting trail reached, or why no trail counts.
 */
export const evaluateMonitoring = (control: CisMonitoringControl, account: Account): CheckResult => {
  const resource = accountResource(account);
  const trails = account.cloudtrail.trails;
  if (!trails.ok) return unknownFrom(resource, GLOBAL_REGION, trails.error);

  const standings = trails.value.map(trailStanding);
  const counting = standings.filter((s): s is Extract<TrailStanding, { counts: true }> => s.counts === true);
  const outcomes = counting.map((s) =>
    evaluateChain({
      control,
      accountId: account.accountId,
      trailName: s.trail.name,
      logGroupArn: s.logGroupArn,
      cloudwatch: account.cloudwatch,
    }),
  );
  const ofKind = <K extends ChainOutcome['kind']>(kind: K) =>
    outcomes.filter((o): o is Extract<ChainOutcome, { kind: K }> => o.kind === kind);
  const trailEvidence = standings.map((s) => ({
    trail: s.trail.name,
    counts: s.counts,
    ...(s.counts === false ? { problems: s.problems } : {}),
  }));

  const passed = ofKind('pass')[0];
  if (passed) {
    return pass(
      resource,
      GLOBAL_REGION,
      `Account ${account.accountId} alerts on ${control.events}: ${passed.message}.`,
      {
        ...passed.evidence,
        trails: trailEvidence,
      },
    );
  }

  const undecidedTrail = standings.find((s): s is Extract<TrailStanding, { counts: null }> => s.counts === null);
  const undecidedChain = ofKind('unknown')[0];
  if (undecidedChain) return unknownResult(account, undecidedChain, trailEvidence);
  if (undecidedTrail) {
    const t = undecidedTrail.trail;
    if (undecidedTrail.error) {
      const result = unknownFrom(resource, GLOBAL_REGION, undecidedTrail.error);
      return { ...result, evidence: { ...result.evidence, trail: t.name, trails: trailEvidence } };
    }
    return {
      status: 'unknown',
      resource,
      region: GLOBAL_REGION,
      message: `Could not check: this snapshot does not hold ${undecidedTrail.why} for trail ${t.name} (it was recorded before cloudsec read it); collect again.`,
      evidence: { trail: t.name, notCollected: [undecidedTrail.why], trails: trailEvidence },
    };
  }

  const furthest = ofKind('fail').sort((a, b) => b.stage - a.stage)[0];
  if (furthest) {
    return fail(
      resource,
      GLOBAL_REGION,
      `Account ${account.accountId} does not alert on ${control.events}: ${furthest.message}.`,
      { ...furthest.evidence, trails: trailEvidence },
    );
  }
  const notCounting = standings.filter((s): s is Extract<TrailStanding, { counts: false }> => s.counts === false);
  return fail(
    resource,
    GLOBAL_REGION,
    notCounting.length === 0
      ? `Account ${account.accountId} does not alert on ${control.events}: it has no CloudTrail trail, so no metric filter can watch its API activity.`
      : `Account ${account.accountId} does not alert on ${control.events}: no multi-region trail that is logging read and write management events sends them to CloudWatch Logs (${describeProblems(notCounting)}), so no metric filter can watch them.`,
    { trails: trailEvidence },
  );
};

const unknownResult = (
  account: Account,
  outcome: Extract<ChainOutcome, { kind: 'unknown' }>,
  trails: Record<string, unknown>[],
): CheckResult => {
  const resource = accountResource(account);
  if (outcome.error !== null) {
    const result = unknownFrom(resource, GLOBAL_REGION, outcome.error);
    return { ...result, evidence: { ...result.evidence, ...outcome.evidence, trails } };
  }
  return {
    status: 'unknown',
    resource,
    region: GLOBAL_REGION,
    message: outcome.message,
    evidence: { ...outcome.evidence, trails },
  };
};

/**
 * The check for one CIS 4.x control, by its id in CIS_MONITORING_CONTROLS. It reads the cloudtrail
 * slice (which trails count, and where they send their events) and the cloudwatch slice (filters,
 * alarms, subscribers). No remediation: a filter, an alarm and a subscription are choices (who is
 * paged, through which topic) that cloudsec does not make.
 */
export const monitoringCheck = (checkId: string): AnyCheck => {
  const control = CIS_MONITORING_CONTROLS.find((c) => c.checkId === checkId);
  if (!control) throw new Error(`${checkId} is not a CIS monitoring control (src/core/cis-monitoring.ts)`);
  return defineCheck({
    id: control.checkId,
    service: 'cloudwatch',
    // Alerting, not exposure: a gap delays detection rather than opening the account.
    severity: 'medium',
    title: control.title,
    failTitle: `No CloudWatch alarm notifies anyone of ${control.events}`,
    rationale: `Without a metric filter and alarm on ${control.events}, CloudTrail records them but nobody is told when they happen; CIS ${control.cis} asks for an alarm that notifies a subscribed SNS topic. (The benchmark marks section 4 Manual: a pass here is evidence for an auditor, not their sign-off.)`,
    remediationText: `On the CloudWatch Logs log group of your multi-region trail, create a metric filter with the pattern \`${control.requirement.pattern}\` (\`aws logs put-metric-filter\`), an alarm on its metric (Sum >= 1 over 5 minutes, \`aws cloudwatch put-metric-alarm --alarm-actions <SNS topic ARN>\`), and a subscription to that topic that someone confirms (\`aws sns subscribe\`). If the trail sends nothing to CloudWatch Logs, configure that first (CloudTrail console → trail → CloudWatch Logs).`,
    frameworks: { cis: control.cis, securityHub: control.securityHub },
    requires: ['cloudwatch', 'cloudtrail'],
    remediation: null,
    evaluate: ({ account }) => [evaluateMonitoring(control, account)],
  });
};
