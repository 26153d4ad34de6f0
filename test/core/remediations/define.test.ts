import { z } from 'zod';
import {
  ApiCallSchema,
  bindLookups,
  defineRemediation,
  selectLookupValue,
  targetId,
  type ApiCall,
  type LookupSelector,
} from '../../../src/core/remediations/define';
import { sdkCall } from '../../../src/core/remediations/sdk-call';
import { ACCOUNT_ID, anAccount } from '../../fixtures/snapshot-builders';
import { aFinding, reasonOf } from '../../fixtures/remediation-builders';

const KEY: LookupSelector = {
  kind: 'iamAccessKey',
  userName: 'alice',
  keyNumber: 1,
  createdAt: '2026-01-10T08:30:15+00:00',
};

describe('selectLookupValue', () => {
  it('when one key of the user was created in that second, then its id is selected', () => {
    const output = {
      AccessKeyMetadata: [
        {
          UserName: 'alice',
          AccessKeyId: 'AKIAOLD',
          Status: 'Active',
          CreateDate: new Date('2026-01-10T08:30:15.000Z'),
        },
        {
          UserName: 'alice',
          AccessKeyId: 'AKIANEW',
          Status: 'Active',
          CreateDate: new Date('2026-09-01T10:00:00.000Z'),
        },
      ],
    };
    expect(selectLookupValue(KEY, output)).toEqual({ ok: true, value: 'AKIAOLD' });
  });

  it('when the SDK sends the creation time with milliseconds, then it still matches at second precision', () => {
    const output = {
      AccessKeyMetadata: [{ UserName: 'alice', AccessKeyId: 'AKIAOLD', CreateDate: '2026-01-10T08:30:15.734Z' }],
    };
    expect(selectLookupValue(KEY, output)).toEqual({ ok: true, value: 'AKIAOLD' });
  });

  it('when no key was created then (deleted and replaced since the scan), then nothing is selected', () => {
    const output = {
      AccessKeyMetadata: [{ UserName: 'alice', AccessKeyId: 'AKIANEW', CreateDate: new Date('2026-09-01T10:00:00Z') }],
    };
    const result = selectLookupValue(KEY, output);
    expect(reasonOf(result)).toMatch(/no longer exists/);
  });

  it('when the key belongs to another user, then it is not selected', () => {
    const output = {
      AccessKeyMetadata: [{ UserName: 'bob', AccessKeyId: 'AKIABOB', CreateDate: '2026-01-10T08:30:15Z' }],
    };
    expect(selectLookupValue(KEY, output).ok).toBe(false);
  });

  it('when two keys were created in the same second, then the lookup refuses to guess', () => {
    const key = (id: string) => ({ UserName: 'alice', AccessKeyId: id, CreateDate: '2026-01-10T08:30:15Z' });
    expect(reasonOf(selectLookupValue(KEY, { AccessKeyMetadata: [key('AKIA1'), key('AKIA2')] }))).toMatch(/ambiguous/);
  });

  it('when the answer has no key list at all, then nothing is selected', () => {
    expect(selectLookupValue(KEY, {}).ok).toBe(false);
    expect(selectLookupValue(KEY, null).ok).toBe(false);
  });
});

describe('bindLookups', () => {
  const write: ApiCall = {
    service: 'iam',
    region: 'global',
    command: 'UpdateAccessKey',
    input: { UserName: 'alice', Status: 'Inactive' },
    bind: { AccessKeyId: 'alice:access_key_1' },
  };

  it('when the lookup has a value, then the field is filled and the rest of the input kept', () => {
    const bound = bindLookups(write, { 'alice:access_key_1': 'AKIAOLD' });
    expect(bound).toEqual({
      ok: true,
      value: { ...write, input: { UserName: 'alice', Status: 'Inactive', AccessKeyId: 'AKIAOLD' } },
    });
  });

  it('when the lookup has no value, then the call is not completed', () => {
    expect(reasonOf(bindLookups(write, {}))).toContain('alice:access_key_1');
  });

  it('when the call binds nothing, then it is returned as it is', () => {
    const plain: ApiCall = { service: 'ec2', region: 'eu-west-1', command: 'EnableEbsEncryptionByDefault', input: {} };
    expect(bindLookups(plain, {})).toEqual({ ok: true, value: plain });
  });
});

describe('ApiCallSchema', () => {
  it('when a stored call names an unknown service or a lower-case command, then it is rejected', () => {
    const call = { service: 's3', region: 'us-east-1', command: 'PutPublicAccessBlock', input: {} };
    expect(ApiCallSchema.safeParse(call).success).toBe(true);
    expect(ApiCallSchema.safeParse({ ...call, service: 'dynamodb' }).success).toBe(false);
    expect(ApiCallSchema.safeParse({ ...call, command: 'putPublicAccessBlockCommand ' }).success).toBe(false);
  });
});

