import consoleSigninFailures from '../../../../src/core/detections/rules/console_signin_failures';
import consoleSigninWithoutMfa from '../../../../src/core/detections/rules/console_signin_without_mfa';
import rootActivity from '../../../../src/core/detections/rules/root_activity';
import { matched, record, refused, run, setAt } from './cis-fixtures';

describe('console_signin_without_mfa (CIS 4.2)', () => {
  it('when an IAM user signs in with a password alone, then it alerts on that user', () => {
    const m = matched(consoleSigninWithoutMfa, record('consolelogin-iam-user-no-mfa'));
    expect(m.summary).toBe('IAM user `Alice` signed in to the console without MFA');
    expect(m.resource).toEqual({
      type: 'AwsIamUser',
      id: 'Alice',
      arn: 'arn:aws:iam::123456789012:user/Alice',
      region: 'global',
    });
    expect(m.dedupSuffix).toBe('arn:aws:iam::123456789012:user/Alice');
  });

  it('when the IAM user used MFA, then nothing', () => {
    expect(run(consoleSigninWithoutMfa, record('consolelogin-iam-user-mfa'))).toBeNull();
  });

  it.each(['consolelogin-sso', 'consolelogin-saml'])(
    'when %s signs in (MFA is the identity provider’s; CloudTrail says MFAUsed: No), then it is not a sign-in without MFA',
    (name) => {
      const r = record(name);
      expect(r.additionalEventData?.['MFAUsed']).toBe('No');
      expect(run(consoleSigninWithoutMfa, r)).toBeNull();
    },
  );

  it('when the root user signs in, then this rule leaves it to root_activity', () => {
    expect(run(consoleSigninWithoutMfa, record('consolelogin-root-no-mfa'))).toBeNull();
  });

  it('when the sign-in failed, then nothing (console_signin_failures counts those)', () => {
    expect(run(consoleSigninWithoutMfa, record('consolelogin-iam-user-failure'))).toBeNull();
  });

  it('when the record does not say whether MFA was used, then it alerts that MFA could not be confirmed', () => {
    const m = matched(
      consoleSigninWithoutMfa,
      record('consolelogin-iam-user-no-mfa', (raw) => setAt(raw, 'additionalEventData.MFAUsed', undefined)),
    );
    expect(m.summary).toBe('IAM user `Alice` signed in to the console and CloudTrail did not say whether MFA was used');
    expect(m.details).toEqual([expect.stringContaining('could not confirm MFA')]);
  });

  it('when MFAUsed holds an unexpected value, then it is not read as MFA', () => {
    const m = matched(
      consoleSigninWithoutMfa,
      record('consolelogin-iam-user-no-mfa', (raw) => setAt(raw, 'additionalEventData.MFAUsed', 'yes please')),
    );
    expect(m.details?.join(' ')).toContain('not Yes or No');
  });

  it('when the outcome and the user name are missing, then it still alerts and says what it could not read', () => {
    const m = matched(
      consoleSigninWithoutMfa,
      record('consolelogin-iam-user-no-mfa', (raw) => {
        raw['responseElements'] = null;
        setAt(raw, 'userIdentity.userName', undefined);
      }),
    );
    expect(m.summary).toBe('an IAM user the record does not name signed in to the console without MFA');
    expect(m.resource.id).toBe('AIDAJ45Q7YFFAREXAMPLE');
    expect(m.details).toEqual([
      expect.stringContaining('did not record whether the sign-in succeeded'),
      expect.stringContaining('userIdentity.userName'),
    ]);
  });
});

