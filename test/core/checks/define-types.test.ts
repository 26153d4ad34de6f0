/**
 * What `defineCheck`'s typing promises, and the guard that makes the promise true.
 *
 * The `@ts-expect-error` lines are proven by the type checker, not by jest: jest transpiles test files
 * without type-checking them (tsconfig `isolatedModules`), while `npm run typecheck` (tsconfig.json,
 * which includes test/) fails if one of those lines stops being an error ("Unused '@ts-expect-error'
 * directive") or if a line meant to compile does not.
 */
import { CHECKS } from '../../../src/core/checks';
import {
  defineCheck,
  fail,
  pass,
  withFact,
  type AnyCheck,
  type CheckResult,
  type CheckSpec,
} from '../../../src/core/checks/define';
import {
  SERVICES,
  type AccountSnapshot,
  type CloudTrailSlice,
  type IamSlice,
  type S3Slice,
} from '../../../src/core/model';
import { accountResource } from '../../../src/core/resources';
import { anAccessAnalyzerRegion } from '../../fixtures/builders/accessanalyzer';
import { anAccountSlice } from '../../fixtures/builders/account';
import { aCloudWatchSlice } from '../../fixtures/builders/cloudwatch';
import { aConfigRegion } from '../../fixtures/builders/config';
import { anEfsRegion } from '../../fixtures/builders/efs';
import { anEksRegion } from '../../fixtures/builders/eks';
import { aGuardDutyRegion } from '../../fixtures/builders/guardduty';
import { anRdsRegion } from '../../fixtures/builders/rds';
import { NOW, REGION, anAccount } from '../../fixtures/snapshot-builders';

/**
 * An account with every slice collected, so that removing one leaves exactly that one missing:
 * snapshot-builders' account plus each newer service's slice. The guard asks only whether a slice
 * was collected, so a regional slice collected in no region (`{}`) serves for the services whose
 * builders are still to come (lambda, sqs, sns, kms, secretsmanager, ecr, opensearch).
 */
const aFullyCollectedAccount = (over: Partial<AccountSnapshot> = {}): AccountSnapshot =>
  anAccount({
    rds: { [REGION]: anRdsRegion() },
    efs: { [REGION]: anEfsRegion() },
    eks: { [REGION]: anEksRegion() },
    guardduty: { [REGION]: aGuardDutyRegion() },
    config: { [REGION]: aConfigRegion() },
    accessanalyzer: { [REGION]: anAccessAnalyzerRegion() },
    cloudwatch: aCloudWatchSlice(),
    account: anAccountSlice(),
    lambda: {},
    sqs: {},
    sns: {},
    kms: {},
    secretsmanager: {},
    ecr: {},
    opensearch: {},
    ...over,
  });

const metadata = {
  service: 's3',
  severity: 'high',
  title: 'A test check reads what it declares',
  failTitle: 'A test check failed',
  rationale: 'Only here to exercise defineCheck.',
  remediationText: 'Nothing to fix: this is a test check.',
  frameworks: { cis: null, securityHub: null },
  remediation: null,
} as const;

/** Declares `iam` and `s3`, and reads both without a non-null assertion. */
const readsDeclared = defineCheck({
  ...metadata,
  id: 's3_test_reads_declared',
  requires: ['iam', 's3'],
  evaluate: ({ account }) => {
    // Compiles only because the required slices are typed as present.
    const iam: IamSlice = account.iam;
    const s3: S3Slice = account.s3;
    // @ts-expect-error -- cloudtrail is not in `requires`, so its slice may be absent
    const trails: CloudTrailSlice = account.cloudtrail;
    return [
      pass(accountResource(account), 'global', 'read', {
        iam: iam.credentialReport.ok,
        s3: s3.buckets.ok,
        trails: trails === undefined,
      }),
    ];
  },
});

/** The mistake the types catch: reads `iam` while declaring only `s3`. */
const readsUndeclared = defineCheck({
  ...metadata,
  id: 's3_test_reads_undeclared',
  requires: ['s3'],
  evaluate: ({ account }) =>
    // @ts-expect-error -- iam is not in `requires`: 'account.iam' is possibly 'undefined'
    withFact(account.iam.credentialReport, accountResource(account), 'global', (rows) => [
      fail(accountResource(account), 'global', `${rows.length} rows`),
    ]),
});

