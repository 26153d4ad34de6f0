import type { ListAccessKeysCommandInput, UpdateAccessKeyCommandInput } from '@aws-sdk/client-iam';
import { GLOBAL_REGION, known } from '../../../src/core/model';
import { evaluateAccount } from '../../../src/core/findings';
import accessKeyRotated from '../../../src/core/checks/iam/iam_user_access_key_rotated';
import credentialsUnused from '../../../src/core/checks/iam/iam_user_credentials_unused';
import remediation from '../../../src/core/remediations/iam_deactivate_access_key';
import { bindLookups, selectLookupValue, type ApiCall } from '../../../src/core/remediations/define';
import {
  ACCOUNT_ID,
  NOW,
  aCredentialRow,
  aRootRow,
  anAccount,
  anIamSlice,
  daysAgo,
  denied,
} from '../../fixtures/snapshot-builders';
import { SAMPLES, aFinding, planned, reasonOf } from '../../fixtures/remediation-builders';

const { finding, account } = SAMPLES.iam_deactivate_access_key!();
const accountWithRows = (...rows: ReturnType<typeof aCredentialRow>[]) =>
  anAccount({ iam: anIamSlice({ credentialReport: known([aRootRow(), ...rows]) }) });

const unusedFinding = (evidence: Record<string, unknown>) =>
  aFinding({
    checkId: 'iam_user_credentials_unused',
    service: 'iam',
    region: GLOBAL_REGION,
    resource: { type: 'AwsIamUser', id: 'alice', arn: `arn:aws:iam::${ACCOUNT_ID}:user/alice` },
    evidence,
  });

