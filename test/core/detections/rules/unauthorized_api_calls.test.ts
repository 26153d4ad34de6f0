import unauthorizedApiCalls from '../../../../src/core/detections/rules/unauthorized_api_calls';
import { matched, record, run, setAt } from './cis-fixtures';

describe('unauthorized_api_calls (CIS 4.1)', () => {
  it('when an IAM user is refused, then a counted match keyed on that user', () => {
    const m = matched(unauthorizedApiCalls, record('iam-listusers-access-denied'));
    expect(m.summary).toBe('IAM user `Alice` was refused `iam:ListUsers` (AccessDenied)');
    expect(m.resource).toEqual({
      type: 'AwsIamUser',
      id: 'Alice',
      arn: 'arn:aws:iam::123456789012:user/Alice',
      region: 'global',
    });
    expect(m.dedupSuffix).toBe('arn:aws:iam::123456789012:user/Alice');
    expect(m.details?.[0]).toMatch(/^AWS said: User: arn:aws:iam::123456789012:user\/Alice is not authorized/);
    expect(unauthorizedApiCalls.counting).toEqual({ threshold: 10, windowMinutes: 5 });
    expect(unauthorizedApiCalls.matchesFailedCalls).toBe(true);
  });

  it('when EC2 answers Client.UnauthorizedOperation to a role session, then it counts against the role, not the session', () => {
    const m = matched(unauthorizedApiCalls, record('ec2-runinstances-unauthorized'));
    expect(m.summary).toBe('role `DeployRole` was refused `ec2:RunInstances` (Client.UnauthorizedOperation)');
    expect(m.resource).toEqual({
      type: 'AwsIamRole',
      id: 'DeployRole',
      arn: 'arn:aws:iam::123456789012:role/DeployRole',
      region: 'global',
    });
    expect(m.dedupSuffix).toBe('arn:aws:iam::123456789012:role/DeployRole');
  });

  it('when a caller from another account is refused, then the key is its role in that account', () => {
    const m = matched(unauthorizedApiCalls, record('s3-cross-account-access-denied'));
    expect(m.dedupSuffix).toBe('arn:aws:iam::444455556666:role/Auditor');
  });

  it('when the refusal is a HeadBucket probe or S3 log delivery (the benchmark’s exclusions), then nothing', () => {
    expect(run(unauthorizedApiCalls, record('s3-headbucket-access-denied'))).toBeNull();
    const delivery = record('s3-cross-account-access-denied', (raw) =>
      setAt(raw, 'sourceIPAddress', 'delivery.logs.amazonaws.com'),
    );
    expect(run(unauthorizedApiCalls, delivery)).toBeNull();
  });

  it.each(['AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation'])(
    'when the error code is %s, then it counts',
    (code) => {
      const r = record('iam-listusers-access-denied', (raw) => setAt(raw, 'errorCode', code));
      expect(run(unauthorizedApiCalls, r)).not.toBeNull();
    },
  );

  it.each(['ThrottlingException', 'NoSuchEntity', 'ValidationException'])(
    'when the call failed for another reason (%s), then nothing',
    (code) => {
      expect(
        run(
          unauthorizedApiCalls,
          record('iam-listusers-access-denied', (raw) => setAt(raw, 'errorCode', code)),
        ),
      ).toBeNull();
    },
  );

  it('when the call succeeded, then nothing', () => {
    expect(run(unauthorizedApiCalls, record('iam-put-user-policy'))).toBeNull();
  });

  it('when the caller is not identified, then it still counts, keyed on what the record holds', () => {
    const r = record('iam-listusers-access-denied', (raw) => {
      raw['userIdentity'] = { type: 'Unknown', principalId: 'AIDAUNKNOWNEXAMPLE', accountId: '123456789012' };
    });
    const m = matched(unauthorizedApiCalls, r);
    expect(m.dedupSuffix).toBe('AIDAUNKNOWNEXAMPLE');
    expect(m.resource.type).toBe('AwsAccount');
  });
});
