import { describeActor } from '../../../src/core/detections/actor';
import { record, setAt } from './rules/cis-fixtures';

/** An SSO permission-set session's context: its issuer is AWS's role under /aws-reserved/sso.amazonaws.com/. */
const SSO_CONTEXT = {
  sessionIssuer: {
    type: 'Role',
    principalId: 'AROAXYKJUXCU7M4FXD7ZZ',
    arn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef',
    accountId: '123456789012',
    userName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
  },
  webIdFederationData: {},
  attributes: { creationDate: '2024-05-06T08:55:10Z', mfaAuthenticated: 'false' },
};

/** describeActor over the CIS fixtures, one per kind of caller CloudTrail documents. */
describe('describeActor', () => {
  it('when the root user calls an API, then the actor is root, with the session’s MFA flag', () => {
    const a = describeActor(record('root-s3-createbucket'));
    expect(a).toMatchObject({
      kind: 'root',
      label: 'root',
      arn: 'arn:aws:iam::123456789012:root',
      mfa: false,
      crossAccount: false,
    });
    expect(a.roleArn).toBeNull();
  });

  it('when an IAM user calls with an access key, then the label is the user name and MFA is unknown (not false)', () => {
    const a = describeActor(record('iam-put-user-policy'));
    expect(a).toMatchObject({
      kind: 'iam-user',
      label: 'Alice',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      mfa: null,
      sourceIp: '203.0.113.10',
      accountId: '123456789012',
      crossAccount: false,
    });
  });

  it('when a role session calls, then role, session and the role behind it are named', () => {
    const a = describeActor(record('ec2-runinstances-unauthorized'));
    expect(a).toMatchObject({
      kind: 'assumed-role',
      label: 'DeployRole/ci-deploy',
      roleArn: 'arn:aws:iam::123456789012:role/DeployRole',
      sessionName: 'ci-deploy',
      personName: null,
      mfa: false,
    });
  });

  it('when an IAM Identity Center (SSO) session acts, then it is an SSO user and the person is the session name', () => {
    const a = describeActor(record('iam-attach-role-policy'));
    expect(a).toMatchObject({
      kind: 'sso-user',
      personName: 'jane@example.com',
      label: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef/jane@example.com',
      roleArn:
        'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef',
    });
  });

  it('when an SSO user signs in to the console, then it is an SSO user whose MFA stays unknown (it happened at the identity provider)', () => {
    const a = describeActor(
      record('consolelogin-sso', (raw) => setAt(raw, 'userIdentity.sessionContext', SSO_CONTEXT)),
    );
    expect(a).toMatchObject({ kind: 'sso-user', personName: 'jane@example.com', mfa: null });
  });

  it('when a console sign-in names an AWSReservedSSO_ role but not its issuer, then it is an ordinary role session (no person inferred)', () => {
    const a = describeActor(record('consolelogin-sso'));
    expect(a).toMatchObject({ kind: 'assumed-role', personName: null, mfa: null });
  });

  it('when a source identity is set on an SSO session, then it is the person', () => {
    const a = describeActor(
      record('iam-attach-role-policy', (raw) => setAt(raw, 'userIdentity.sessionContext.sourceIdentity', 'jane.doe')),
    );
    expect(a.personName).toBe('jane.doe');
  });

  it('when an AWS service acts, then the label is the service and nothing else is invented', () => {
    const a = describeActor(record('sts-assumerole-by-lambda-service'));
    expect(a).toEqual({
      kind: 'aws-service',
      arn: null,
      roleArn: null,
      sessionName: null,
      personName: null,
      accountId: null,
      crossAccount: false,
      mfa: null,
      sourceIp: 'lambda.amazonaws.com',
      userAgent: 'lambda.amazonaws.com',
      invokedBy: 'lambda.amazonaws.com',
      accessKeyId: null,
      label: 'lambda.amazonaws.com',
    });
  });

  it('when a caller from another account acts, then it is marked cross-account with its own account', () => {
    const a = describeActor(record('s3-cross-account-access-denied'));
    expect(a).toMatchObject({
      kind: 'assumed-role',
      accountId: '444455556666',
      crossAccount: true,
      label: 'Auditor/bob',
    });
  });

  it('when the record has no userIdentity, then the actor is unknown, not anyone in particular', () => {
    const a = describeActor(record('iam-put-user-policy', (raw) => delete raw['userIdentity']));
    expect(a).toMatchObject({ kind: 'unknown', label: 'an unknown caller', arn: null, mfa: null, crossAccount: false });
  });

  it('when a web identity session acts, then it is a web-identity actor', () => {
    const a = describeActor(
      record('ec2-runinstances-unauthorized', (raw) =>
        setAt(raw, 'userIdentity.sessionContext.webIdFederationData', {
          federatedProvider: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
          attributes: {},
        }),
      ),
    );
    expect(a.kind).toBe('web-identity');
  });

  // Bug 1: a SAML console sign-in is an AssumedRole record whose issuer is the role; the SAML
  // provider is only in additionalEventData.SamlProviderArn, which kindOf does not read.
  it('when a SAML-federated user signs in to the console, then it is a SAML user and the person is the session name', () => {
    const a = describeActor(record('consolelogin-saml'));
    expect(a).toMatchObject({ kind: 'saml-user', personName: 'bob@example.com' });
  });

  // Bug 2: an IAM user's or root's console sign-in says whether MFA was used in
  // additionalEventData.MFAUsed (there is no sessionContext), which mfaOf does not read.
  it('when an IAM user signs in without MFA, then mfa is false (CloudTrail said so)', () => {
    expect(describeActor(record('consolelogin-iam-user-no-mfa')).mfa).toBe(false);
  });

  it('when the root user signs in with MFA, then mfa is true', () => {
    const r = record('consolelogin-root-no-mfa', (raw) => setAt(raw, 'additionalEventData.MFAUsed', 'Yes'));
    expect(describeActor(r).mfa).toBe(true);
  });

  // Bug 2b: SSO and SAML sessions always carry mfaAuthenticated "false": their MFA is at the identity provider.
  it('when an SSO session calls an API, then mfa is unknown (null), never "without MFA"', () => {
    expect(describeActor(record('iam-attach-role-policy')).mfa).toBeNull();
  });

  // Bug 3: AWS writes `"accessKeyId": ""` for console sign-ins and root; "" is not a key id.
  it('when the record’s access key id is empty, then accessKeyId is null', () => {
    expect(describeActor(record('consolelogin-root-no-mfa')).accessKeyId).toBeNull();
  });

  // Bug 4: a federated user's session issuer is the IAM user that called GetFederationToken, not a role.
  it('when a federated user acts, then no role is named', () => {
    const a = describeActor(record('s3-deletebucketpolicy-federated-user'));
    expect(a).toMatchObject({ kind: 'federated-user', roleArn: null });
  });
});
