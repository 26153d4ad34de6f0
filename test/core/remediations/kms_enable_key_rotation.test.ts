import { known } from '../../../src/core/model';
import { getRemediation } from '../../../src/core/remediations';
import remediation from '../../../src/core/remediations/kms_enable_key_rotation';
import {
  KEY_ID,
  aKeyMetadata,
  aKmsKey,
  aKmsRegion,
  aNonRotatingKey,
  anAccountWithKms,
  keyArnOf,
  withKeys,
} from '../../fixtures/builders/kms';
import { SAMPLES, planned, reasonOf } from '../../fixtures/remediation-builders';
import { ACCOUNT_ID, REGION, denied } from '../../fixtures/snapshot-builders';

const { finding, account } = SAMPLES.kms_enable_key_rotation!();
const ARN = keyArnOf(KEY_ID);

describe('kms_enable_key_rotation', () => {
  it('when a key does not rotate, then the plan turns automatic rotation on for that key, by ARN', () => {
    const result = planned(remediation.plan(finding, account));
    expect(result.calls).toEqual([
      { service: 'kms', region: REGION, command: 'EnableKeyRotation', input: { KeyId: ARN } },
    ]);
    expect(result.before).toEqual({ keyArn: ARN, region: REGION, rotationEnabled: false });
  });

  it('when planned, then the approvers are told the key policy must let the write role in', () => {
    const notes = planned(remediation.plan(finding, account)).notes ?? [];
    expect(notes.join(' ')).toContain(`arn:aws:iam::${ACCOUNT_ID}:root`);
    expect(notes.join(' ')).toContain('kms:EnableKeyRotation');
  });

  it('when undone, then rotation is turned off again on the same key', () => {
    const result = planned(remediation.plan(finding, account));
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 'kms', region: REGION, command: 'DisableKeyRotation', input: { KeyId: ARN } }],
    });
  });

  it('is low risk with one approver, and needs only kms:EnableKeyRotation (undo: kms:DisableKeyRotation)', () => {
    expect(getRemediation('kms_enable_key_rotation')).toMatchObject({
      risk: 'low',
      approvals: 1,
      permissions: ['kms:EnableKeyRotation'],
      undoPermissions: ['kms:DisableKeyRotation'],
    });
  });

  it('when the key is a multi-Region replica, then the call goes to its primary key in the primary region', () => {
    const mrk = 'mrk-1234abcd12ab34cd56ef1234567890ab';
    const primaryArn = keyArnOf(mrk, 'us-west-2');
    const replica = aNonRotatingKey({
      id: mrk,
      arn: keyArnOf(mrk),
      metadata: known(aKeyMetadata({ multiRegion: { type: 'REPLICA', primaryArn, primaryRegion: 'us-west-2' } })),
    });
    const replicaFinding = { ...finding, resource: { type: 'AwsKmsKey', id: mrk, arn: keyArnOf(mrk) } };
    const result = planned(remediation.plan(replicaFinding, withKeys(replica)));
    expect(result.calls).toEqual([
      { service: 'kms', region: 'us-west-2', command: 'EnableKeyRotation', input: { KeyId: primaryArn } },
    ]);
    expect(remediation.inverse(result.calls, result.before)).toMatchObject({
      ok: true,
      calls: [{ region: 'us-west-2', command: 'DisableKeyRotation', input: { KeyId: primaryArn } }],
    });
  });

  it('when the finding comes from Security Hub (KMS.4, named by ARN), then the key is found', () => {
    const fromHub = { ...finding, resource: { type: 'AwsKmsKey', id: ARN, arn: ARN } };
    expect(planned(remediation.plan(fromHub, account)).calls[0]!.input).toEqual({ KeyId: ARN });
  });

  it('when the key already rotates, then there is nothing to do', () => {
    expect(reasonOf(remediation.plan(finding, withKeys(aKmsKey())))).toMatch(/already rotates/);
  });

  it('when the key cannot rotate automatically (asymmetric), then no plan is made', () => {
    const asymmetric = aNonRotatingKey({ metadata: known(aKeyMetadata({ spec: 'RSA_2048' })) });
    expect(reasonOf(remediation.plan(finding, withKeys(asymmetric)))).toMatch(/cannot rotate automatically/);
  });

  it('when the key is disabled, then no plan is made (KMS refuses rotation changes on a disabled key)', () => {
    const disabled = aNonRotatingKey({ metadata: known(aKeyMetadata({ state: 'Disabled' })) });
    expect(reasonOf(remediation.plan(finding, withKeys(disabled)))).toContain('Disabled');
  });

  it('when the rotation status is unknown, then no plan is made, naming the permission', () => {
    const unknownRotation = aKmsKey({ rotation: denied('kms:GetKeyRotationStatus') });
    expect(reasonOf(remediation.plan(finding, withKeys(unknownRotation)))).toContain('kms:GetKeyRotationStatus');
  });

  it('when the key metadata is unknown, then no plan is made, naming the permission', () => {
    const locked = aKmsKey({ metadata: denied('kms:DescribeKey'), rotation: null, policy: null });
    expect(reasonOf(remediation.plan(finding, withKeys(locked)))).toContain('kms:DescribeKey');
  });

  it('when the key is gone from the snapshot, then no plan is made, naming it', () => {
    const other = aNonRotatingKey({
      id: 'ffffffff-0000-4000-8000-000000000000',
      arn: keyArnOf('ffffffff-0000-4000-8000-000000000000'),
    });
    expect(reasonOf(remediation.plan(finding, withKeys(other)))).toContain(KEY_ID);
  });

  it('when the keys could not be listed, then no plan is made, naming the permission', () => {
    const refused = anAccountWithKms(aKmsRegion({ keys: denied('kms:ListKeys') }));
    expect(reasonOf(remediation.plan(finding, refused))).toContain('kms:ListKeys');
  });

  it('when the snapshot has no kms data for the region, then no plan is made', () => {
    expect(reasonOf(remediation.plan({ ...finding, region: 'eu-west-3' }, account))).toContain('eu-west-3');
  });
});
