import check from '../../../../src/core/checks/iam/iam_principal_full_admin';
import { CHECKS } from '../../../../src/core/checks';
import { evaluateChecks } from '../../../../src/core/findings';
import type { CheckSettings } from '../../../../src/core/check-settings';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { NOW, aSnapshot, anAccount, anAuthorizationDetails, denied } from '../../../fixtures/snapshot-builders';
import {
  ADMINISTRATOR_ACCESS,
  ADMIN_STATEMENT,
  EC2_TRUST,
  aManagedPolicy,
  aPolicyDocument,
  administratorAccessPolicy,
  anAccountWithAuthorization,
  anAccountWithIam,
  anAwsManagedPolicy,
  anIamGroup,
  anIamRole,
  anIamUser,
  trustPolicy,
} from '../../../fixtures/iam-builders';

const ADMIN_DOC = aPolicyDocument([ADMIN_STATEMENT]);
const BREAK_GLASS: CheckSettings = { iam: { breakGlassRoles: ['BreakGlass*', 'emergency-admin'] } };

/** The defaults (alice in developers, ReadOnlyAccess) plus AdministratorAccess's document and `over`. */
const withAdminDocs = (over: Parameters<typeof anAuthorizationDetails>[0] = {}) =>
  anAccountWithAuthorization({
    awsManagedPolicies: [...anAuthorizationDetails().awsManagedPolicies!, administratorAccessPolicy()],
    ...over,
  });

