import * as cloudtrailSdk from '@aws-sdk/client-cloudtrail';
import * as ec2Sdk from '@aws-sdk/client-ec2';
import * as iamSdk from '@aws-sdk/client-iam';
import * as s3Sdk from '@aws-sdk/client-s3';
import * as s3controlSdk from '@aws-sdk/client-s3-control';
import * as securityhubSdk from '@aws-sdk/client-securityhub';
import * as rdsSdk from '@aws-sdk/client-rds';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import * as kmsSdk from '@aws-sdk/client-kms';
import * as guarddutySdk from '@aws-sdk/client-guardduty';
import * as accessanalyzerSdk from '@aws-sdk/client-accessanalyzer';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionForOperation } from '../../../src/aws/iam-policy';
import { CHECKS } from '../../../src/core/checks/index';
import { ApiCallSchema, type ApiCall, type ApiService } from '../../../src/core/remediations/define';
import { REMEDIATIONS, getRemediation, remediationsFor } from '../../../src/core/remediations/index';
import { SAMPLES, aFinding, aSecurityHubFinding, planned } from '../../fixtures/remediation-builders';

/** Each service's SDK client package, whose exports include `<command>Command` for every command. */
const SDK: Record<ApiService, Record<string, unknown>> = {
  iam: iamSdk,
  s3: s3Sdk,
  s3control: s3controlSdk,
  ec2: ec2Sdk,
  cloudtrail: cloudtrailSdk,
  securityhub: securityhubSdk,
  rds: rdsSdk,
  lambda: lambdaSdk,
  kms: kmsSdk,
  guardduty: guarddutySdk,
  accessanalyzer: accessanalyzerSdk,
};

/**
 * The IAM action a call needs, as the write policies name it (S3 names actions after subresources,
 * IAM Access Analyzer's prefix is `access-analyzer`): the generator's own mapping, so this test and
 * `cloudsec iam-policy` cannot disagree.
 */
const actionOf = (call: ApiCall) => actionForOperation(call.service, call.command);

/** Plan and inverse calls of every remediation's realistic sample. */
const exercised = REMEDIATIONS.map((r) => {
  const sample = SAMPLES[r.id]?.();
  if (!sample) return { remediation: r, plan: [] as ApiCall[], undo: [] as ApiCall[], before: undefined };
  const result = planned(r.plan(sample.finding, sample.account, sample.options));
  const inverse = r.inverse(result.calls, result.before);
  if (!inverse.ok) throw new Error(`${r.id}: ${inverse.reason}`);
  return { remediation: r, plan: result.calls, undo: inverse.calls, before: result.before };
});

describe('remediation catalog', () => {
  it('when listed, then ids are unique and each equals its file name', () => {
    const ids = REMEDIATIONS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // A remediation file is one whose default export is a definition; the folder also holds the
    // modules remediations share (define, sdk-call, request, …).
    const dir = join(__dirname, '../../../src/core/remediations');
    const files = readdirSync(dir)
      .filter(
        (f) => f.endsWith('.ts') && /^export default defineRemediation\(/m.test(readFileSync(join(dir, f), 'utf8')),
      )
      .map((f) => f.replace(/\.ts$/, ''));
    expect(files.length).toBeGreaterThan(0);
    expect([...ids].sort()).toEqual(files.sort());
  });

  it('when looked up by id, then the same entry is found, and an unknown id finds nothing', () => {
    for (const r of REMEDIATIONS) expect(getRemediation(r.id)).toBe(r);
    expect(getRemediation('no_such_remediation')).toBeUndefined();
  });

  it('when declared, then metadata is complete and permissions are exact IAM actions', () => {
    const action = /^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/;
    for (const r of REMEDIATIONS) {
      expect(r.title.length).toBeGreaterThan(0);
      expect(r.permissions.length).toBeGreaterThan(0);
      for (const p of [...r.permissions, ...r.undoPermissions]) expect(p).toMatch(action);
      if (r.irreversible === null) expect(r.undoPermissions.length).toBeGreaterThan(0);
      if (r.risk === 'high') expect(r.approvals).toBe(2);
      if (r.id !== 'securityhub_update_workflow') expect(r.fixes.length).toBeGreaterThan(0);
    }
  });

  it('when every remediation has a sample, then each sample plans', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(REMEDIATIONS.map((r) => r.id).sort());
    for (const e of exercised) expect(e.plan.length).toBeGreaterThan(0);
  });

  it.each(exercised.map((e) => [e.remediation.id, e] as const))(
    'when %s plans and undoes, then every call is a real command of its SDK client',
    (_id, e) => {
      for (const call of [...e.plan, ...e.undo]) {
        expect(ApiCallSchema.parse(call)).toEqual(call);
        expect(typeof SDK[call.service][`${call.command}Command`]).toBe('function');
      }
    },
  );

  it.each(exercised.map((e) => [e.remediation.id, e] as const))(
    'when %s plans and undoes, then each call needs only declared permissions',
    (_id, e) => {
      for (const call of e.plan) expect(e.remediation.permissions).toContain(actionOf(call));
      for (const call of e.undo) expect(e.remediation.undoPermissions).toContain(actionOf(call));
    },
  );

  it.each(exercised.map((e) => [e.remediation.id, e] as const))(
    'when the before state of %s is stored as JSON and read back, then undo is unchanged',
    (_id, e) => {
      const stored = JSON.parse(JSON.stringify(e.before));
      expect(e.remediation.inverse(e.plan, stored)).toEqual({ ok: true, calls: e.undo });
    },
  );

  it('when a call binds a value, then an earlier call of the same plan looks it up', () => {
    for (const e of exercised) {
      for (const calls of [e.plan, e.undo]) {
        calls.forEach((call, i) => {
          const earlier = new Set(calls.slice(0, i).flatMap((c) => (c.lookup ? [c.lookup.as] : [])));
          for (const name of Object.values(call.bind ?? {})) expect(earlier.has(name)).toBe(true);
        });
      }
    }
  });

  it('when a registered check names a remediation, then it exists and lists the check in fixes', () => {
    for (const check of CHECKS.filter((c) => c.remediation !== null)) {
      const remediation = getRemediation(check.remediation!);
      expect(remediation?.fixes).toContain(check.id);
    }
  });

  it('when a finding fails, then the remediation it names is offered first, and passing findings get none', () => {
    const finding = aFinding({ checkId: 's3_bucket_public_access_blocked', remediationId: 's3_block_public_access' });
    expect(remediationsFor(finding).map((r) => r.id)).toEqual(['s3_block_public_access']);
    expect(remediationsFor({ ...finding, status: 'pass' })).toEqual([]);
  });

  it('when a Security Hub finding maps to a remediation, then the workflow update is offered after it', () => {
    expect(remediationsFor(aSecurityHubFinding()).map((r) => r.id)).toEqual([
      's3_block_public_access',
      'securityhub_update_workflow',
    ]);
  });
});
