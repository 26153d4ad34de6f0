import check from '../../../../src/core/checks/secretsmanager/secretsmanager_secret_not_public';
import { known, missing } from '../../../../src/core/model';
import {
  aSecret,
  aSecretPolicy,
  aSecretsManagerRegion,
  anAccountWithSecrets,
  publicGetSecretValue,
  secretArnOf,
  withSecrets,
} from '../../../fixtures/builders/secretsmanager';
import { resultFor, run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, REGION, anAccount, denied } from '../../../fixtures/snapshot-builders';

const withPolicy = (...statements: unknown[]) =>
  withSecrets(aSecret({ name: 'legacy/api-token', policy: known(aSecretPolicy(...statements)) }));

describe('secretsmanager_secret_not_public', () => {
  it('when a secret has no resource policy, then it passes', () => {
    const [result] = run(check, anAccountWithSecrets());
    expect(result).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsSecretsManagerSecret', id: 'prod/orders/db', arn: secretArnOf('prod/orders/db') },
      region: REGION,
      message: 'Secrets Manager secret prod/orders/db has no secret policy, so no policy lets anyone in.',
    });
  });

  it('when the resource policy lets anyone read the value, then it fails, naming the statement', () => {
    const result = resultFor(run(check, withPolicy(publicGetSecretValue)), 'legacy/api-token');
    expect(result.status).toBe('fail');
    expect(result.message).toContain(
      "Secrets Manager secret legacy/api-token is public: statement 'AllowAnyoneToRead'",
    );
    expect(result.message).toContain('secretsmanager:GetSecretValue');
    expect(result.evidence).toMatchObject({ publicStatements: ['AllowAnyoneToRead'], includesWrite: false });
  });

  it('when anyone may overwrite the secret, then the failure says it includes changing it', () => {
    const write = { ...publicGetSecretValue, Sid: 'AnyoneMayWrite', Action: 'secretsmanager:PutSecretValue' };
    const [result] = run(check, withPolicy(write));
    expect(result).toMatchObject({ status: 'fail', evidence: { includesWrite: true } });
  });

  it('when anyone may read but only from the organization (aws:PrincipalOrgID), then it passes', () => {
    const orgOnly = { ...publicGetSecretValue, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } };
    expect(statuses(run(check, withPolicy(orgOnly)))).toEqual(['legacy/api-token:pass']);
  });

  it('when the condition only requires TLS (aws:SecureTransport), then it still fails', () => {
    const tlsOnly = { ...publicGetSecretValue, Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
    expect(statuses(run(check, withPolicy(tlsOnly)))).toEqual(['legacy/api-token:fail']);
  });

  it('when a role of the account is granted by name, then it passes', () => {
    const role = { ...publicGetSecretValue, Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:role/deploy` } };
    expect(statuses(run(check, withPolicy(role)))).toEqual(['legacy/api-token:pass']);
  });

  it('when a service manages the secret, then the evidence says which', () => {
    const [result] = run(check, withSecrets(aSecret({ owningService: 'rds' })));
    expect(result!.evidence).toMatchObject({ owningService: 'rds' });
  });

  it('when GetResourcePolicy was refused, then the secret is unknown naming the permission, not passed', () => {
    const [result] = run(check, withSecrets(aSecret({ policy: denied('secretsmanager:GetResourcePolicy') })));
    expect(result).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'secretsmanager:GetResourcePolicy' },
    });
  });

  it('when the answer could not be read, then the secret is unknown, not without a policy', () => {
    const malformed = missing({
      service: 'secretsmanager',
      operation: 'GetResourcePolicy',
      permission: 'secretsmanager:GetResourcePolicy',
      code: 'MalformedAnswer',
      kind: 'malformed' as const,
      message: 'GetResourcePolicy answered without a readable ARN',
    });
    expect(statuses(run(check, withSecrets(aSecret({ policy: malformed }))))).toEqual(['prod/orders/db:unknown']);
  });

  it('when the stored policy is not a policy, then the secret is unknown saying why', () => {
    const [result] = run(check, withSecrets(aSecret({ policy: known({ Statement: [] }) })));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('the secret policy is not a policy document');
  });

  it('when the secrets cannot be listed, then the region is unknown, naming secretsmanager:ListSecrets', () => {
    const results = run(
      check,
      anAccountWithSecrets(aSecretsManagerRegion({ secrets: denied('secretsmanager:ListSecrets') })),
    );
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/secretsmanager-secrets:unknown`]);
    expect(results[0]!.message).toContain('secretsmanager:ListSecrets');
  });

  it('when a region has no secrets, then it yields no results', () => {
    expect(run(check, withSecrets())).toEqual([]);
  });

  it('when no secretsmanager data was collected, then the check is unknown', () => {
    expect(run(check, anAccount()).map((r) => r.status)).toEqual(['unknown']);
  });
});
