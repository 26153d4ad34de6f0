import check from '../../../../src/core/checks/kms/kms_key_rotation_enabled';
import { known, missing } from '../../../../src/core/model';
import {
  KEY_ID,
  aKeyMetadata,
  aKmsKey,
  aKmsRegion,
  aNonRotatingKey,
  anAccountWithKms,
  anAlias,
  anAwsManagedKey,
  keyArnOf,
  withKeys,
} from '../../../fixtures/builders/kms';
import { resultFor, run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, REGION, anAccount, denied } from '../../../fixtures/snapshot-builders';

describe('kms_key_rotation_enabled', () => {
  it('when a customer managed symmetric key rotates, then it passes, naming the key by its alias', () => {
    const [result] = run(check, anAccountWithKms());
    expect(result).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsKmsKey', id: KEY_ID, arn: keyArnOf(KEY_ID) },
      region: REGION,
      message: `KMS key alias/app-data (${KEY_ID}) rotates its key material automatically every 365 days.`,
    });
  });

  it('when a customer managed symmetric key does not rotate, then it fails, naming the key', () => {
    const result = resultFor(run(check, withKeys(aNonRotatingKey())), KEY_ID);
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^KMS key alias\/app-data \(1234abcd-[^)]+\) does not rotate its key material/);
    expect(result.evidence).toMatchObject({ rotationEnabled: false, spec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS' });
  });

  it('when no alias names the key, then the message names it by id', () => {
    const account = anAccountWithKms(aKmsRegion({ keys: known([aNonRotatingKey()]), aliases: known([]) }));
    expect(run(check, account)[0]!.message).toMatch(new RegExp(`^KMS key ${KEY_ID} does not rotate`));
  });

  it('when a non-rotating key is a multi-Region replica, then the failure says rotation is set on its primary', () => {
    const primaryArn = keyArnOf('mrk-1234abcd12ab34cd56ef1234567890ab', 'us-west-2');
    const replica = aNonRotatingKey({
      id: 'mrk-1234abcd12ab34cd56ef1234567890ab',
      metadata: known(aKeyMetadata({ multiRegion: { type: 'REPLICA', primaryArn, primaryRegion: 'us-west-2' } })),
    });
    const [result] = run(check, withKeys(replica));
    expect(result!.status).toBe('fail');
    expect(result!.message).toContain(`turned on at its primary key ${primaryArn} (us-west-2)`);
  });

  it.each([
    ['an asymmetric key', aKeyMetadata({ spec: 'RSA_2048', usage: 'SIGN_VERIFY' })],
    ['an HMAC key', aKeyMetadata({ spec: 'HMAC_256', usage: 'GENERATE_VERIFY_MAC' })],
    ['a key with imported key material', aKeyMetadata({ origin: 'EXTERNAL' })],
    ['a key in a CloudHSM key store', aKeyMetadata({ origin: 'AWS_CLOUDHSM' })],
    ['a disabled key', aKeyMetadata({ state: 'Disabled' })],
    ['a key pending deletion', aKeyMetadata({ state: 'PendingDeletion', deletionDate: '2026-01-01T00:00:00.000Z' })],
    ['an AWS managed key found by DescribeKey', aKeyMetadata({ manager: 'AWS' })],
  ])('when the key is %s (it cannot rotate automatically), then it yields no result, neither pass nor fail', (_, m) => {
    expect(run(check, withKeys(aNonRotatingKey({ metadata: known(m), rotation: null })))).toEqual([]);
  });

  it('when an alias/aws/ alias marks a key AWS managed (not described), then it yields no result', () => {
    expect(run(check, withKeys(anAwsManagedKey()))).toEqual([]);
  });

  it('when the key policy refuses DescribeKey, then the key is unknown, saying the key policy must allow it', () => {
    const [result] = run(
      check,
      withKeys(aKmsKey({ metadata: denied('kms:DescribeKey'), rotation: null, policy: null })),
    );
    expect(result).toMatchObject({
      status: 'unknown',
      resource: { id: KEY_ID },
      evidence: { missingPermission: 'kms:DescribeKey', errorKind: 'access-denied' },
    });
    expect(result!.message).toContain('KMS asks the key policy first');
    expect(result!.message).toContain(`arn:aws:iam::${ACCOUNT_ID}:root`);
  });

  it('when GetKeyRotationStatus is refused, then the key is unknown naming kms:GetKeyRotationStatus, not failed', () => {
    const [result] = run(check, withKeys(aKmsKey({ rotation: denied('kms:GetKeyRotationStatus') })));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('kms:GetKeyRotationStatus');
  });

  it('when the rotation status answer was unreadable, then the key is unknown without blaming a permission', () => {
    const malformed = missing({
      service: 'kms',
      operation: 'GetKeyRotationStatus',
      permission: 'kms:GetKeyRotationStatus',
      code: 'MalformedAnswer',
      kind: 'malformed' as const,
      message: 'GetKeyRotationStatus answered without a readable KeyRotationEnabled',
    });
    const [result] = run(check, withKeys(aKmsKey({ rotation: malformed })));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('could not be read');
    expect(result!.evidence).not.toHaveProperty('missingPermission');
  });

  it('when a key that can rotate has no rotation status in the snapshot, then it is unknown, not passed', () => {
    const [result] = run(check, withKeys(aKmsKey({ rotation: null })));
    expect(result).toMatchObject({
      status: 'unknown',
      evidence: { notCollected: expect.stringContaining('rotation') },
    });
  });

  it('when the keys cannot be listed, then the region is unknown, naming kms:ListKeys', () => {
    const results = run(check, anAccountWithKms(aKmsRegion({ keys: denied('kms:ListKeys') })));
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/kms-keys:unknown`]);
    expect(results[0]!.message).toContain('kms:ListKeys');
  });

  it('when the aliases could not be listed, then keys are still judged, named by id', () => {
    const account = anAccountWithKms(
      aKmsRegion({ keys: known([aNonRotatingKey()]), aliases: denied('kms:ListAliases') }),
    );
    expect(run(check, account)).toMatchObject([
      { status: 'fail', message: expect.stringMatching(/^KMS key 1234abcd/) },
    ]);
  });

  it('when a key has two aliases, then the message names both', () => {
    const account = anAccountWithKms(
      aKmsRegion({ aliases: known([anAlias('alias/app-data'), anAlias('alias/app-data-legacy')]) }),
    );
    expect(run(check, account)[0]!.message).toContain('alias/app-data, alias/app-data-legacy');
  });

  it('when a region has no keys, then it yields no results', () => {
    expect(run(check, withKeys())).toEqual([]);
  });

  it('when no kms data was collected, then the check is unknown', () => {
    expect(run(check, anAccount()).map((r) => r.status)).toEqual(['unknown']);
  });
});