describe('defineCheck typing', () => {
  it('when a check reads a slice it does not require, then the type checker rejects it, and on a snapshot without that slice it would crash', () => {
    // The @ts-expect-error above is the type-level proof; this is the crash it prevents.
    expect(() => readsUndeclared.evaluate({ account: anAccount({ iam: undefined }), now: NOW })).toThrow(TypeError);
  });

  it("when a check's own evaluation is called with a plain snapshot, then the type checker rejects it: only the guard may call it", () => {
    const spec: CheckSpec<readonly ['iam']> = {
      ...metadata,
      id: 's3_test_raw_spec',
      requires: ['iam'],
      evaluate: ({ account }) => [pass(accountResource(account), 'global', `${account.iam.credentialReport.ok}`)],
    };
    const plain = anAccount();

    // @ts-expect-error -- a plain AccountSnapshot does not promise the iam slice
    const results = spec.evaluate({ account: plain, now: NOW });

    expect(results.map((r) => r.status)).toEqual(['pass']);
  });

  it('when checks read different slices, then they still form one catalog list', () => {
    const catalog: readonly AnyCheck[] = [readsDeclared, readsUndeclared, ...CHECKS];

    expect(catalog.map((c) => c.id)).toContain('s3_test_reads_declared');
  });
});

describe('defineCheck guard (fail closed)', () => {
  it('when every required slice was collected, then the check evaluates the account', () => {
    const [result] = readsDeclared.evaluate({ account: anAccount(), now: NOW });

    expect(result).toMatchObject({ status: 'pass', evidence: { iam: true, s3: true, trails: false } });
  });

  it('when a required slice was not collected, then the check is one unknown on the account naming it, and its evaluation never runs', () => {
    const evaluate = jest.fn((): CheckResult[] => []);
    const check = defineCheck({ ...metadata, id: 's3_test_guarded', requires: ['s3'], evaluate });

    const results = check.evaluate({ account: anAccount({ s3: undefined }), now: NOW });

    expect(evaluate).not.toHaveBeenCalled();
    expect(results).toEqual([
      {
        status: 'unknown',
        resource: { type: 'AwsAccount', id: '111111111111', arn: null },
        region: 'global',
        message: expect.stringMatching(/^Could not check: the s3 data this check reads was not collected/),
        evidence: { notCollected: ['s3'] },
      },
    ]);
  });

  it('when several required slices were not collected, then the one unknown names each of them', () => {
    const [result] = readsDeclared.evaluate({ account: anAccount({ iam: undefined, s3: undefined }), now: NOW });

    expect(result).toMatchObject({ status: 'unknown', evidence: { notCollected: ['iam', 's3'] } });
    expect(result!.message).toContain('the iam and s3 data this check reads was not collected');
    expect(result!.message).toContain('`cloudsec collect --service s3`');
  });

  it('when any slice a catalog check requires is absent, then that check is exactly one unknown naming the slice, never a crash or a pass', () => {
    // Every other slice is there: what the unknown names is the absent slice alone.
    expect(SERVICES.filter((s) => aFullyCollectedAccount()[s] === undefined)).toEqual([]);
    const outcomes = CHECKS.flatMap((check) =>
      check.requires.map((service) => {
        const results = check.evaluate({ account: aFullyCollectedAccount({ [service]: undefined }), now: NOW });
        return { check: check.id, service, results: results.map((r) => [r.status, r.evidence['notCollected']]) };
      }),
    );

    expect(outcomes.length).toBeGreaterThanOrEqual(CHECKS.length);
    for (const { check, service, results } of outcomes)
      expect({ check, service, results }).toEqual({ check, service, results: [['unknown', [service]]] });
  });

  it('when a slice no catalog check requires is absent, then the checks still evaluate (the guard asks only for what each declares)', () => {
    const s3Checks = CHECKS.filter((c) => c.requires.every((s) => s === 's3'));
    const others = SERVICES.filter((s) => s !== 's3');
    const account = anAccount(Object.fromEntries(others.map((s) => [s, undefined])));

    const statuses = s3Checks.flatMap((c) => c.evaluate({ account, now: NOW })).map((r) => r.evidence['notCollected']);

    expect(s3Checks.length).toBeGreaterThan(0);
    expect(statuses.every((n) => n === undefined)).toBe(true);
  });
});
