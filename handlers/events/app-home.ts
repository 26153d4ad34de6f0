import { groupsNamedIn } from '../../src/core/access/policy';
import { summarize } from '../../src/core/findings';
import { severityRank, type Finding } from '../../src/core/model';
import { renderHomeView, type HomeView, type AccountPosture } from '../../src/core/render/blocks';
import { renderHomeWithoutAccess } from '../../src/core/render/blocks/home-view';
import { renderHomeWithoutPosture } from '../../src/core/render/blocks/home-without-posture';
import type { AppDeps } from '../../src/app/deps';
import type { InvocationActor } from '../../src/app/conversation';
import { visibleReport } from '../../src/app/visible-report';
import { withOmittedPasses } from '../../src/app/omitted-passes';

/**
 * An account's posture from its findings, and its passes counted but not held (`omittedPasses`: a
 * queued scan leaves passes in the store; the report holds counts of the visible accounts only).
 */
const postureOf = (
  accountId: string,
  name: string,
  findings: readonly Finding[],
  accepted: number,
  omittedPasses: number,
): AccountPosture => {
  const s = withOmittedPasses(summarize(findings), omittedPasses);
  return {
    accountId,
    name,
    bySeverity: s.bySeverity,
    fail: s.byStatus.fail,
    pass: s.byStatus.pass,
    unknown: s.byStatus.unknown,
    accepted,
  };
};

/**
 * The home tab: posture per account the user may see and the worst findings, from the latest
 * full scan (cached, or stored from before a restart); only when there is none at all does it
 * scan, and then only the accounts the user may see (src/app/visible-report.ts decides all of
 * that). Someone who may see no findings at all is shown what they need instead, and nothing is
 * scanned for them. When there is no posture to show (the scan failed, or no account they may
 * see was scanned), the tab says why rather than show an empty posture ("nothing failing").
 */
export const homeView = async (deps: AppDeps, user: InvocationActor): Promise<HomeView> => {
  const resolution = await deps.groups.resolve(user.userId, groupsNamedIn(deps.config));
  const actor = { userId: user.userId, groups: resolution.groups };
  const userName = user.userName ? { userName: user.userName } : {};
  const answer = await visibleReport(deps, {
    actor,
    permission: 'findings:read',
    request: { service: 'all' },
    reuse: 'stored',
  });
  if (!answer.ok) {
    return answer.code === 'not-allowed'
      ? renderHomeWithoutAccess({ ...userName, reason: answer.reason })
      : // The scan failed (the use case logged it): the tab still opens, saying so.
        renderHomeWithoutPosture({ ...userName, missing: 'scan-failed', accessHelp: deps.config.accessHelp ?? null });
  }
  const { report } = answer;
  if (report.empty) {
    return renderHomeWithoutPosture({ ...userName, missing: report.empty, accessHelp: deps.config.accessHelp ?? null });
  }
  const { findings } = report;
  const top = findings
    .filter((f) => f.status === 'fail')
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity))
    .slice(0, 10);
  return renderHomeView({
    ...userName,
    summaryByAccount: report.accounts.map((a) =>
      postureOf(
        a.id,
        a.name,
        findings.filter((f) => f.accountId === a.id),
        report.excepted.filter((e) => e.finding.accountId === a.id).length,
        report.passesOmitted[a.id] ?? 0,
      ),
    ),
    topFindings: top,
    lastRefreshed: report.generatedAt,
    now: deps.clock(),
    remediationEnabled: deps.features.remediation,
    acceptRiskEnabled: deps.features.acceptRisk,
    whoDidThisEnabled: deps.features.whoDidThis,
    demo: report.demo,
    acceptedRisks: report.acceptedRisks,
    scopeKey: report.scopeKey,
    userId: user.userId,
  });
};
