import { CHECKS } from '../../../src/core/checks';
import { defineCheck, fail, pass, unknownFrom } from '../../../src/core/checks/define';
import { diffObservations, inScope, observeFindings, toObservedItem } from '../../../src/core/digest/diff';
import type { DigestDelta, DigestItem } from '../../../src/core/digest/model';
import { evaluateChecks, normalizeSecurityHubFinding } from '../../../src/core/findings';
import { missing, type Finding } from '../../../src/core/model';
import { accountResource, bucketResource } from '../../../src/core/resources';
import {
  NOW,
  aBucket,
  aSecurityHubFinding,
  aSnapshot,
  accessDenied,
  anAccount,
  anS3Slice,
} from '../../fixtures/snapshot-builders';
import { known } from '../../../src/core/model';
import { ACCOUNT_A, ACCOUNT_B, RUN_1, RUN_2, aStoredItem, anObservedItem, changes, complete } from './builders';

const ids = (items: readonly DigestItem[]) => items.map((i) => i.findingId).sort();
const listed = (delta: DigestDelta) => ({
  opened: ids(delta.opened),
  reopened: ids(delta.reopened),
  resolved: ids(delta.resolved),
  suppressed: ids(delta.suppressed),
});
const NOTHING = { opened: [], reopened: [], resolved: [], suppressed: [] };
const NO_DELTA = { opened: [], reopened: [], resolved: [], suppressed: [], upserts: [], removals: [] };