describe('iam_deactivate_access_key', () => {
  it('when an old key is named by user and slot, then the plan looks the key up and deactivates it', () => {
    const result = planned(remediation.plan(finding, account));
    const lookup: ListAccessKeysCommandInput = { UserName: 'alice' };
    const write: Omit<UpdateAccessKeyCommandInput, 'AccessKeyId'> = { UserName: 'alice', Status: 'Inactive' };
    expect(result.calls).toEqual([
      {
        service: 'iam',
        region: GLOBAL_REGION,
        command: 'ListAccessKeys',
        input: lookup,
        lookup: {
          as: 'alice:access_key_1',
          select: { kind: 'iamAccessKey', userName: 'alice', keyNumber: 1, createdAt: daysAgo(200) },
        },
      },
      {
        service: 'iam',
        region: GLOBAL_REGION,
        command: 'UpdateAccessKey',
        input: write,
        bind: { AccessKeyId: 'alice:access_key_1' },
      },
    ]);
  });

  it('when the executor resolves the lookup, then the write names the key created at the reported time', () => {
    const [lookup, write] = planned(remediation.plan(finding, account)).calls as [ApiCall, ApiCall];
    const answer = {
      AccessKeyMetadata: [
        { UserName: 'alice', AccessKeyId: 'AKIAOLDKEY', Status: 'Active', CreateDate: new Date(daysAgo(200)) },
        { UserName: 'alice', AccessKeyId: 'AKIANEWKEY', Status: 'Active', CreateDate: new Date(daysAgo(3)) },
      ],
    };
    const value = selectLookupValue(lookup.lookup!.select, answer);
    expect(value).toEqual({ ok: true, value: 'AKIAOLDKEY' });
    const bound = bindLookups(write, { [lookup.lookup!.as]: 'AKIAOLDKEY' });
    expect(bound).toMatchObject({
      ok: true,
      value: { input: { UserName: 'alice', AccessKeyId: 'AKIAOLDKEY', Status: 'Inactive' } },
    });
  });

  it('when undone, then the same key is looked up again and reactivated', () => {
    const result = planned(remediation.plan(finding, account));
    const undo = remediation.inverse(result.calls, result.before);
    expect(undo).toEqual({
      ok: true,
      calls: [{ ...result.calls[0] }, { ...result.calls[1], input: { UserName: 'alice', Status: 'Active' } }],
    });
  });

  it('when a user has both keys unused, then both are deactivated, each through its own lookup', () => {
    const acct = accountWithRows(aCredentialRow({ accessKey2Active: true, accessKey2LastRotated: daysAgo(300) }));
    const result = planned(remediation.plan(unusedFinding({ unusedAccessKeyNumbers: [1, 2] }), acct));
    expect(result.calls.map((c) => c.command)).toEqual([
      'ListAccessKeys',
      'UpdateAccessKey',
      'ListAccessKeys',
      'UpdateAccessKey',
    ]);
    expect(result.calls.filter((c) => c.bind).map((c) => c.bind!['AccessKeyId'])).toEqual([
      'alice:access_key_1',
      'alice:access_key_2',
    ]);
  });

  it('when the unused password is part of the finding, then approvers are told it stays enabled', () => {
    const f = unusedFinding({
      unused: [{ credential: 'password' }, { credential: 'access_key_1' }],
      unusedAccessKeyNumbers: [1],
    });
    expect(planned(remediation.plan(f, account)).notes?.join(' ')).toMatch(/password of alice stays enabled/);
  });

  it('when only the password is unused, then deactivating keys would not help and no plan is made', () => {
    const f = unusedFinding({ unused: [{ credential: 'password' }], unusedAccessKeyNumbers: [] });
    expect(reasonOf(remediation.plan(f, account))).toMatch(/No access key of alice is unused/);
  });

  it('when the key is already inactive in the snapshot, then there is nothing to do', () => {
    expect(reasonOf(remediation.plan(finding, accountWithRows(aCredentialRow({ accessKey1Active: false }))))).toMatch(
      /already inactive/,
    );
  });

  it('when the report has no creation date for the key, then the key cannot be identified', () => {
    expect(
      reasonOf(remediation.plan(finding, accountWithRows(aCredentialRow({ accessKey1LastRotated: null })))),
    ).toMatch(/cannot be identified/);
  });

  it('when the credential report could not be collected, then no plan is made, naming the permission', () => {
    const acct = anAccount({ iam: anIamSlice({ credentialReport: denied('iam:GetCredentialReport') }) });
    expect(reasonOf(remediation.plan(finding, acct))).toContain('iam:GetCredentialReport');
  });

  it('when the key belongs to root, then no plan is made', () => {
    const root = aFinding({
      ...finding,
      resource: { type: 'AwsIamAccessKey', id: '<root_account>:access_key_1', arn: null },
    });
    expect(reasonOf(remediation.plan(root, account))).toMatch(/root/);
  });

  it('when the finding does not say which key, then no plan is made', () => {
    const vague = aFinding({
      ...finding,
      resource: { type: 'AwsIamAccessKey', id: 'AKIAEXAMPLE', arn: null },
      evidence: {},
    });
    expect(reasonOf(remediation.plan(vague, account))).toMatch(/which access key/);
  });

  it.each([
    ['iam_user_access_key_rotated', accessKeyRotated],
    ['iam_user_credentials_unused', credentialsUnused],
  ])('when %s fails on a stale key, then its finding is enough to plan', (_id, check) => {
    const stale = aCredentialRow({
      accessKey1LastRotated: daysAgo(200),
      accessKey1LastUsedDate: daysAgo(100),
      passwordLastUsed: daysAgo(1),
    });
    const acct = accountWithRows(stale);
    const failing = evaluateAccount([check], acct, NOW).filter((f) => f.status === 'fail');
    expect(failing).toHaveLength(1);
    const result = planned(remediation.plan(failing[0]!, acct));
    expect(result.calls[0]?.lookup?.select).toEqual({
      kind: 'iamAccessKey',
      userName: 'alice',
      keyNumber: 1,
      createdAt: daysAgo(200),
    });
  });
});
