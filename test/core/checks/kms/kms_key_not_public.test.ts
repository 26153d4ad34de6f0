import check from '../../../../src/core/checks/kms/kms_key_not_public';
import { known } from '../../../../src/core/model';
import {
  KEY_ID,
  aKeyMetadata,
  aKeyPolicy,
  aKmsKey,
  aKmsRegion,
  anAccountWithKms,
  anAwsManagedKey,
  publicDecrypt,
  rootStatement,
  withKeys,
} from '../../../fixtures/builders/kms';
import { run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, REGION, anAccount, denied } from '../../../fixtures/snapshot-builders';

const withPolicy = (...statements: unknown[]) => withKeys(aKmsKey({ policy: known(aKeyPolicy(...statements)) }));

describe('kms_key_not_public', () => {
  it("when the key policy is KMS's default (the account, through IAM), then it passes", () => {
    const [result] = run(check, anAccountWithKms());
    expect(result).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsKmsKey', id: KEY_ID },
      region: REGION,
      message: expect.stringContaining(`The key policy of KMS key alias/app-data (${KEY_ID}) does not let anyone in.`),
    });
  });

  it('when the key policy lets anyone decrypt, then it fails, naming the statement and the action', () => {
    const [result] = run(check, withPolicy(rootStatement(), publicDecrypt));
    expect(result!.status).toBe('fail');
    expect(result!.message).toContain(`KMS key alias/app-data (${KEY_ID}) is public`);
    expect(result!.message).toContain("statement 'AllowAnyoneToDecrypt'");
    expect(result!.message).toContain('kms:Decrypt');
    expect(result!.evidence).toMatchObject({ publicStatements: ['AllowAnyoneToDecrypt'], keyState: 'Enabled' });
  });

  it('when anyone may decrypt but only callers of the account (kms:CallerAccount), then it passes', () => {
    const scoped = {
      ...publicDecrypt,
      Condition: {
        StringEquals: { 'kms:CallerAccount': ACCOUNT_ID, 'kms:ViaService': `s3.${REGION}.amazonaws.com` },
      },
    };
    expect(statuses(run(check, withPolicy(rootStatement(), scoped)))).toEqual([`${KEY_ID}:pass`]);
  });

  it('when the only condition is kms:ViaService (any account can call through that service), then it fails', () => {
    const viaOnly = {
      ...publicDecrypt,
      Condition: { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } },
    };
    expect(statuses(run(check, withPolicy(rootStatement(), viaOnly)))).toEqual([`${KEY_ID}:fail`]);
  });

  it('when another account is granted by name, then it passes: shared, not public, and the evidence says with whom', () => {
    const partner = {
      Sid: 'AllowPartner',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: 'kms:Decrypt',
      Resource: '*',
    };
    const [result] = run(check, withPolicy(rootStatement(), partner));
    expect(result).toMatchObject({ status: 'pass', evidence: { sharedWith: ['444455556666'] } });
  });

  it('when a public key is pending deletion, then it still fails, saying the deletion can be cancelled', () => {
    const key = aKmsKey({
      metadata: known(aKeyMetadata({ state: 'PendingDeletion', deletionDate: '2026-01-15T00:00:00.000Z' })),
      rotation: null,
      policy: known(aKeyPolicy(rootStatement(), publicDecrypt)),
    });
    const [result] = run(check, withKeys(key));
    expect(result!.status).toBe('fail');
    expect(result!.message).toContain('pending deletion (on 2026-01-15)');
  });

  it('when the key is asymmetric, then its policy is judged too', () => {
    const key = aKmsKey({
      metadata: known(aKeyMetadata({ spec: 'RSA_2048', usage: 'SIGN_VERIFY' })),
      rotation: null,
      policy: known(aKeyPolicy(rootStatement(), { ...publicDecrypt, Action: 'kms:Sign' })),
    });
    expect(statuses(run(check, withKeys(key)))).toEqual([`${KEY_ID}:fail`]);
  });

  it('when the key is AWS managed, then it yields no result (AWS writes that policy)', () => {
    const described = aKmsKey({ metadata: known(aKeyMetadata({ manager: 'AWS' })), rotation: null, policy: null });
    expect(run(check, withKeys(anAwsManagedKey(), described))).toEqual([]);
  });

  it('when the key policy refuses GetKeyPolicy, then the key is unknown, saying the key policy must allow it', () => {
    const [result] = run(check, withKeys(aKmsKey({ policy: denied('kms:GetKeyPolicy') })));
    expect(result).toMatchObject({ status: 'unknown', evidence: { missingPermission: 'kms:GetKeyPolicy' } });
    expect(result!.message).toContain('KMS asks the key policy first');
  });

  it('when DescribeKey was refused, then the key is unknown naming kms:DescribeKey', () => {
    const [result] = run(
      check,
      withKeys(aKmsKey({ metadata: denied('kms:DescribeKey'), rotation: null, policy: null })),
    );
    expect(result).toMatchObject({ status: 'unknown', evidence: { missingPermission: 'kms:DescribeKey' } });
  });

  it('when the stored key policy is not a policy, then the key is unknown saying why, never passed', () => {
    const [result] = run(check, withKeys(aKmsKey({ policy: known({ Statement: [{ Effect: 'Maybe' }] }) })));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toMatch(
      /Could not check whether KMS key .* is public: the key policy is not a policy document/,
    );
    expect(result!.evidence).toMatchObject({ errorKind: 'malformed', operation: 'GetKeyPolicy' });
  });

  it('when a customer key has no key policy in the snapshot, then it is unknown, not passed', () => {
    const [result] = run(check, withKeys(aKmsKey({ policy: null })));
    expect(result).toMatchObject({
      status: 'unknown',
      evidence: { notCollected: expect.stringContaining('key policy') },
    });
  });

  it('when the keys cannot be listed, then the region is unknown, naming kms:ListKeys', () => {
    const results = run(check, anAccountWithKms(aKmsRegion({ keys: denied('kms:ListKeys') })));
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/kms-keys:unknown`]);
  });

  it('when no kms data was collected, then the check is unknown', () => {
    expect(run(check, anAccount()).map((r) => r.status)).toEqual(['unknown']);
  });
});
