/**
 * Accepted-risk benchmark: what applying exceptions costs a report. An organization-sized result
 * (500 accounts × 60 failing findings = 30,000 findings, plus as many passing) is filtered through
 * 0, 50, 500 and 2,000 active exceptions mixing exact ids, `*` patterns over checks and ARNs, OU
 * scopes and tags, with a baseline of accepted findings per exception. Prints the time per
 * application, the hidden/shown counts (checked against a direct count), and the ratio against the
 * baseline in the same run: the plain "failing findings" filter every report does anyway.
 *
 *   npx ts-node --transpile-only bench/exceptions.ts
 */
import { performance } from 'node:perf_hooks';
import { applyExceptions } from '../src/core/exceptions/apply';
import { acceptedBaseline } from '../src/core/exceptions/baseline';
import type { RiskException } from '../src/core/exceptions/model';
import { findingId } from '../src/core/findings';
import type { Finding } from '../src/core/model';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const ACCOUNTS = 500;
const CHECKS = ['s3_bucket_public_access_blocked', 'ec2_instance_imdsv2_required', 'iam_user_mfa_enabled'];
const PER_ACCOUNT = 20; // resources per check per account → 60 failing findings per account

const accountId = (i: number) => String(100_000_000_000 + i);
const ouOf = (i: number) => `ou-ab12-team${String(i % 25).padStart(4, '0')}`;

const finding = (account: number, check: string, resource: number, status: Finding['status']): Finding => {
  const id = `res-${check.slice(0, 3)}-${resource}`;
  const base: Finding = {
    id: '',
    source: 'cloudsec',
    checkId: check,
    status,
    severity: 'high',
    service: check.split('_')[0]!,
    accountId: accountId(account),
    region: 'us-east-1',
    resource: {
      type: 'AwsResource',
      id,
      arn: `arn:aws:svc:us-east-1:${accountId(account)}:thing/${id}`,
      tags: { team: `team-${account % 25}`, env: resource % 2 === 0 ? 'prod' : 'dev' },
    },
    title: check,
    message: `${id} fails ${check}`,
    evidence: { setting: 'off', resource: id },
    remediationId: null,
    frameworks: { cis: null, securityHub: null },
    observedAt: NOW.toISOString(),
  };
  return {
    ...base,
    id: findingId({
      source: 'cloudsec',
      checkId: check,
      accountId: base.accountId,
      region: 'us-east-1',
      resourceId: id,
    }),
  };
};

const findings: Finding[] = [];
for (let a = 0; a < ACCOUNTS; a++)
  for (const check of CHECKS)
    for (let r = 0; r < PER_ACCOUNT; r++) {
      findings.push(finding(a, check, r, 'fail'));
      findings.push(finding(a, check, r + PER_ACCOUNT, 'pass'));
    }

const exceptionsOf = (n: number): RiskException[] =>
  Array.from({ length: n }, (_, i): RiskException => {
    const account = i % ACCOUNTS;
    const kind = i % 4;
    const scope: RiskException['scope'] =
      kind === 0
        ? {
            accounts: [accountId(account)],
            checks: [CHECKS[i % 3]!],
            resources: [`res-${CHECKS[i % 3]!.slice(0, 3)}-${i % PER_ACCOUNT}`],
          }
        : kind === 1
          ? { accounts: [accountId(account)], checks: ['s3_*'], resources: ['arn:aws:svc:*:thing/res-s3_-1*'] }
          : kind === 2
            ? { ous: [ouOf(account)], checks: ['ec2_instance_*'], tags: { env: 'dev' } }
            : { accounts: ['*'], checks: ['iam_user_mfa_enabled'], tags: { team: `team-${i % 25}`, env: 'prod' } };
    const covered = findings.filter((f) => f.status === 'fail' && f.accountId === accountId(account)).slice(0, 10);
    return {
      id: `ex_${String(i).padStart(6, '0')}`,
      source: 'slack',
      status: 'active',
      scope,
      reason: 'bench',
      owner: { id: 'U0OWNER01' },
      requester: { kind: 'slack-user', id: 'U0ASKER01' },
      approver: { id: 'U0LEAD001' },
      createdAt: NOW.toISOString(),
      decidedAt: NOW.toISOString(),
      expiresAt: new Date(NOW.getTime() + 30 * 86_400_000).toISOString(),
      decisionNote: null,
      accepted: acceptedBaseline(covered),
      extension: null,
      message: null,
      remindedAt: null,
      suppressedInSecurityHub: [],
      updatedAt: NOW.toISOString(),
      version: 1,
    };
  });

const ctx = {
  now: NOW,
  ouPath: (id: string) => ['r-ab12', ouOf(Number(id) - 100_000_000_000)],
};

const time = (fn: () => unknown, runs: number): number => {
  fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - start) / runs;
};

const baseline = time(() => findings.filter((f) => f.status === 'fail'), 20);
console.log(
  `findings: ${findings.length.toLocaleString()} (${(findings.length / 2).toLocaleString()} failing) in ${ACCOUNTS} accounts`,
);
console.log(`baseline (failing filter): ${baseline.toFixed(2)} ms`);
let ok = true;
for (const n of [0, 50, 500, 2000]) {
  const exceptions = exceptionsOf(n);
  const result = applyExceptions(findings, exceptions, ctx);
  const ms = time(() => applyExceptions(findings, exceptions, ctx), n >= 2000 ? 3 : 8);
  const hidden = result.excepted.length;
  // Every finding is either shown or hidden, never both and never lost.
  const accounted = result.shown.length + hidden === findings.length;
  ok &&= accounted;
  console.log(
    `${String(n).padStart(5)} exceptions: ${ms.toFixed(1).padStart(8)} ms per report (${(ms / baseline).toFixed(1)}× the failing filter) · ` +
      `${hidden.toLocaleString()} hidden, ${result.resurfaced.length} resurfaced, ${result.shown.length.toLocaleString()} shown · ${accounted ? 'all accounted for' : 'FINDINGS LOST'}`,
  );
}
console.log(ok ? 'PASS: every finding is shown or hidden, none lost' : 'FAIL: findings lost');
