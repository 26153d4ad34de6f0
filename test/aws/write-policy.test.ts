import nock from 'nock';
import { makeClientFactory } from '../../src/aws/clients';
import type { ExecutionReport as ExecutionResult } from '../../src/core/remediations/execution-port';
import {
  LOOKUP_PERMISSIONS,
  READ_PERMISSIONS,
  SECURITY_HUB_SYNC_ACTIONS,
  actionForOperation,
  fixPolicyDocument,
  readPolicyDocument,
  undoPolicyDocument,
  type PolicyDocument,
} from '../../src/aws/iam-policy';
import { SECURITYHUB_PUBLISH_PERMISSIONS, writeRoleClients } from '../../src/aws/securityhub-publish';
import { setWorkflow, type AcceptedRiskWorkflowStatus } from '../../src/aws/securityhub-workflow';
import { makeRoleExecutor } from '../../src/aws/role-executor';
import type { WritePurpose } from '../../src/aws/write-access';
import { parseConfig } from '../../src/config';
import { REMEDIATIONS } from '../../src/core/remediations';
import type { ApiCall, Remediation } from '../../src/core/remediations/define';
import { SAMPLES, planned, type Sample } from '../fixtures/remediation-builders';
import { ACCOUNT_ID, NOW } from '../fixtures/snapshot-builders';
import {
  ROLE_KEYS,
  UNDO_ROLE,
  WRITE_ROLE,
  simulateAws,
  type ConditionContext,
  type WireOperation,
} from '../fixtures/aws/write-simulation';
import { aRestoreAttribute, anAccountWithRds, anRdsRegion, anRdsSnapshot } from '../fixtures/builders/rds';
import { aGuardDutyRegion, anAccountWithGuardDuty } from '../fixtures/builders/guardduty';
import { failingFinding } from '../fixtures/remediation-samples/data-stores';
import rdsSnapshotNotPublic from '../../src/core/checks/rds/rds_snapshot_not_public';
import { known } from '../../src/core/model';

/**
 * The two write roles' policies against what the executor really sends: every remediation's sample
 * plan runs with the fix role and its undo with the undo role, through the executor, against
 * simulated AWS endpoints (test/fixtures/aws/write-simulation.ts) that tell operations apart the way
 * AWS does (form `Action`, `X-Amz-Target`, REST method and path) and roles by the key that signed the
 * request. Every operation must be
 * allowed by its role's generated policy, conditions included, and each policy must grant exactly
 * what its role's calls need.
 */

/** The undo from the sample's state and, for each part of it that was set, from "it was not set". */
const inversePlans = (remediation: Remediation, calls: ApiCall[], before: unknown): ApiCall[][] => {
  const record = before as Record<string, unknown>;
  const states = [
    before,
    ...Object.keys(record)
      .filter((k) => record[k] !== null)
      .map((k) => ({ ...record, [k]: null })),
  ];
  const plans = states.flatMap((state) => {
    const inverse = remediation.inverse(calls, state);
    return inverse.ok ? [inverse.calls] : [];
  });
  return [...new Map(plans.map((p) => [JSON.stringify(p), p])).values()];
};

// ---------------------------------------------------------------- IAM policy evaluation

type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

/**
 * IAM's evaluation of one identity policy for a request (IAM User Guide, "Policy evaluation logic"):
 * an explicit Deny wins, then any Allow, else the implicit deny. Only the condition operators the
 * generated policies use are known; any other fails the test instead of being skipped.
 */
const decide = (policy: PolicyDocument, action: string, context: ConditionContext): Decision => {
  const conditionHolds = (condition: Record<string, Record<string, string | string[]>> | undefined) =>
    Object.entries(condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, expected]) => {
        const values = context[key];
        const wanted = Array.isArray(expected) ? expected : [expected];
        switch (operator) {
          // A missing key never equals anything.
          case 'StringEquals':
            return values !== undefined && values.every((v) => wanted.includes(v));
          case 'Null':
            return wanted.every((w) => (w === 'true') === (values === undefined));
          default:
            throw new Error(`the test cannot evaluate the condition operator ${operator}`);
        }
      }),
    );
  const applicable = policy.Statement.filter((s) => s.Action.includes(action) && conditionHolds(s.Condition));
  if (applicable.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  return applicable.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicit-deny';
};

