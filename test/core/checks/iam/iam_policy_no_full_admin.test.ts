import check from '../../../../src/core/checks/iam/iam_policy_no_full_admin';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, anAccount, denied } from '../../../fixtures/snapshot-builders';
import {
  ADMIN_STATEMENT,
  aManagedPolicy,
  aPolicyDocument,
  anAccountWithAuthorization,
  anAccountWithIam,
  anIamUser,
} from '../../../fixtures/iam-builders';
import type { IamPrincipal } from '../../../../src/core/model';

/** The verdict on one customer-managed policy holding `document`. */
const managed = (document: unknown, attachmentCount = 1) =>
  resultFor(
    run(
      check,
      anAccountWithAuthorization({
        policies: [aManagedPolicy({ name: 'p', defaultDocument: document, attachmentCount })],
      }),
    ),
    'p',
  );

const aRole = (over: Partial<IamPrincipal> = {}): IamPrincipal => ({
  name: 'deploy',
  arn: `arn:aws:iam::${ACCOUNT_ID}:role/deploy`,
  id: 'AROADEPLOY',
  attachedPolicies: [],
  inlinePolicies: [],
  ...over,
});

describe('iam_policy_no_full_admin', () => {
  it('when customer-managed policies grant specific actions, then they pass', () => {
    expect(resultFor(run(check, anAccount()), 'deploy')).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsIamPolicy', id: 'deploy', arn: `arn:aws:iam::${ACCOUNT_ID}:policy/deploy` },
      region: 'global',
    });
  });

  it('when an attached policy allows "*" on "*", then it fails saying how many principals hold it', () => {
    const result = managed(aPolicyDocument([ADMIN_STATEMENT]), 2);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('attached to 2 principals');
    expect(result.evidence).toMatchObject({
      attachmentCount: 2,
      attached: true,
      fullAdminStatements: [{ index: 0, sid: null }],
    });
  });

  it('when an unattached policy allows "*" on "*", then it still fails and says it is not attached', () => {
    const result = managed(aPolicyDocument([ADMIN_STATEMENT]), 0);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('not attached');
    expect(result.evidence).toMatchObject({ attached: false });
  });

  it('when Statement is a single object rather than an array, then it is still read', () => {
    expect(managed(aPolicyDocument({ ...ADMIN_STATEMENT, Sid: 'All' })).evidence).toMatchObject({
      fullAdminStatements: [{ index: 0, sid: 'All' }],
    });
  });

  it('when Action and Resource are arrays that include "*", then it fails', () => {
    const doc = aPolicyDocument([
      { Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: ['arn:aws:s3:::x', '*'] },
    ]);
    expect(managed(doc).status).toBe('fail');
  });

  it('when "*" actions are limited to specific resources, then it passes', () => {
    expect(managed(aPolicyDocument([{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket/*' }])).status).toBe(
      'pass',
    );
  });

  it('when a service wildcard such as "s3:*" is allowed on "*", then it is not full admin', () => {
    expect(managed(aPolicyDocument([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }])).status).toBe('pass');
  });

  it('when "*" on "*" is denied rather than allowed, then it passes', () => {
    expect(managed(aPolicyDocument([{ Effect: 'Deny', Action: '*', Resource: '*' }])).status).toBe('pass');
  });

  it('when Allow uses NotAction on "*", then it is not counted as full admin (deliberate choice)', () => {
    expect(managed(aPolicyDocument([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }])).status).toBe('pass');
  });

  it('when the document arrives as a JSON string, then it is parsed', () => {
    expect(managed(JSON.stringify(aPolicyDocument([ADMIN_STATEMENT]))).status).toBe('fail');
  });

  it('when the document arrives URL-encoded as IAM sends it, then it is decoded', () => {
    expect(managed(encodeURIComponent(JSON.stringify(aPolicyDocument([ADMIN_STATEMENT])))).status).toBe('fail');
  });

  it('when the document cannot be read, then that policy is unknown and the others are still judged', () => {
    const results = run(
      check,
      anAccountWithAuthorization({
        policies: [
          aManagedPolicy({ name: 'garbled', defaultDocument: '{"Statement": [' }),
          aManagedPolicy({ name: 'empty', defaultDocument: null }),
          aManagedPolicy({ name: 'odd', defaultDocument: aPolicyDocument(['not a statement']) }),
          aManagedPolicy({ name: 'fine' }),
        ],
      }),
    );
    expect(statuses(results)).toEqual(['garbled:unknown', 'empty:unknown', 'odd:unknown', 'fine:pass']);
    expect(resultFor(results, 'garbled').message).toContain('garbled');
  });

  it('when a role\'s inline policy allows "*" on "*", then it fails as that role\'s policy', () => {
    const role = aRole({ inlinePolicies: [{ name: 'admin', document: aPolicyDocument([ADMIN_STATEMENT]) }] });
    const result = resultFor(run(check, anAccountWithAuthorization({ roles: [role] })), 'role/deploy/admin');
    expect(result).toMatchObject({
      status: 'fail',
      resource: { type: 'AwsIamPolicy', id: 'role/deploy/admin', arn: role.arn },
      evidence: { inline: true, principalType: 'role', principal: 'deploy' },
    });
    expect(result.message).toContain('role deploy');
  });

  it('when a user and a role share a name, then their inline policies stay distinct', () => {
    const doc = aPolicyDocument([ADMIN_STATEMENT]);
    const results = run(
      check,
      anAccountWithAuthorization({
        users: [anIamUser({ name: 'deploy', inlinePolicies: [{ name: 'admin', document: doc }] })],
        groups: [],
        roles: [aRole({ inlinePolicies: [{ name: 'admin', document: aPolicyDocument([]) }] })],
        policies: [],
      }),
    );
    expect(statuses(results)).toEqual(['user/deploy/admin:fail', 'role/deploy/admin:pass']);
  });

  it('when authorization details cannot be read, then one unknown result stands for the account', () => {
    const results = run(
      check,
      anAccountWithIam({ authorizationDetails: denied('iam:GetAccountAuthorizationDetails') }),
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', resource: { type: 'AwsAccount' } });
    expect(results[0]!.message).toContain('iam:GetAccountAuthorizationDetails');
  });
});