describe('console_signin_failures (CIS 4.6)', () => {
  it('when an IAM user fails to sign in, then a counted match keyed on the source address', () => {
    const m = matched(consoleSigninFailures, record('consolelogin-iam-user-failure'));
    expect(m.summary).toBe('console sign-in failed for IAM user `Alice` from 198.51.100.23');
    expect(m.resource).toEqual({ type: 'AwsIamUser', id: 'Alice', arn: null, region: 'global' });
    expect(m.dedupSuffix).toBe('ip:198.51.100.23');
    expect(m.details).toEqual(['AWS said: Failed authentication']);
    expect(consoleSigninFailures.counting).toEqual({ threshold: 5, windowMinutes: 15 });
  });

  it('when the user name does not exist (CloudTrail hides it), then the account is the resource and the words say so', () => {
    const m = matched(consoleSigninFailures, record('consolelogin-unknown-user-failure'));
    expect(m.summary).toContain('a user name that does not exist in the account');
    expect(m.resource).toEqual({ type: 'AwsAccount', id: '123456789012', arn: null, region: 'global' });
  });

  it('when the root user fails to sign in, then it is counted as the root user', () => {
    const m = matched(consoleSigninFailures, record('consolelogin-root-failure'));
    expect(m.summary).toBe('console sign-in failed for the root user from 198.51.100.23');
  });

  it('when the source address is missing, then failures are keyed on the user and the card says why', () => {
    const m = matched(
      consoleSigninFailures,
      record('consolelogin-iam-user-failure', (raw) => setAt(raw, 'sourceIPAddress', undefined)),
    );
    expect(m.dedupSuffix).toBe('user:Alice');
    expect(m.details).toContainEqual(expect.stringContaining('sourceIPAddress'));
  });

  it.each(['consolelogin-iam-user-no-mfa', 'consolelogin-sso', 'consolelogin-root-no-mfa'])(
    'when %s succeeded, then it is not a failure',
    (name) => expect(run(consoleSigninFailures, record(name))).toBeNull(),
  );
});

describe('root_activity (CIS 4.3)', () => {
  it('when the root user calls an API, then a high alert on the account, one per hour', () => {
    const m = matched(rootActivity, record('root-s3-createbucket'));
    expect(m.summary).toBe('the root user called `s3:CreateBucket`');
    expect(m.resource).toEqual({ type: 'AwsAccount', id: '123456789012', arn: null, region: 'global' });
    expect(m.details).toEqual(['Region: eu-west-1', 'From: 203.0.113.10']);
    expect(m.dedupSuffix).toBe('root');
    expect(rootActivity.severity).toBe('high');
    expect(rootActivity.dedupWindowMinutes).toBe(60);
  });

  it('when the root user signs in without MFA, then it is critical and gets its own dedup key', () => {
    const m = matched(rootActivity, record('consolelogin-root-no-mfa'));
    expect(m.summary).toBe('the root user signed in to the console without MFA');
    expect(m.severity).toBe('critical');
    expect(m.dedupSuffix).toBe('root-signin-without-mfa');
  });

  it('when the root sign-in does not say whether MFA was used, then it says MFA could not be confirmed', () => {
    const m = matched(
      rootActivity,
      record('consolelogin-root-no-mfa', (raw) => setAt(raw, 'additionalEventData', null)),
    );
    expect(m.summary).toContain('CloudTrail did not say whether MFA was used');
    expect(m.severity).toBeUndefined();
  });

  it('when AWS refused a root call, then it still alerts (someone holds root credentials) and says it was refused', () => {
    const m = matched(rootActivity, record('root-s3-createbucket', refused));
    expect(m.summary).toBe('the root user tried `s3:CreateBucket`; AWS refused it (AccessDenied)');
  });

  it.each([
    ['a call an AWS service made for the account (invokedBy)', 'root-invoked-by-service'],
    ['an AwsServiceEvent', 'root-service-event'],
    ['a failed root sign-in (counted by console_signin_failures)', 'consolelogin-root-failure'],
    ['an IAM user', 'iam-put-user-policy'],
    ['an SSO session', 'iam-attach-role-policy'],
  ])('when the record is %s, then nothing', (_what, name) => {
    expect(run(rootActivity, record(name))).toBeNull();
  });
});