const actionOf = (o: WireOperation) => actionForOperation(o.service, o.operation);

const neededActions = (operations: WireOperation[]) =>
  [...new Set(operations.map(actionOf))].filter((a): a is string => a !== null);

const allowedActions = (policy: PolicyDocument) =>
  new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action));

const POLICIES: Record<WritePurpose, PolicyDocument> = { fix: fixPolicyDocument(), undo: undoPolicyDocument() };

// ---------------------------------------------------------------- the runs

/**
 * Samples of the plan branches the catalog's one sample per remediation does not take, so every
 * action a remediation declares reaches the wire: a region without any GuardDuty detector
 * (CreateDetector, the sample suspends an existing one) and a public DB cluster snapshot
 * (ModifyDBClusterSnapshotAttribute, the sample is a DB snapshot).
 */
const OTHER_BRANCHES: Record<string, (() => Sample)[]> = {
  guardduty_enable_detector: [
    () => {
      const { finding } = SAMPLES.guardduty_enable_detector!();
      return {
        finding,
        account: anAccountWithGuardDuty({ [finding.region]: aGuardDutyRegion({ detector: known(null) }) }),
      };
    },
  ],
  rds_snapshot_make_private: [
    () => {
      const account = anAccountWithRds(
        anRdsRegion({
          snapshots: known([]),
          clusterSnapshots: known([
            anRdsSnapshot({
              id: 'orders-cluster-export',
              kind: 'cluster',
              restore: known(aRestoreAttribute({ public: true })),
            }),
          ]),
        }),
      );
      return { finding: failingFinding(rdsSnapshotNotPublic, account), account };
    },
  ],
};

interface Run {
  results: ExecutionResult[];
  /** How many calls the plans (or the inverses) have: each must reach the wire once. */
  calls: number;
  operations: WireOperation[];
  /** Requests of this run that the simulation could not tell apart (answered 400). */
  unhandled: string[];
}