describe('targetId', () => {
  it.each([
    ['app-data', 'app-data'],
    ['arn:aws:s3:::legacy-public', 'legacy-public'],
    [`arn:aws:ec2:us-east-1:${ACCOUNT_ID}:security-group/sg-0web`, 'sg-0web'],
    [`arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/org-trail`, 'org-trail'],
  ])('when the resource id is %s, then the target is %s', (id, expected) => {
    expect(targetId(aFinding({ resource: { type: 'Any', id, arn: null } }))).toBe(expected);
  });
});

describe('defineRemediation', () => {
  const call: ApiCall = { service: 'ec2', region: 'us-east-1', command: 'EnableEbsEncryptionByDefault', input: {} };
  const base = {
    id: 'test_remediation',
    title: 'Test',
    fixes: ['s3_bucket_public_access_blocked'],
    permissions: ['ec2:EnableEbsEncryptionByDefault'],
  };
  const reversible = defineRemediation({
    ...base,
    risk: 'low',
    undoPermissions: ['ec2:DisableEbsEncryptionByDefault'],
    options: z.object({ reason: z.string().min(1) }),
    before: z.object({ region: z.string() }),
    plan: (_f, _a, options) => ({
      ok: true,
      calls: [sdkCall('ec2', 'ModifyInstanceMetadataOptions', 'us-east-1', { InstanceId: options.reason })],
      before: { region: 'us-east-1' },
    }),
    inverse: (_calls, before) => [sdkCall('ec2', 'DisableEbsEncryptionByDefault', before.region, {})],
  });

  it('when risk is low and approvals are not given, then one approval is needed; when high, two', () => {
    expect(reversible.approvals).toBe(1);
    const high = defineRemediation({
      ...base,
      risk: 'high',
      irreversible: { reason: 'x' },
      plan: () => ({ ok: false, reason: 'n/a' }),
    });
    expect(high.approvals).toBe(2);
  });

  it('when the options are valid, then the plan receives them parsed', () => {
    const result = reversible.plan(aFinding(), anAccount(), { reason: 'asked by security' });
    expect(result).toMatchObject({ ok: true, calls: [{ input: { InstanceId: 'asked by security' } }] });
  });

  it('when the options are invalid, then no plan is made and the reason says why', () => {
    expect(reasonOf(reversible.plan(aFinding(), anAccount(), { reason: '' }))).toMatch(/Invalid options/);
  });

  it('when the finding passes, then there is nothing to plan', () => {
    expect(reasonOf(reversible.plan(aFinding({ status: 'pass' }), anAccount(), { reason: 'x' }))).toMatch(
      /nothing to fix/,
    );
  });

  it('when the finding is from a check the remediation does not fix, then no plan is made', () => {
    const other = aFinding({ checkId: 'iam_root_mfa_enabled', remediationId: null });
    expect(reasonOf(reversible.plan(other, anAccount(), { reason: 'x' }))).toContain('does not fix');
  });

  it('when the finding names the remediation (a mapped Security Hub control), then it applies', () => {
    const mapped = aFinding({ checkId: 'securityhub:S3.8', remediationId: 'test_remediation' });
    expect(reversible.plan(mapped, anAccount(), { reason: 'x' }).ok).toBe(true);
  });

  it('when the snapshot is of another account, then no plan is made', () => {
    expect(reasonOf(reversible.plan(aFinding(), anAccount({ accountId: '222222222222' }), { reason: 'x' }))).toContain(
      '222222222222',
    );
  });

  it('when the stored before state is valid, then the inverse calls are returned', () => {
    expect(reversible.inverse([call], { region: 'eu-west-1' })).toEqual({
      ok: true,
      calls: [{ ...call, region: 'eu-west-1', command: 'DisableEbsEncryptionByDefault' }],
    });
  });

  it('when the stored before state is malformed, then undo is refused rather than guessed', () => {
    expect(reasonOf(reversible.inverse([call], { region: 42 }))).toMatch(/cannot be restored/);
  });

  it('when a remediation is irreversible, then undo is refused with its reason and needs no permissions', () => {
    const oneWay = defineRemediation({
      ...base,
      risk: 'low',
      irreversible: { reason: 'Deleted data cannot be brought back.' },
      plan: () => ({ ok: false, reason: 'n/a' }),
    });
    expect(oneWay.inverse([call], {})).toEqual({ ok: false, reason: 'Deleted data cannot be brought back.' });
    expect(oneWay.undoPermissions).toEqual([]);
    expect(oneWay.irreversible).toEqual({ reason: 'Deleted data cannot be brought back.' });
  });
});
