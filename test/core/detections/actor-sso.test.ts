import { describeActor } from '../../../src/core/detections/actor';
import { record, setAt } from './rules/cis-fixtures';

/**
 * A session is SSO (IAM Identity Center) only when its issuer is AWS's permission-set role, under the
 * path /aws-reserved/sso.amazonaws.com/. Anyone allowed to create roles can name one AWSReservedSSO_…
 * and choose a colleague's e-mail as the session name: such a look-alike is an ordinary role session.
 */

const LOOK_ALIKE_ROLE = 'AWSReservedSSO_AdministratorAccess_0123456789abcdef';

/** The SSO fixture (iam-attach-role-policy: AttachRolePolicy by an SSO admin) with another issuer ARN. */
const withIssuer = (arn: string | undefined) =>
  record('iam-attach-role-policy', (raw) => setAt(raw, 'userIdentity.sessionContext.sessionIssuer.arn', arn));

describe('describeActor · SSO sessions', () => {
  it('when the issuer is the permission-set role under /aws-reserved/sso.amazonaws.com/<region>/, then it is an SSO user', () => {
    expect(describeActor(record('iam-attach-role-policy'))).toMatchObject({
      kind: 'sso-user',
      personName: 'jane@example.com',
      mfa: null,
    });
  });

  it('when the issuer is under /aws-reserved/sso.amazonaws.com/ without a region (older accounts), then it is an SSO user', () => {
    const a = describeActor(
      withIssuer(`arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/${LOOK_ALIKE_ROLE}`),
    );
    expect(a.kind).toBe('sso-user');
  });

  it('when a look-alike role named AWSReservedSSO_… (path /) acts, then it is an ordinary assumed role: no person, its own MFA flag', () => {
    const a = describeActor(withIssuer(`arn:aws:iam::123456789012:role/${LOOK_ALIKE_ROLE}`));
    expect(a).toMatchObject({
      kind: 'assumed-role',
      // The session name the caller chose is not taken for a person (no Slack look-up by that e-mail).
      personName: null,
      // mfaAuthenticated "false" is read as any role session's: without MFA, not "at the identity provider".
      mfa: false,
      label: `${LOOK_ALIKE_ROLE}/jane@example.com`,
    });
  });

  it.each([
    [
      'under another path that contains the SSO one',
      `arn:aws:iam::123456789012:role/evil/aws-reserved/sso.amazonaws.com/${LOOK_ALIKE_ROLE}`,
    ],
    [
      'under a look-alike path',
      `arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com.evil/${LOOK_ALIKE_ROLE}`,
    ],
    [
      'an SSO role whose name is not the session’s role',
      'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_0123456789abcdef',
    ],
    ['missing', undefined],
  ])('when the issuer is %s, then it is not an SSO user', (_what, arn) => {
    expect(describeActor(withIssuer(arn)).kind).toBe('assumed-role');
  });
});
