import detection from '../../../../src/core/detections/rules/iam_admin_policy_attached';
import { alertOf, fixture, severityOf, withRequest } from './exposure-harness';

describe('iam_admin_policy_attached', () => {
  it('when AdministratorAccess is attached to a user, then it alerts critical on the user', () => {
    const m = alertOf(detection, fixture('attach-user-policy-admin'));

    expect(m.summary).toBe('gave user `contractor-tmp` full administrator access: attached `AdministratorAccess`');
    expect(severityOf(detection, m)).toBe('critical');
    expect(m.resource).toEqual({ type: 'AwsIamUser', id: 'contractor-tmp', arn: null, region: 'global' });
  });

  it('when ReadOnlyAccess is attached to a role, then it does not alert', () => {
    expect(detection.match(fixture('attach-role-policy-readonly'))).toBeNull();
  });

  it('when the attach record holds no policyArn, then it alerts high that it could not read which policy', () => {
    const m = alertOf(
      detection,
      withRequest('attach-role-policy-readonly', (rp) => ({ roleName: rp.roleName })),
    );

    expect(m.summary).toBe(
      'attached a managed policy to role `reporting`; cloudsec could not read which policy from the record: re-check',
    );
    expect(severityOf(detection, m)).toBe('high');
  });

  it('when an inline role policy allows "*" on "*", then it alerts critical naming the role and the policy', () => {
    const m = alertOf(detection, fixture('put-role-policy-admin'));

    expect(m.summary).toBe(
      'gave role `ci-deployer` full administrator access: inline policy `break-glass` allows "*" on "*"',
    );
    expect(m.resource).toEqual({ type: 'AwsIamRole', id: 'ci-deployer', arn: null, region: 'global' });
    expect(m.details).toEqual(['Statement Everything allows every action on every resource ("*" on "*").']);
  });

  it('when the inline policy document arrives URL-encoded, then it is read the same way', () => {
    const record = withRequest('put-role-policy-admin', (rp) => ({
      ...rp,
      policyDocument: encodeURIComponent(String(rp.policyDocument)),
    }));

    expect(alertOf(detection, record).summary).toContain('allows "*" on "*"');
  });

  it('when the inline policy allows only some actions, or also denies everything, then it does not alert', () => {
    const narrow = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const cancelled = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: '*', Resource: '*' },
      ],
    });

    expect(
      detection.match(withRequest('put-role-policy-admin', (rp) => ({ ...rp, policyDocument: narrow }))),
    ).toBeNull();
    expect(
      detection.match(withRequest('put-role-policy-admin', (rp) => ({ ...rp, policyDocument: cancelled }))),
    ).toBeNull();
  });

  it.each([
    ['missing', (rp: Record<string, unknown>) => ({ roleName: rp.roleName, policyName: rp.policyName })],
    ['garbled', (rp: Record<string, unknown>) => ({ ...rp, policyDocument: '{"Statement": [ oops' })],
  ])('when the policy document is %s, then it alerts high that it could not be read', (_, change) => {
    const m = alertOf(detection, withRequest('put-role-policy-admin', change));

    expect(m.summary).toBe(
      'changed inline policy `break-glass` of role `ci-deployer`; cloudsec could not read the policy document from the record: re-check',
    );
    expect(severityOf(detection, m)).toBe('high');
  });

  it('when a new default policy version allows "*" on "*", then it alerts critical on the policy', () => {
    const m = alertOf(detection, fixture('create-policy-version-admin-default'));

    expect(m.summary).toBe(
      'made policy `app-deploy` allow "*" on "*": every user, group and role it is attached to is now an administrator',
    );
    expect(severityOf(detection, m)).toBe('critical');
    expect(m.resource).toEqual({
      type: 'AwsIamPolicy',
      id: 'app-deploy',
      arn: 'arn:aws:iam::111122223333:policy/app-deploy',
      region: 'global',
    });
  });

  it('when the admin version is not made the default, then it alerts high', () => {
    const record = withRequest('create-policy-version-admin-default', (rp) => ({ ...rp, setAsDefault: false }));

    const m = alertOf(detection, record);
    expect(m.summary).toContain('not yet the default version');
    expect(severityOf(detection, m)).toBe('high');
  });
});
