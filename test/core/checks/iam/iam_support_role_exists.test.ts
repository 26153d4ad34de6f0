import check from '../../../../src/core/checks/iam/iam_support_role_exists';
import { known, type IamRole } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, anAccount, anAuthorizationDetails, anIamSlice, denied } from '../../../fixtures/snapshot-builders';

const SUPPORT = { name: 'AWSSupportAccess', arn: 'arn:aws:iam::aws:policy/AWSSupportAccess' };
const aRole = (name: string, attached = [SUPPORT]): IamRole => ({
  name,
  arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}`,
  id: `AROA${name.toUpperCase()}`,
  attachedPolicies: attached,
  inlinePolicies: [],
});
const withDetails = (over: Parameters<typeof anAuthorizationDetails>[0], partition = 'aws') =>
  anAccount({ partition, iam: anIamSlice({ authorizationDetails: known(anAuthorizationDetails(over)) }) });

describe('iam_support_role_exists', () => {
  it('when a role has AWSSupportAccess attached, then the account passes naming the role', () => {
    const results = run(check, withDetails({ roles: [aRole('aws-support')] }));

    expect(statuses(results)).toEqual([`${ACCOUNT_ID}:pass`]);
    expect(results[0]!.message).toBe('AWSSupportAccess is attached to role aws-support.');
  });

  it('when no role has it, then the account fails', () => {
    const [result] = run(check, withDetails({ roles: [aRole('app', [])] }));

    expect(result).toMatchObject({ status: 'fail', evidence: { roles: [] } });
    expect(result!.message).toContain('No IAM role in account 111111111111 has AWSSupportAccess attached');
  });

  it('when only a group holds it, then the account still fails, saying a role is what CIS asks for', () => {
    const groups = [
      {
        name: 'support',
        arn: `arn:aws:iam::${ACCOUNT_ID}:group/support`,
        id: 'AGPASUP',
        attachedPolicies: [SUPPORT],
        inlinePolicies: [],
      },
    ];

    const [result] = run(check, withDetails({ groups, roles: [] }));

    expect(result!.status).toBe('fail');
    expect(result!.message).toContain('only group/support hold it');
  });

  it('when the account is in another partition, then the policy is matched in that partition', () => {
    const govRole = aRole('aws-support', [
      { name: 'AWSSupportAccess', arn: 'arn:aws-us-gov:iam::aws:policy/AWSSupportAccess' },
    ]);

    expect(run(check, withDetails({ roles: [govRole] }, 'aws-us-gov'))[0]!.status).toBe('pass');
    expect(run(check, withDetails({ roles: [govRole] }, 'aws'))[0]!.status).toBe('fail');
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
