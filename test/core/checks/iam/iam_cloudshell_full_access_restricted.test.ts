import check from '../../../../src/core/checks/iam/iam_cloudshell_full_access_restricted';
import { known } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, anAccount, anAuthorizationDetails, anIamSlice, denied } from '../../../fixtures/snapshot-builders';

const CLOUDSHELL = { name: 'AWSCloudShellFullAccess', arn: 'arn:aws:iam::aws:policy/AWSCloudShellFullAccess' };
const principal = (kind: string, name: string, attached = [CLOUDSHELL]) => ({
  name,
  arn: `arn:aws:iam::${ACCOUNT_ID}:${kind}/${name}`,
  id: `ID${name.toUpperCase()}`,
  attachedPolicies: attached,
  inlinePolicies: [],
});
const withDetails = (over: Parameters<typeof anAuthorizationDetails>[0]) =>
  anAccount({ iam: anIamSlice({ authorizationDetails: known(anAuthorizationDetails(over)) }) });

describe('iam_cloudshell_full_access_restricted', () => {
  it('when nobody holds AWSCloudShellFullAccess, then the account passes with one result', () => {
    expect(statuses(run(check, anAccount()))).toEqual([`${ACCOUNT_ID}:pass`]);
  });

  it('when a user, a group and a role of the same name hold it, then each fails on its own resource', () => {
    const results = run(
      check,
      withDetails({
        users: [{ ...principal('user', 'ops'), groups: [] }],
        groups: [principal('group', 'ops')],
        roles: [principal('role', 'ops'), principal('role', 'app', [])],
      }),
    );

    expect(statuses(results)).toEqual(['ops:fail', 'group/ops:fail', 'role/ops:fail']);
    expect(results.map((r) => r.resource.type)).toEqual(['AwsIamUser', 'AwsIamGroup', 'AwsIamRole']);
    expect(results[2]!.message).toBe(
      'IAM role ops holds AWSCloudShellFullAccess: it can move files in and out of the account through CloudShell.',
    );
  });

  it('when the authorization details are refused, then the account is unknown naming the permission', () => {
    const account = anAccount({
      iam: anIamSlice({ authorizationDetails: denied('iam:GetAccountAuthorizationDetails') }),
    });

    expect(run(check, account)[0]).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'iam:GetAccountAuthorizationDetails' },
    });
  });
});