describe('diffObservations', () => {
  it('when a finding is open for the first time, then it is new and stored from this run on', () => {
    const delta = diffObservations([], [complete([anObservedItem()])], RUN_2);

    expect(listed(delta)).toEqual({ ...NOTHING, opened: ['f_bucket_public'] });
    expect(delta.upserts).toEqual([aStoredItem({ firstSeenAt: RUN_2.toISOString(), lastSeenAt: RUN_2.toISOString() })]);
    expect(delta.removals).toEqual([]);
  });

  it('when a stored finding is still open, then it is not new, keeps its age and takes the fresh wording', () => {
    const stored = aStoredItem({ firstSeenAt: '2026-10-01T09:00:00.000Z' });
    const observed = anObservedItem({ title: 'New title', message: 'missing: all four', severity: 'critical' });

    const delta = diffObservations([stored], [complete([observed])], RUN_2);

    expect(listed(delta)).toEqual(NOTHING);
    expect(delta.upserts).toEqual([
      {
        ...stored,
        title: 'New title',
        message: 'missing: all four',
        severity: 'critical',
        lastSeenAt: RUN_2.toISOString(),
      },
    ]);
  });

  it('when a suppressed finding (an accepted risk that ended) is open again, then it is back, not new, and keeps its age', () => {
    const delta = diffObservations([aStoredItem({ state: 'suppressed' })], [complete([anObservedItem()])], RUN_2);

    expect(listed(delta)).toEqual({ ...NOTHING, reopened: ['f_bucket_public'] });
    expect(delta.upserts[0]).toMatchObject({ state: 'open', firstSeenAt: RUN_1.toISOString() });
  });

  it('when an open finding is suppressed, then it is listed as suppressed, kept, and not counted as fixed', () => {
    const delta = diffObservations([aStoredItem()], [complete([anObservedItem({ state: 'suppressed' })])], RUN_2);

    expect(listed(delta)).toEqual({ ...NOTHING, suppressed: ['f_bucket_public'] });
    expect(delta.upserts).toEqual([aStoredItem({ state: 'suppressed', lastSeenAt: RUN_2.toISOString() })]);
    expect(delta.removals).toEqual([]);
  });

  it('when a finding stays suppressed, or is suppressed the first time it is seen, then nothing is listed', () => {
    const delta = diffObservations(
      [aStoredItem({ state: 'suppressed' })],
      [
        complete([
          anObservedItem({ state: 'suppressed' }),
          anObservedItem({ findingId: 'f_other', state: 'suppressed' }),
        ]),
      ],
      RUN_2,
    );

    expect(listed(delta)).toEqual(NOTHING);
    expect(ids(delta.upserts)).toEqual(['f_bucket_public', 'f_other']);
    expect(delta.upserts.every((u) => u.state === 'suppressed')).toBe(true);
  });

  it.each(['open', 'suppressed'] as const)(
    'when a %s finding passes now, then it is resolved as it was stored, and forgotten',
    (state) => {
      const stored = aStoredItem({ state });
      const delta = diffObservations([stored], [complete([anObservedItem({ state: 'resolved' })])], RUN_2);

      expect(delta.resolved).toEqual([stored]);
      expect(delta.removals).toEqual(['f_bucket_public']);
      expect(delta.upserts).toEqual([]);
    },
  );

  it('when a finding that was never stored is resolved, then nothing happens', () => {
    const delta = diffObservations([], [complete([anObservedItem({ state: 'resolved' })])], RUN_2);

    expect(delta).toEqual(NO_DELTA);
  });

  it('when a complete scan no longer lists a stored finding, then it is resolved', () => {
    const delta = diffObservations([aStoredItem()], [complete([])], RUN_2);

    expect(listed(delta)).toEqual({ ...NOTHING, resolved: ['f_bucket_public'] });
    expect(delta.removals).toEqual(['f_bucket_public']);
  });

  it('when the account could not be scanned, then its stored findings are kept untouched', () => {
    const other = aStoredItem({ findingId: 'f_b', accountId: ACCOUNT_B });

    const delta = diffObservations([aStoredItem(), other], [complete([], [ACCOUNT_A])], RUN_2);

    expect(listed(delta)).toEqual({ ...NOTHING, resolved: ['f_b'] });
    expect(delta.upserts).toEqual([]);
  });

  it('when only one check of the account could not be evaluated, then only that check’s findings are kept', () => {
    const sameCheck = aStoredItem();
    const otherCheck = aStoredItem({ findingId: 'f_versioning', checkId: 's3_bucket_versioning_enabled' });

    const delta = diffObservations(
      [sameCheck, otherCheck],
      [complete([], [`${ACCOUNT_A}/s3_bucket_public_access_blocked`])],
      RUN_2,
    );

    expect(listed(delta)).toEqual({ ...NOTHING, resolved: ['f_versioning'] });
  });

  it.each(['open', 'suppressed'] as const)(
    'when a stored %s finding is unknown this time, then it is neither resolved nor rewritten',
    (state) => {
      const stored = aStoredItem({ state });

      for (const observation of [complete([anObservedItem({ state: 'unknown' })]), changes([])]) {
        const delta = diffObservations([stored], [observation], RUN_2);
        expect(delta).toEqual(NO_DELTA);
      }
    },
  );

  it('when Security Hub reports only what changed, then a stored finding it does not list is unchanged', () => {
    const hub = (id: string) => ({ source: 'securityhub' as const, findingId: id, checkId: 'securityhub:S3.8' });
    const stored = [aStoredItem(hub('h_quiet')), aStoredItem(hub('h_fixed')), aStoredItem(hub('h_hidden'))];

    const delta = diffObservations(
      stored,
      [
        changes([
          anObservedItem({ ...hub('h_fixed'), state: 'resolved' }),
          anObservedItem({ ...hub('h_hidden'), state: 'suppressed' }),
          anObservedItem({ ...hub('h_new'), state: 'open' }),
        ]),
      ],
      RUN_2,
    );

    expect(listed(delta)).toEqual({ ...NOTHING, opened: ['h_new'], resolved: ['h_fixed'], suppressed: ['h_hidden'] });
    expect(delta.removals).toEqual(['h_fixed']);
    expect(ids(delta.upserts)).toEqual(['h_hidden', 'h_new']);
  });

  it('when a source was not observed in this run, then its stored findings are left alone', () => {
    const hubItem = aStoredItem({ source: 'securityhub', findingId: 'h_1' });

    const delta = diffObservations([hubItem], [complete([])], RUN_2);

    expect(delta.removals).toEqual([]);
    expect(delta.resolved).toEqual([]);
  });

  it('when the cloudsec scan comes as one complete observation per account, then each lists only its own', () => {
    const inA = aStoredItem({ findingId: 'f_a' });
    const inB = aStoredItem({ findingId: 'f_b', accountId: ACCOUNT_B });

    const delta = diffObservations(
      [inA, inB],
      [
        complete([anObservedItem({ findingId: 'f_a' })]),
        complete([anObservedItem({ findingId: 'f_b', accountId: ACCOUNT_B })]),
      ],
      RUN_2,
    );

    expect(listed(delta)).toEqual(NOTHING);
    expect(delta.removals).toEqual([]);
  });
});

// ---------------------------------------------------------------- findings → observations

const bucketCheck = defineCheck({
  id: 's3_bucket_named_safely',
  service: 's3',
  severity: 'high',
  title: 'Bucket name does not contain "public"',
  failTitle: 'Bucket name contains "public"',
  rationale: 'A test check.',
  remediationText: 'Rename the bucket.',
  frameworks: { cis: null, securityHub: null },
  requires: ['s3'],
  remediation: 's3_block_public_access',
  evaluate: ({ account }) =>
    account.s3!.buckets.ok
      ? account.s3!.buckets.value.map((b) =>
          b.name.includes('public')
            ? fail(bucketResource(b), b.region, `${b.name} is public`)
            : pass(bucketResource(b), b.region, 'ok'),
        )
      : [unknownFrom(accountResource(account), 'global', accessDenied('s3:ListAllMyBuckets'))],
});
const lowCheck = defineCheck({
  ...bucketCheck,
  id: 'iam_always_low',
  service: 'iam',
  severity: 'low',
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account }) => [fail(accountResource(account), 'global', 'always fails')],
});

