import {
  exclusionMatches,
  exclusionReason,
  exclusionSubjectOf,
  type ExclusionSubject,
} from '../../../src/core/detections/noise';
import type { CloudTrailRecord } from '../../../src/core/detections/record';
import {
  DetectionExclusionSchema,
  DetectionsConfigSchema,
  type DetectionExclusion,
} from '../../../src/core/detections/settings';

const ACCOUNT = '111111111111';

const subject = (over: Partial<ExclusionSubject> = {}): ExclusionSubject => ({
  callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/terraform-apply/ci-run-42`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/terraform-apply`,
  accountId: ACCOUNT,
  userAgent: 'APN/1.0 HashiCorp/1.0 Terraform/1.9.5',
  invokedBy: null,
  ...over,
});

const entry = (raw: Record<string, unknown>): DetectionExclusion =>
  DetectionExclusionSchema.parse({ reason: 'r', ...raw });

describe('exclusions', () => {
  it('when the principal pattern matches the assumed-role session ARN, then the record is excluded', () => {
    expect(exclusionMatches(entry({ principal: 'arn:aws:sts::*:assumed-role/terraform-*' }), subject())).toBe(true);
  });

  it('when the principal pattern matches only the role ARN (session issuer), then the record is excluded', () => {
    expect(exclusionMatches(entry({ principal: 'arn:aws:iam::*:role/terraform-*' }), subject())).toBe(true);
  });

  it('when the principal pattern matches neither ARN, then the record is kept', () => {
    expect(exclusionMatches(entry({ principal: 'arn:aws:iam::*:role/packer-*' }), subject())).toBe(false);
  });

  it('when a record does not carry the field an entry names, then it is kept (missing evidence is not a match)', () => {
    const bare = subject({ callerArn: null, roleArn: null, userAgent: null });
    expect(exclusionMatches(entry({ principal: '*' }), bare)).toBe(false);
    expect(exclusionMatches(entry({ account: ACCOUNT, userAgent: '*' }), bare)).toBe(false);
    expect(exclusionMatches(entry({ sourceService: '*' }), bare)).toBe(false);
    expect(exclusionMatches(entry({ account: ACCOUNT }), subject({ accountId: null }))).toBe(false);
  });

  it('when an entry gives several fields, then all must match', () => {
    const both = entry({ principal: 'arn:aws:iam::*:role/terraform-*', account: '222222222222' });
    expect(exclusionMatches(both, subject())).toBe(false);
    expect(exclusionMatches(both, subject({ accountId: '222222222222' }))).toBe(true);
  });

  it('when userAgent and sourceService patterns match, then the record is excluded', () => {
    expect(exclusionMatches(entry({ account: ACCOUNT, userAgent: '*Terraform/*' }), subject())).toBe(true);
    const viaStack = subject({ invokedBy: 'cloudformation.amazonaws.com' });
    expect(exclusionMatches(entry({ sourceService: 'cloudformation.amazonaws.com' }), viaStack)).toBe(true);
    expect(exclusionMatches(entry({ sourceService: 'cloudformation.amazonaws.com' }), subject())).toBe(false);
  });

  it('when a pattern holds regex syntax, then it is literal text', () => {
    const cli = entry({ account: ACCOUNT, userAgent: 'aws-cli/.*' });
    expect(exclusionMatches(cli, subject({ userAgent: 'aws-cli/2.15' }))).toBe(false);
    expect(exclusionMatches(cli, subject({ userAgent: 'aws-cli/.*' }))).toBe(true);
  });

  it('when an entry somehow has no field, then it excludes nothing', () => {
    expect(exclusionMatches({ reason: 'empty' }, subject())).toBe(false);
  });

  it('when an entry somehow matches on userAgent alone, then it excludes nothing (the caller chooses its user agent)', () => {
    // Past the schema (which refuses it), e.g. built in code: a record whose user agent matches is still kept.
    expect(exclusionMatches({ userAgent: '*Terraform*', reason: 'tf' }, subject())).toBe(false);
    expect(exclusionMatches({ userAgent: '*Terraform*', account: ACCOUNT, reason: 'tf' }, subject())).toBe(true);
  });

  it('when cloudsec.yml gives an exclusion whose only matcher is userAgent, then the config is refused and says why', () => {
    const parsed = DetectionExclusionSchema.safeParse({ userAgent: '*Terraform*', reason: 'tf runs' });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0]!;
    expect(issue.path).toEqual(['userAgent']);
    expect(issue.message).toMatch(/caller chooses its user agent/);
    expect(issue.message).toMatch(/principal, account or sourceService/);
  });

  it.each([
    { principal: 'arn:aws:iam::*:role/terraform-*' },
    { account: ACCOUNT },
    { sourceService: 'cloudformation.amazonaws.com' },
  ])('when userAgent is combined with %j, then the exclusion is accepted', (other) => {
    expect(DetectionExclusionSchema.safeParse({ userAgent: '*Terraform*', reason: 'tf', ...other }).success).toBe(true);
  });

  it('when the whole detections section holds a userAgent-only exclusion (global or per rule), then it is refused', () => {
    const bad = [{ userAgent: '*Terraform*', reason: 'tf' }];
    expect(DetectionsConfigSchema.safeParse({ exclude: bad }).success).toBe(false);
    expect(DetectionsConfigSchema.safeParse({ rules: { root_activity: { exclude: bad } } }).success).toBe(false);
  });

  it('when several entries match, then the first one gives the reason; when none does, null', () => {
    const entries = [
      entry({ account: '999999999999', reason: 'other' }),
      entry({ principal: '*:role/terraform-*', userAgent: '*Terraform*', reason: 'tf' }),
      entry({ account: ACCOUNT, reason: 'acct' }),
    ];
    expect(exclusionReason(entries, subject())).toBe('tf');
    expect(exclusionReason(entries.slice(0, 1), subject())).toBeNull();
  });

  it('when a pathological pattern meets a long text, then matching stays fast (no backtracking)', () => {
    const pattern = `${'*a'.repeat(200)}*b`;
    const text = 'a'.repeat(100_000);
    const started = process.hrtime.bigint();
    expect(exclusionMatches(entry({ account: ACCOUNT, userAgent: pattern }), subject({ userAgent: text }))).toBe(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });

  it('when reading a record, then the subject takes the caller, the session issuer, user agent and invokedBy', () => {
    const record: CloudTrailRecord = {
      eventID: 'e',
      eventTime: '2026-11-02T10:00:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'AttachRolePolicy',
      userAgent: 'cloudformation.amazonaws.com',
      userIdentity: {
        arn: 'arn:aws:sts::111111111111:assumed-role/stack-role/session',
        invokedBy: 'cloudformation.amazonaws.com',
        sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111111111111:role/stack-role' } },
      },
    };
    expect(exclusionSubjectOf(record, ACCOUNT)).toEqual({
      callerArn: 'arn:aws:sts::111111111111:assumed-role/stack-role/session',
      roleArn: 'arn:aws:iam::111111111111:role/stack-role',
      accountId: ACCOUNT,
      userAgent: 'cloudformation.amazonaws.com',
      invokedBy: 'cloudformation.amazonaws.com',
    });
  });
});