describe('iam_principal_full_admin', () => {
  it('when nobody holds "*" on "*", then every user, group and role passes', () => {
    const results = run(check, anAccountWithAuthorization({ roles: [anIamRole()] }));

    expect(statuses(results)).toEqual(['alice:pass', 'group/developers:pass', 'role/deploy:pass']);
    expect(resultFor(results, 'alice').message).toBe('IAM user alice holds no policy that allows "*" on "*".');
  });

  it('when a user has AWS-managed AdministratorAccess attached directly, then it fails naming that path', () => {
    const carol = anIamUser({ name: 'carol', attachedPolicies: [ADMINISTRATOR_ACCESS] });

    const result = resultFor(run(check, withAdminDocs({ users: [carol] })), 'carol');

    expect(result).toMatchObject({
      status: 'fail',
      severity: 'high',
      resource: { type: 'AwsIamUser', id: 'carol', arn: carol.arn },
      evidence: {
        category: 'admin',
        principalType: 'user',
        paths: ['carol ← AdministratorAccess (AWS managed), attached directly'],
      },
    });
    expect(result.message).toBe(
      'IAM user carol has full administrator access ("*" on "*"): carol ← AdministratorAccess (AWS managed), attached directly.',
    );
  });

  it('when a user is in a group holding AdministratorAccess, then the user fails through the group and the group names its members', () => {
    const results = run(
      check,
      withAdminDocs({
        users: [
          anIamUser({ name: 'dave', groups: ['admins'] }),
          anIamUser({ name: 'erin', groups: ['Admins'] }),
          anIamUser({ name: 'frank', groups: [] }),
        ],
        groups: [anIamGroup({ name: 'admins', attachedPolicies: [ADMINISTRATOR_ACCESS] })],
      }),
    );

    expect(statuses(results)).toEqual(['dave:fail', 'erin:fail', 'frank:pass', 'group/admins:fail']);
    expect(resultFor(results, 'dave').evidence['paths']).toEqual([
      'dave ← group admins ← AdministratorAccess (AWS managed)',
    ]);
    const group = resultFor(results, 'group/admins');
    expect(group).toMatchObject({ resource: { type: 'AwsIamGroup' }, evidence: { members: ['dave', 'erin'] } });
    expect(group.message).toContain('to its 2 members (dave, erin)');
  });

  it('when an admin group has no members, then it still fails, saying anyone added to it becomes admin', () => {
    const results = run(
      check,
      withAdminDocs({ groups: [anIamGroup({ name: 'admins', attachedPolicies: [ADMINISTRATOR_ACCESS] })] }),
    );

    expect(resultFor(results, 'group/admins').message).toContain('anyone added to it (it has no members now)');
  });

  it('when "*" on "*" comes from an inline or a customer-managed policy, then the path says which', () => {
    const results = run(
      check,
      anAccountWithAuthorization({
        users: [
          anIamUser({ name: 'erin', inlinePolicies: [{ name: 'everything', document: ADMIN_DOC }] }),
          anIamUser({
            name: 'frank',
            attachedPolicies: [{ name: 'legacy-admin', arn: aManagedPolicy({ name: 'legacy-admin' }).arn }],
          }),
        ],
        groups: [anIamGroup({ name: 'ops', inlinePolicies: [{ name: 'all', document: ADMIN_DOC }] })],
        policies: [aManagedPolicy({ name: 'legacy-admin', defaultDocument: ADMIN_DOC })],
      }),
    );

    expect(resultFor(results, 'erin').evidence['paths']).toEqual(['erin ← inline policy everything']);
    expect(resultFor(results, 'frank').evidence['paths']).toEqual([
      'frank ← legacy-admin (customer managed), attached directly',
    ]);
    expect(resultFor(results, 'group/ops').evidence['paths']).toEqual(['ops ← inline policy all']);
  });

  it('when Action is "*:*" or a list holding "*", then it counts as full admin; "s3:*" and NotAction do not', () => {
    const judged = (statement: Record<string, unknown>) =>
      resultFor(
        run(
          check,
          anAccountWithAuthorization({
            users: [anIamUser({ name: 'u', inlinePolicies: [{ name: 'p', document: aPolicyDocument([statement]) }] })],
          }),
        ),
        'u',
      ).status;

    expect(judged({ Effect: 'Allow', Action: '*:*', Resource: '*' })).toBe('fail');
    expect(judged({ Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: ['*'] })).toBe('fail');
    expect(judged({ Effect: 'Allow', Action: 's3:*', Resource: '*' })).toBe('pass');
    expect(judged({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/*' })).toBe('pass');
    expect(judged({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })).toBe('pass');
  });

  it('when an unconditional Deny of everything applies too, then the principal passes and the deny is named', () => {
    const results = run(
      check,
      withAdminDocs({
        users: [
          anIamUser({
            name: 'quarantined',
            groups: ['admins'],
            inlinePolicies: [
              { name: 'lockout', document: aPolicyDocument([{ Effect: 'Deny', Action: '*', Resource: '*' }]) },
            ],
          }),
        ],
        groups: [anIamGroup({ name: 'admins', attachedPolicies: [ADMINISTRATOR_ACCESS] })],
      }),
    );

    const result = resultFor(results, 'quarantined');
    expect(result.status).toBe('pass');
    expect(result.evidence['deniedBy']).toEqual(['quarantined ← inline policy lockout']);
    expect(resultFor(results, 'group/admins').status).toBe('fail');
  });

  it('when the Deny is conditional, uses NotAction, or names fewer actions, then admin access still stands', () => {
    const denyThen = (deny: Record<string, unknown>) =>
      resultFor(
        run(
          check,
          withAdminDocs({
            users: [
              anIamUser({
                name: 'u',
                attachedPolicies: [ADMINISTRATOR_ACCESS],
                inlinePolicies: [{ name: 'deny', document: aPolicyDocument([{ Effect: 'Deny', ...deny }]) }],
              }),
            ],
          }),
        ),
        'u',
      ).status;

    expect(
      denyThen({ Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }),
    ).toBe('fail');
    expect(denyThen({ NotAction: 'iam:*', Resource: '*' })).toBe('fail');
    expect(denyThen({ Action: ['s3:*', 'ec2:*'], Resource: '*' })).toBe('fail');
  });

  it("when an attached AWS-managed policy's document was not collected, then its holder is unknown naming it, never a pass", () => {
    const results = run(
      check,
      anAccountWithAuthorization({
        users: [
          anIamUser({
            name: 'carol',
            attachedPolicies: [{ name: 'PowerUserAccess', arn: 'arn:aws:iam::aws:policy/PowerUserAccess' }],
          }),
        ],
      }),
    );

    const carol = resultFor(results, 'carol');
    expect(carol.status).toBe('unknown');
    expect(carol.message).toContain('PowerUserAccess (arn:aws:iam::aws:policy/PowerUserAccess)');
    expect(carol.evidence['unreadable']).toEqual([
      expect.objectContaining({ policy: 'PowerUserAccess', kind: 'aws-managed' }),
    ]);
  });

  it('when the snapshot holds no AWS-managed documents at all (written by an older cloudsec), then their holders are unknown', () => {
    const results = run(
      check,
      anAccountWithAuthorization({
        awsManagedPolicies: undefined,
        users: [
          anIamUser({ name: 'alice', groups: ['developers'] }),
          anIamUser({ name: 'erin', inlinePolicies: [{ name: 'everything', document: ADMIN_DOC }] }),
          anIamUser({ name: 'frank' }),
        ],
      }),
    );

    expect(statuses(results)).toEqual(['alice:unknown', 'erin:fail', 'frank:pass', 'group/developers:unknown']);
    expect(resultFor(results, 'alice').message).toContain('AWS-managed policy documents were not collected');
  });

  it('when an attached customer-managed policy is missing or unreadable, then its holder is unknown', () => {
    const results = run(
      check,
      anAccountWithAuthorization({
        users: [
          anIamUser({
            name: 'gone',
            attachedPolicies: [{ name: 'vanished', arn: aManagedPolicy({ name: 'vanished' }).arn }],
          }),
          anIamUser({ name: 'garbled', attachedPolicies: [{ name: 'bad', arn: aManagedPolicy({ name: 'bad' }).arn }] }),
          anIamUser({ name: 'nodoc', inlinePolicies: [{ name: 'empty', document: null }] }),
        ],
        policies: [aManagedPolicy({ name: 'bad', defaultDocument: '{"Statement": [' })],
      }),
    );

    expect(statuses(results).filter((s) => !s.startsWith('group/'))).toEqual([
      'gone:unknown',
      'garbled:unknown',
      'nodoc:unknown',
    ]);
    expect(resultFor(results, 'garbled').message).toContain('bad is unreadable');
  });

  it('when one path proves admin and another policy is unreadable, then it fails and says the other could not be read', () => {
    const result = resultFor(
      run(
        check,
        anAccountWithAuthorization({
          users: [
            anIamUser({
              name: 'carol',
              inlinePolicies: [
                { name: 'everything', document: ADMIN_DOC },
                { name: 'garbled', document: 'not json' },
              ],
            }),
          ],
        }),
      ),
      'carol',
    );

    expect(result.status).toBe('fail');
    expect(result.message).toContain('1 other policy could not be read.');
  });

  it('when a user names a group the details do not hold, then the user is unknown', () => {
    const result = resultFor(
      run(check, anAccountWithAuthorization({ users: [anIamUser({ name: 'lost', groups: ['ghosts'] })] })),
      'lost',
    );

    expect(result.status).toBe('unknown');
    expect(result.message).toContain('group ghosts is not in the collected authorization details');
  });

  describe('roles', () => {
    const roleResult = (role: NonNullable<Parameters<typeof anIamRole>[0]>, settings?: CheckSettings) =>
      resultFor(
        check.evaluate({
          account: withAdminDocs({ roles: [anIamRole({ attachedPolicies: [ADMINISTRATOR_ACCESS], ...role })] }),
          now: NOW,
          ...(settings ? { settings } : {}),
        }),
        `role/${role.name ?? 'deploy'}`,
      );

    it('when a role people can assume holds AdministratorAccess, then it fails high as an admin', () => {
      expect(roleResult({ name: 'ops-admin' })).toMatchObject({
        status: 'fail',
        severity: 'high',
        resource: { type: 'AwsIamRole', id: 'role/ops-admin' },
        evidence: { category: 'admin', paths: ['ops-admin ← AdministratorAccess (AWS managed), attached directly'] },
      });
    });

    it('when only AWS services can assume the admin role, then it is reported as a service role, at medium', () => {
      const result = roleResult({ name: 'ec2-admin', trustPolicy: EC2_TRUST });

      expect(result).toMatchObject({
        status: 'fail',
        severity: 'medium',
        evidence: { category: 'service-role', trustedServices: ['ec2.amazonaws.com'] },
      });
      expect(result.message).toContain('which only AWS services can assume (ec2.amazonaws.com)');
    });

    it('when the trust policy also lets an account or anyone assume it, then it is an admin, not a service role', () => {
      const mixed = aPolicyDocument([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' },
      ]);
      expect(roleResult({ trustPolicy: mixed }).evidence['category']).toBe('admin');
      expect(roleResult({ trustPolicy: trustPolicy('*') }).evidence['category']).toBe('admin');
      expect(
        roleResult({
          trustPolicy: trustPolicy({ Service: 'ec2.amazonaws.com', AWS: 'arn:aws:iam::999999999999:root' }),
        }).evidence['category'],
      ).toBe('admin');
    });

    it('when the trust policy was not collected or is unreadable, then the role counts as an admin and says why', () => {
      const notCollected = roleResult({ trustPolicy: undefined });
      expect(notCollected).toMatchObject({ severity: 'high', evidence: { category: 'admin' } });
      expect(notCollected.message).toContain('its trust policy was not collected');
      expect(roleResult({ trustPolicy: 'garbage' }).evidence['category']).toBe('admin');
    });

    it('when the role is listed as break-glass (pattern, any case), then it is reported as break-glass at low, not silenced', () => {
      const result = roleResult({ name: 'breakglass-1' }, BREAK_GLASS);

      expect(result).toMatchObject({
        status: 'fail',
        severity: 'low',
        evidence: { category: 'break-glass', breakGlassPattern: 'BreakGlass*' },
      });
      expect(result.message).toContain('Break-glass role breakglass-1');
    });

    it('when no break-glass list is configured, then the same role is an admin at high', () => {
      expect(roleResult({ name: 'BreakGlass' }).evidence['category']).toBe('admin');
      expect(roleResult({ name: 'BreakGlass' }, { iam: { breakGlassRoles: [] } }).severity).toBe('high');
      expect(roleResult({ name: 'emergency-admin-2' }, BREAK_GLASS).evidence['category']).toBe('admin');
    });

    it('when a break-glass role holds no admin access, then it simply passes', () => {
      expect(roleResult({ name: 'BreakGlass', attachedPolicies: [] }, BREAK_GLASS).status).toBe('pass');
    });

    it('when a permissions boundary applies, then the finding still fails and names the boundary', () => {
      const boundary = 'arn:aws:iam::123456789012:policy/dev-boundary';
      const result = roleResult({ permissionsBoundaryArn: boundary });

      expect(result.status).toBe('fail');
      expect(result.message).toContain(`A permissions boundary (${boundary}) also applies`);
      expect(result.evidence['permissionsBoundaryArn']).toBe(boundary);
    });
  });

  it('when a user, a group and a role share a name, then each is its own resource', () => {
    const results = run(
      check,
      withAdminDocs({
        users: [anIamUser({ name: 'ops', attachedPolicies: [ADMINISTRATOR_ACCESS] })],
        groups: [anIamGroup({ name: 'ops' })],
        roles: [anIamRole({ name: 'ops', attachedPolicies: [ADMINISTRATOR_ACCESS] })],
      }),
    );

    expect(statuses(results)).toEqual(['ops:fail', 'group/ops:pass', 'role/ops:fail']);
  });

  it('when authorization details cannot be read, then one unknown result stands for the account', () => {
    const results = run(
      check,
      anAccountWithIam({ authorizationDetails: denied('iam:GetAccountAuthorizationDetails') }),
    );

    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', resource: { type: 'AwsAccount' } });
  });

  describe('through evaluateChecks', () => {
    const estate = () =>
      aSnapshot([
        anAccount({
          iam: withAdminDocs({
            users: [anIamUser({ name: 'carol', attachedPolicies: [ADMINISTRATOR_ACCESS] })],
            roles: [anIamRole({ name: 'BreakGlass', attachedPolicies: [ADMINISTRATOR_ACCESS] })],
          }).iam,
        }),
      ]);
    const adminFindings = (settings?: CheckSettings) =>
      evaluateChecks(CHECKS, estate(), NOW, { services: ['iam'], ...(settings ? { settings } : {}) })
        .filter((f) => f.checkId === 'iam_principal_full_admin' && f.status === 'fail')
        .map((f) => `${f.resource.id}:${f.severity}:${f.title}`);

    it('when settings list the break-glass role, then its finding carries its own severity and the fail title', () => {
      expect(adminFindings(BREAK_GLASS)).toEqual([
        'carol:high:IAM principal has full administrator access',
        'role/BreakGlass:low:IAM principal has full administrator access',
      ]);
    });

    it('when no settings are passed, then nothing is exempted', () => {
      expect(adminFindings()).toEqual([
        'carol:high:IAM principal has full administrator access',
        'role/BreakGlass:high:IAM principal has full administrator access',
      ]);
    });
  });
});

describe('iam_policy_no_full_admin beside it', () => {
  it('when AWS-managed documents are collected, then it still judges only customer-managed and inline policies', () => {
    const results = run(
      CHECKS.find((c) => c.id === 'iam_policy_no_full_admin')!,
      withAdminDocs({ users: [anIamUser({ name: 'carol', attachedPolicies: [ADMINISTRATOR_ACCESS] })] }),
    );

    expect(statuses(results)).toEqual(['deploy:pass']);
  });

  it('when AWS did not say how many principals a policy is attached to, then it fails without claiming it is unattached', () => {
    const result = resultFor(
      run(
        CHECKS.find((c) => c.id === 'iam_policy_no_full_admin')!,
        anAccountWithAuthorization({
          policies: [
            anAwsManagedPolicy({
              name: 'x',
              arn: aManagedPolicy({ name: 'x' }).arn,
              attachmentCount: null,
              defaultDocument: ADMIN_DOC,
            }),
          ],
        }),
      ),
      'x',
    );

    expect(result.status).toBe('fail');
    expect(result.message).toContain('how many principals it is attached to is unknown');
    expect(result.message).not.toContain('not attached');
  });
});