const SCOPE = { services: ['s3', 'iam'] as ('s3' | 'iam')[], minSeverity: 'low' as const };
const buckets = (...names: string[]) => anS3Slice({ buckets: known(names.map((name) => aBucket({ name }))) });

describe('toObservedItem', () => {
  const [failing, passing] = evaluateChecks(
    [bucketCheck],
    aSnapshot([anAccount({ s3: buckets('a-public', 'b-private') })]),
    NOW,
    { services: ['s3'] },
  ) as [Finding, Finding];

  it('when a cloudsec check fails, then the finding is open with its resource, wording (what is wrong) and remediation', () => {
    expect(toObservedItem(failing)).toEqual({
      findingId: failing.id,
      source: 'cloudsec',
      checkId: 's3_bucket_named_safely',
      service: 's3',
      severity: 'high',
      accountId: ACCOUNT_A,
      region: 'us-east-1',
      resourceType: 'AwsS3Bucket',
      resourceId: 'a-public',
      resourceArn: 'arn:aws:s3:::a-public',
      title: 'Bucket name contains "public"',
      message: 'a-public is public',
      remediationId: 's3_block_public_access',
      state: 'open',
    });
  });

  it('when a check passes or could not be evaluated, then it reads resolved or unknown', () => {
    expect(toObservedItem(passing).state).toBe('resolved');
    expect(toObservedItem({ ...failing, status: 'unknown' }).state).toBe('unknown');
  });

  it.each([
    [{ workflowStatus: 'NEW' }, 'open'],
    [{ workflowStatus: 'NOTIFIED', complianceStatus: 'WARNING' }, 'open'],
    [{ workflowStatus: 'SUPPRESSED' }, 'suppressed'],
    [{ workflowStatus: 'RESOLVED' }, 'resolved'],
    [{ complianceStatus: 'PASSED' }, 'resolved'],
    [{ complianceStatus: 'PASSED', workflowStatus: 'SUPPRESSED' }, 'resolved'],
    [{ complianceStatus: 'NOT_AVAILABLE' }, 'unknown'],
  ] as const)('when Security Hub says %j, then the finding is %s', (over, state) => {
    const finding = normalizeSecurityHubFinding(aSecurityHubFinding(over), () => null);
    expect(toObservedItem(finding)).toMatchObject({
      source: 'securityhub',
      checkId: 'securityhub:S3.8',
      resourceId: 'arn:aws:s3:::legacy-public',
      state,
    });
  });

  it('when the incremental collector records that Security Hub archived the finding, then it is resolved', () => {
    const finding = normalizeSecurityHubFinding(aSecurityHubFinding(), () => null);
    expect(toObservedItem({ ...finding, evidence: { ...finding.evidence, recordState: 'ARCHIVED' } }).state).toBe(
      'resolved',
    );
  });
});

describe('inScope', () => {
  const item = (over: Partial<DigestItem>) => aStoredItem(over);

  it.each([
    ['critical', 'high', true],
    ['high', 'high', true],
    ['medium', 'high', false],
    ['low', 'low', true],
    ['informational', 'low', false],
    ['informational', 'informational', true],
  ] as const)('when a %s finding meets a %s minimum, then in scope is %s', (severity, minSeverity, expected) => {
    expect(inScope(item({ severity }), { services: ['s3'], minSeverity })).toBe(expected);
  });

  it('when the scope names other services, then a cloudsec finding is out of scope', () => {
    expect(inScope(item({ service: 's3' }), { services: ['iam'], minSeverity: 'low' })).toBe(false);
  });

  it('when the scope names a service, then Security Hub findings of that service’s controls are in scope', () => {
    const hub = (checkId: string) => item({ source: 'securityhub', service: 'securityhub', checkId });

    expect(inScope(hub('securityhub:S3.8'), { services: ['s3'], minSeverity: 'low' })).toBe(true);
    expect(inScope(hub('securityhub:CloudTrail.1'), { services: ['cloudtrail'], minSeverity: 'low' })).toBe(true);
    expect(inScope(hub('securityhub:EC2.19'), { services: ['s3'], minSeverity: 'low' })).toBe(false);
    expect(inScope(hub('securityhub:RDS.2'), { services: ['securityhub'], minSeverity: 'low' })).toBe(true);
    expect(inScope(hub('securityhub:aws-guardduty/x'), { services: ['s3', 'iam'], minSeverity: 'low' })).toBe(false);
  });
});