describe('the remediation write policies', () => {
  const runs = new Map<string, Record<WritePurpose, Run>>();
  /** Accepted risks setting a Security Hub finding SUPPRESSED, then NEW again, with the write role. */
  const acceptedRiskRuns = new Map<AcceptedRiskWorkflowStatus, WireOperation[]>();

  beforeAll(async () => {
    const aws = simulateAws();
    const config = parseConfig(
      [
        'accounts:',
        `  - id: "${ACCOUNT_ID}"`,
        '    name: prod',
        `    writeRoleArn: ${WRITE_ROLE}`,
        `    undoRoleArn: ${UNDO_ROLE}`,
      ].join('\n'),
      'cloudsec.yml',
    );
    const factory = makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1 });
    const executor = makeRoleExecutor({
      config,
      clientsOf: (access) => factory(access),
      homeRegion: 'us-east-1',
      dryRun: false,
      audit: async () => {},
      clock: () => NOW,
    });
    for (const remediation of REMEDIATIONS) {
      const sample = SAMPLES[remediation.id];
      if (!sample) continue;
      const plans: Record<WritePurpose, ApiCall[][]> = { fix: [], undo: [] };
      for (const variant of [sample, ...(OTHER_BRANCHES[remediation.id] ?? [])].map((s) => s())) {
        if (variant.account.accountId !== ACCOUNT_ID)
          throw new Error(`${remediation.id}: the sample is in another account`);
        const plan = planned(remediation.plan(variant.finding, variant.account, variant.options));
        plans.fix.push(plan.calls);
        plans.undo.push(...inversePlans(remediation, plan.calls, plan.before));
      }
      for (const call of [...plans.fix, ...plans.undo].flat()) {
        if (call.lookup?.select.kind === 'iamAccessKey') {
          const { userName, createdAt } = call.lookup.select;
          aws.keys.set(userName, [{ id: 'AKIAIOSFODNN7EXAMPLE', createDate: createdAt }]);
        }
      }
      const run = async (purpose: WritePurpose): Promise<Run> => {
        const from = aws.operations.length;
        const unhandledFrom = aws.unhandled.length;
        const results: ExecutionResult[] = [];
        for (const calls of plans[purpose]) {
          results.push(
            await executor.execute(calls, {
              accountId: ACCOUNT_ID,
              requestId: `rr_${remediation.id}_${purpose}`,
              actor: { kind: 'system', id: 'write-policy-test' },
              remediationId: remediation.id,
              kind: purpose === 'fix' ? 'remediate' : 'undo',
            }),
          );
        }
        return {
          results,
          calls: plans[purpose].flat().length,
          operations: aws.operations.slice(from).filter((o) => o.service !== 'sts'),
          unhandled: aws.unhandled.slice(unhandledFrom),
        };
      };
      runs.set(remediation.id, { fix: await run('fix'), undo: await run('undo') });
    }
    const finding = {
      id: `arn:aws:securityhub:us-east-1:${ACCOUNT_ID}:security-control/S3.8/finding/0f0e0d0c`,
      productArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
      accountId: ACCOUNT_ID,
      region: 'us-east-1',
    };
    for (const status of ['SUPPRESSED', 'NEW'] as const) {
      const from = aws.operations.length;
      await setWorkflow({ clientsFor: writeRoleClients(config, factory) }, [finding], status, 'Accepted risk ex_1');
      acceptedRiskRuns.set(
        status,
        aws.operations.slice(from).filter((o) => o.service !== 'sts'),
      );
    }
    nock.cleanAll();
  });

  it('when the catalog is listed, then every remediation has a sample to run', () => {
    expect(REMEDIATIONS.filter((r) => !SAMPLES[r.id])).toEqual([]);
  });

  it.each(
    REMEDIATIONS.flatMap((r) =>
      (['fix', 'undo'] as const).map((purpose) => [r.id, purpose === 'fix' ? 'plan' : 'undo', purpose, r] as const),
    ),
  )(
    "when %s runs its %s, then every operation is sent with its role and allowed by that role's policy",
    (id, _what, purpose, remediation) => {
      const run = runs.get(id)![purpose];
      expect(run.results.filter((r) => !r.ok)).toEqual([]);
      expect(run.unhandled).toEqual([]);
      // Every call reached the wire: the checks below are not vacuous.
      expect(run.operations.filter((o) => !o.impliedBy)).toHaveLength(run.calls);
      expect(run.operations.filter((o) => o.signedBy !== ROLE_KEYS[purpose])).toEqual([]);
      const refused = run.operations.filter((o) => decide(POLICIES[purpose], actionOf(o) ?? '', o.context) !== 'allow');
      expect(refused).toEqual([]);
      // The policies are generated from what each remediation declares, so the declaration must cover its calls.
      const declared = new Set(purpose === 'fix' ? remediation.permissions : remediation.undoPermissions);
      expect(neededActions(run.operations).filter((a) => !declared.has(a))).toEqual([]);
    },
  );

  it.each(['fix', 'undo'] as const)(
    'when the whole catalog has run, then the %s policy grants exactly what its calls needed',
    (purpose) => {
      const needed = [...runs.values()].flatMap((r) => neededActions(r[purpose].operations));
      // The write role also publishes (its import is sent signed by that role in
      // test/aws/securityhub-publish.test.ts; the simulation does not serve it) and keeps accepted
      // risks in step in Security Hub (run above).
      const sync =
        purpose === 'fix'
          ? [
              SECURITYHUB_PUBLISH_PERMISSIONS.BatchImportFindings,
              ...[...acceptedRiskRuns.values()].flatMap(neededActions),
            ]
          : [];
      expect([...allowedActions(POLICIES[purpose])].sort()).toEqual([...new Set([...needed, ...sync])].sort());
    },
  );

  it.each(['SUPPRESSED', 'NEW'] as const)(
    'when an accepted risk sets a Security Hub finding %s, then the call is sent with the write role and allowed by its policy',
    (status) => {
      const operations = acceptedRiskRuns.get(status)!;
      expect(operations.map((o) => `${o.service}:${o.operation}`)).toEqual(['securityhub:BatchUpdateFindings']);
      expect(operations.map((o) => o.signedBy)).toEqual([ROLE_KEYS.fix]);
      expect(operations[0]!.context['securityhub:ASFFSyntaxPath/Workflow.Status']).toEqual([status]);
      expect(operations.map((o) => decide(POLICIES.fix, actionOf(o) ?? '', o.context))).toEqual(['allow']);
    },
  );

  it("when a Security Hub finding's workflow is set to NOTIFIED, then the write role refuses it: that status is people's triage", () => {
    const workflow = (status: string) =>
      decide(POLICIES.fix, 'securityhub:BatchUpdateFindings', {
        'securityhub:ASFFSyntaxPath/Workflow.Status': [status],
      });
    expect(['NEW', 'RESOLVED', 'SUPPRESSED', 'NOTIFIED'].map(workflow)).toEqual([
      'allow',
      'allow',
      'allow',
      'implicit-deny',
    ]);
  });

  it('when cloudsec publishes its findings, then only the write role may import them', () => {
    const importing = (policy: PolicyDocument) => decide(policy, 'securityhub:BatchImportFindings', {});
    expect(importing(POLICIES.fix)).toBe('allow');
    expect(importing(POLICIES.undo)).toBe('implicit-deny');
    expect(importing(readPolicyDocument({ organization: true }) as PolicyDocument)).toBe('implicit-deny');
    expect(SECURITY_HUB_SYNC_ACTIONS).toEqual(['securityhub:BatchImportFindings', 'securityhub:BatchUpdateFindings']);
  });

  it('when the fix role is handed the undo calls, then it refuses every one that turns a control back off', () => {
    const refused = [...runs.entries()].flatMap(([id, run]) =>
      run.undo.operations
        .filter((o) => decide(POLICIES.fix, actionOf(o) ?? '', o.context) !== 'allow')
        .map((o) => `${id}: ${actionOf(o)}`),
    );
    expect([...new Set(refused)].sort()).toEqual([
      // Its own action: only the undo role may delete an analyzer.
      'accessanalyzer_create_analyzer: access-analyzer:DeleteAnalyzer',
      'cloudtrail_start_logging: cloudtrail:StopLogging',
      'ec2_enable_ebs_default_encryption: ec2:DisableEbsEncryptionByDefault',
      'ec2_revoke_world_ingress: ec2:AuthorizeSecurityGroupIngress',
      // Same action as the fix, refused by its condition: it adds the group `all`.
      'ec2_snapshot_make_private: ec2:ModifySnapshotAttribute',
      'iam_set_password_policy: iam:DeleteAccountPasswordPolicy',
      'kms_enable_key_rotation: kms:DisableKeyRotation',
      // Putting back a public statement is the undo role's alone.
      'lambda_remove_public_permission: lambda:AddPermission',
    ]);
  });

  it('when the fix role is handed the undo calls, then it allows only those IAM cannot tell apart from the fix', () => {
    const allowed = [...runs.entries()].flatMap(([id, run]) =>
      run.undo.operations
        .filter((o) => decide(POLICIES.fix, actionOf(o) ?? '', o.context) === 'allow')
        .map((o) => `${id}: ${actionOf(o)}`),
    );
    // The same action as the fix, and the fix role has no condition on the value the undo sets back
    // (see ROLE_CONDITIONS): listed, so a new one is a decision, not an accident.
    expect([...new Set(allowed)].sort()).toEqual([
      'cloudtrail_enable_log_validation: cloudtrail:UpdateTrail',
      'ec2_image_make_private: ec2:ModifyImageAttribute',
      'ec2_require_imdsv2: ec2:ModifyInstanceMetadataOptions',
      'guardduty_enable_detector: guardduty:UpdateDetector',
      'iam_deactivate_access_key: iam:ListAccessKeys',
      'iam_deactivate_access_key: iam:UpdateAccessKey',
      'iam_set_password_policy: iam:UpdateAccountPasswordPolicy',
      'rds_instance_make_private: rds:ModifyDBInstance',
      'rds_snapshot_make_private: rds:ModifyDBClusterSnapshotAttribute',
      'rds_snapshot_make_private: rds:ModifyDBSnapshotAttribute',
      's3_account_block_public_access: s3:PutAccountPublicAccessBlock',
      's3_block_public_access: s3:PutBucketPublicAccessBlock',
      's3_default_encryption: s3:PutEncryptionConfiguration',
      // Setting a finding back to NEW: the write role may, since accepted risks reopen the findings
      // they suppressed when they end (src/aws/iam-policy.ts, SECURITY_HUB_SYNC_ACTIONS). Reopening
      // makes a finding visible again; it turns no control off.
      'securityhub_update_workflow: securityhub:BatchUpdateFindings',
    ]);
  });

  it('when a plan turns a detective service on, then the fix role may create only the linked role of that service', () => {
    const linkedRole = (service?: string) =>
      decide(POLICIES.fix, 'iam:CreateServiceLinkedRole', service ? { 'iam:AWSServiceName': [service] } : {});
    expect(linkedRole('guardduty.amazonaws.com')).toBe('allow');
    expect(linkedRole('access-analyzer.amazonaws.com')).toBe('allow');
    expect(linkedRole('elasticmapreduce.amazonaws.com')).toBe('implicit-deny');
    expect(linkedRole()).toBe('implicit-deny');
    expect(
      decide(POLICIES.undo, 'iam:CreateServiceLinkedRole', { 'iam:AWSServiceName': ['guardduty.amazonaws.com'] }),
    ).toBe('implicit-deny');
    // Both creations reached the simulation and needed the role: the allow is not there for nothing.
    const implied = [...runs.values()].flatMap((r) => r.fix.operations.filter((o) => o.impliedBy));
    expect(implied.map((o) => [o.impliedBy, o.context['iam:AWSServiceName']])).toEqual([
      ['guardduty:CreateDetector', ['guardduty.amazonaws.com']],
      ['accessanalyzer:CreateAnalyzer', ['access-analyzer.amazonaws.com']],
    ]);
  });

  it('when a snapshot would be shared with one account, then neither role may do it', () => {
    const share = { 'ec2:Add/userId': ['999999999999'] };
    expect(decide(POLICIES.fix, 'ec2:ModifySnapshotAttribute', share)).toBe('explicit-deny');
    expect(decide(POLICIES.undo, 'ec2:ModifySnapshotAttribute', share)).toBe('explicit-deny');
  });

  it.each(['fix', 'undo'] as const)(
    'when the %s policy is printed, then it lists each action once, in order, and reads only what lookups read',
    (purpose) => {
      const policy = POLICIES[purpose];
      const allows = policy.Statement.filter((s) => s.Effect === 'Allow');
      const all = allows.flatMap((s) => s.Action);
      expect(new Set(all).size).toBe(all.length);
      for (const statement of policy.Statement) expect(statement.Action).toEqual([...statement.Action].sort());
      const lookupActions = new Set(Object.values(LOOKUP_PERMISSIONS).flat());
      const reads = all.filter((a) => /^[a-z0-9-]+:(Get|List|Describe|Generate)[A-Z]/.test(a));
      expect(reads.filter((a) => !lookupActions.has(a))).toEqual([]);
      const scanActions = new Set<string>(Object.values(READ_PERMISSIONS).flat());
      expect(all.filter((a) => scanActions.has(a))).toEqual([]);
    },
  );
});
