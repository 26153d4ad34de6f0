import { GLOBAL_REGION } from '../../../src/core/model';
import { REMEDIATIONS } from '../../../src/core/remediations';
import { ApiCallSchema, bindLookups, defineRemediation } from '../../../src/core/remediations/define';
import { sdkCall, sdkCallWithLookups, sdkLookup } from '../../../src/core/remediations/sdk-call';
import { SAMPLES } from '../../fixtures/remediation-builders';

/**
 * The `@ts-expect-error` lines below are the type tests: `npm run typecheck` (tsconfig.json includes
 * test/) fails if any of them compiles, since an unused `@ts-expect-error` is itself an error. Jest
 * only transpiles, so at run time these lines just build calls, and the assertions check the stored
 * shape the executor receives.
 */

const KEY = { kind: 'iamAccessKey', userName: 'alice', keyNumber: 1, createdAt: '2026-01-10T08:30:15Z' } as const;

describe('typed plan calls', () => {
  it('when a plan misspells an input field, then it does not compile', () => {
    const call = sdkCall('s3', 'PutPublicAccessBlock', 'eu-west-1', {
      Bucket: 'b',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        // @ts-expect-error BlockPublicPolcy is not a field of PublicAccessBlockConfiguration
        BlockPublicPolcy: true,
      },
    });
    expect(call.command).toBe('PutPublicAccessBlock');
  });

  it('when a plan misspells a top-level field, leaves out a required one or sends the wrong type, then it does not compile', () => {
    // @ts-expect-error MinimumPaswordLength is not a field of UpdateAccountPasswordPolicyCommandInput
    sdkCall('iam', 'UpdateAccountPasswordPolicy', GLOBAL_REGION, { MinimumPaswordLength: 14 });
    // @ts-expect-error Name (the trail) is required by StartLoggingCommandInput
    sdkCall('cloudtrail', 'StartLogging', 'eu-west-1', {});
    // @ts-expect-error HttpTokens takes 'required' or 'optional', not a boolean
    sdkCall('ec2', 'ModifyInstanceMetadataOptions', 'eu-west-1', { InstanceId: 'i-1', HttpTokens: true });
    // @ts-expect-error the same field name under another command's input: s3control needs AccountId, not Bucket
    sdkCall('s3control', 'DeletePublicAccessBlock', GLOBAL_REGION, { Bucket: 'b' });
  });

  it('when a plan names an operation the SDK does not have, or one not in the plan list, then it does not compile', () => {
    // @ts-expect-error no such EC2 operation
    sdkCall('ec2', 'RevokeSecurityGroupIngres', 'eu-west-1', { GroupId: 'sg-1' });
    // @ts-expect-error a real S3 operation, but not one a plan may send (sdk-call.ts PlanOperations)
    sdkCall('s3', 'DeleteBucket', 'eu-west-1', { Bucket: 'b' });
  });

  it('when a lookup is not a read, or binds a field that does not take a string, then it does not compile', () => {
    const lookup = { as: 'k', select: KEY };
    const update = { AccessKeyId: 'AKIA', Status: 'Inactive' } as const;
    // @ts-expect-error lookups run in dry-run mode too, so only Get/List/Describe operations may be lookups
    sdkLookup('iam', 'UpdateAccessKey', GLOBAL_REGION, update, lookup);
    const withoutStatus = { UserName: 'alice', AccessKeyId: 'AKIA' };
    // @ts-expect-error Status takes 'Active' | 'Inactive' | 'Expired', so a looked-up string cannot fill it
    sdkCallWithLookups('iam', 'UpdateAccessKey', GLOBAL_REGION, withoutStatus, { Status: 'k' });
    // @ts-expect-error AccessKeyId is required, and only a field named in `bind` may be left out
    sdkCallWithLookups('iam', 'UpdateAccessKey', GLOBAL_REGION, { Status: 'Inactive' }, { UserName: 'k' });
  });

  it('when a remediation spec returns a call not built by the helpers, then it does not compile', () => {
    defineRemediation({
      id: 'untyped',
      title: 'Untyped',
      fixes: [],
      risk: 'low',
      permissions: [],
      irreversible: { reason: 'test' },
      plan: () => ({
        ok: true,
        // @ts-expect-error a literal ApiCall skips the SDK type check, so a spec cannot return one
        calls: [{ service: 's3', region: 'eu-west-1', command: 'PutPublicAccessBlock', input: { Bucket: 'b' } }],
        before: null,
      }),
    });
  });

  it('when a call is built, then it is the stored ApiCall shape, in order service, region, command, input', () => {
    const call = sdkCall('cloudtrail', 'StartLogging', 'eu-west-1', { Name: 'arn:aws:cloudtrail:eu-west-1:1:trail/t' });
    expect(call).toEqual({
      service: 'cloudtrail',
      region: 'eu-west-1',
      command: 'StartLogging',
      input: { Name: 'arn:aws:cloudtrail:eu-west-1:1:trail/t' },
    });
    expect(Object.keys(call)).toEqual(['service', 'region', 'command', 'input']);
    expect(ApiCallSchema.parse(call)).toEqual(call);
  });

  it('when a call binds a lookup, then the executor’s binding fills the field the typed input left out', () => {
    const lookup = sdkLookup('iam', 'ListAccessKeys', GLOBAL_REGION, { UserName: 'alice' }, { as: 'k', select: KEY });
    const update = sdkCallWithLookups(
      'iam',
      'UpdateAccessKey',
      GLOBAL_REGION,
      { UserName: 'alice', Status: 'Inactive' },
      { AccessKeyId: 'k' },
    );
    expect(ApiCallSchema.parse(lookup).lookup).toEqual({ as: 'k', select: KEY });
    expect(bindLookups(ApiCallSchema.parse(update), { k: 'AKIAEXAMPLE' })).toEqual({
      ok: true,
      value: { ...update, input: { UserName: 'alice', Status: 'Inactive', AccessKeyId: 'AKIAEXAMPLE' } },
    });
  });

  it.each(REMEDIATIONS.map((r) => [r.id, r] as const))(
    'when %s plans and inverts its sample, then every call is a valid stored ApiCall',
    (id, remediation) => {
      const sample = SAMPLES[id]?.();
      if (!sample) throw new Error(`no sample for ${id}`);
      const planned = remediation.plan(sample.finding, sample.account, sample.options);
      if (!planned.ok) throw new Error(`${id} did not plan: ${planned.reason}`);
      const inverse = remediation.inverse(planned.calls, planned.before);
      const calls = [...planned.calls, ...(inverse.ok ? inverse.calls : [])];
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) expect(ApiCallSchema.safeParse(call).success).toBe(true);
    },
  );
});