describe('observeFindings', () => {
  const unreachable = anAccount({
    accountId: ACCOUNT_B,
    accountName: 'staging',
    access: missing(accessDenied('sts:AssumeRole')),
  });

  it('when an account could not be entered, then the whole account is unevaluated and nothing of it is listed open', () => {
    const findings = evaluateChecks([bucketCheck, lowCheck], aSnapshot([anAccount(), unreachable]), NOW, {
      services: ['s3', 'iam'],
    });

    const observation = observeFindings(findings, { scope: SCOPE });

    expect(observation.kind).toBe('complete');
    if (observation.kind !== 'complete') return;
    expect(observation.unevaluated).toEqual(
      new Set([ACCOUNT_B, `${ACCOUNT_B}/s3_bucket_named_safely`, `${ACCOUNT_B}/iam_always_low`]),
    );
    expect(observation.items.filter((i) => i.accountId === ACCOUNT_B).map((i) => i.state)).toEqual([
      'unknown',
      'unknown',
    ]);
  });

  it('when a check could not be evaluated in an account, then that account and check are unevaluated', () => {
    const denied = anAccount({ s3: anS3Slice({ buckets: missing(accessDenied('s3:ListAllMyBuckets')) }) });
    const findings = evaluateChecks([bucketCheck, lowCheck], aSnapshot([denied]), NOW, { services: ['s3', 'iam'] });

    const observation = observeFindings(findings, { scope: SCOPE });

    expect(observation.kind === 'complete' && [...observation.unevaluated]).toEqual([
      `${ACCOUNT_A}/s3_bucket_named_safely`,
    ]);
  });

  it('when findings are below the minimum severity, out of scope or from Security Hub, then they are not listed', () => {
    const hubAccount = anAccount({
      s3: buckets('a-public'),
      securityhub: { 'us-east-1': { enabled: known(true), findings: known([aSecurityHubFinding()]) } },
    });
    const findings = evaluateChecks([bucketCheck, lowCheck], aSnapshot([hubAccount]), NOW, {
      services: ['s3', 'iam', 'securityhub'],
    });
    expect(findings.some((f) => f.source === 'securityhub')).toBe(true);

    const observation = observeFindings(findings, { scope: { services: ['s3', 'iam'], minSeverity: 'medium' } });

    expect(observation.items.map((i) => [i.checkId, i.resourceId])).toEqual([['s3_bucket_named_safely', 'a-public']]);
  });

  it('when a check’s snapshot slice was not collected for an account, then that check is unevaluated there', () => {
    const withoutS3 = anAccount({ s3: undefined });
    const findings = evaluateChecks(CHECKS, aSnapshot([withoutS3]), NOW, { services: ['s3', 'iam'] });

    const observation = observeFindings(findings, { scope: SCOPE, accounts: [withoutS3], checks: CHECKS });

    const unevaluated = observation.kind === 'complete' ? [...observation.unevaluated] : [];
    expect(unevaluated).toContain(`${ACCOUNT_A}/s3_bucket_public_access_blocked`);
    expect(unevaluated).toContain(`${ACCOUNT_A}/cloudtrail_bucket_not_public`);
    // The IAM slice was collected: its checks were evaluated (those reading a field this builder's
    // slice predates, such as server certificates, are unknown "not collected", which counts too).
    expect(unevaluated).not.toContain(`${ACCOUNT_A}/iam_root_mfa_enabled`);
    expect(unevaluated).not.toContain(`${ACCOUNT_A}/iam_user_console_mfa_enabled`);
  });

  it('when the accounts list says an account was not entered, then the account is unevaluated', () => {
    const observation = observeFindings([], { scope: SCOPE, accounts: [unreachable] });

    expect(observation.kind === 'complete' && [...observation.unevaluated]).toEqual([ACCOUNT_B]);
  });

  it('when the next scan cannot enter an account, then the digest keeps that account’s open findings', () => {
    const firstScan = evaluateChecks([bucketCheck], aSnapshot([anAccount({ s3: buckets('a-public') })]), NOW, {
      services: ['s3'],
    });
    const first = diffObservations([], [observeFindings(firstScan, { scope: SCOPE })], RUN_1);
    expect(first.opened).toHaveLength(1);

    const blocked = anAccount({ access: missing(accessDenied('sts:AssumeRole')) });
    const secondScan = evaluateChecks([bucketCheck], aSnapshot([blocked]), NOW, { services: ['s3'] });
    const second = diffObservations(first.upserts, [observeFindings(secondScan, { scope: SCOPE })], RUN_2);

    expect(second).toEqual(NO_DELTA);
  });
});
