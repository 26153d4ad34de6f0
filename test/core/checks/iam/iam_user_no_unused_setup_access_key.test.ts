import check, { SETUP_WINDOW_MS } from '../../../../src/core/checks/iam/iam_user_no_unused_setup_access_key';
import { known, type CredentialReportRow } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { aCredentialRow, aRootRow, anAccount, anIamSlice, daysAgo, denied } from '../../../fixtures/snapshot-builders';

const CREATED = daysAgo(200);
const after = (ms: number) => new Date(Date.parse(CREATED) + ms).toISOString();
const withRows = (...rows: CredentialReportRow[]) =>
  anAccount({ iam: anIamSlice({ credentialReport: known([aRootRow(), ...rows]) }) });
/** A console user whose key 1 was created `offset` ms after the user and never used. */
const setupKeyUser = (user: string, offset = 5 * 60_000) =>
  aCredentialRow({
    user,
    userCreationTime: CREATED,
    accessKey1LastRotated: after(offset),
    accessKey1LastUsedDate: null,
  });

describe('iam_user_no_unused_setup_access_key', () => {
  it('when console users have no key or use their keys, then each passes (root is not judged)', () => {
    const results = run(
      check,
      withRows(
        aCredentialRow(),
        aCredentialRow({
          user: 'bob',
          accessKey1Active: false,
          accessKey1LastRotated: null,
          accessKey1LastUsedDate: null,
        }),
      ),
    );

    expect(statuses(results)).toEqual(['alice:pass', 'bob:pass']);
  });

  it('when a console user has an active key created with the user and never used, then the user fails naming the key', () => {
    const [result] = run(check, withRows(setupKeyUser('carol')));

    expect(result).toMatchObject({ status: 'fail', evidence: { unusedAccessKeyNumbers: [1] } });
    expect(result!.message).toContain(
      'IAM user carol has a console password and access key 1, created with the user on',
    );
  });

  it('when the never-used key was created long after the user, then it is not a setup key and the user passes', () => {
    expect(run(check, withRows(setupKeyUser('dave', SETUP_WINDOW_MS + 1000)))[0]!.status).toBe('pass');
  });

  it("when the user has no console password, then an unused key is not this check's concern", () => {
    const row = { ...setupKeyUser('ci'), passwordEnabled: false };

    expect(run(check, withRows(row))[0]).toMatchObject({ status: 'pass', evidence: { passwordEnabled: false } });
  });

  it('when the key is inactive, then the user passes', () => {
    expect(run(check, withRows({ ...setupKeyUser('erin'), accessKey1Active: false }))[0]!.status).toBe('pass');
  });

  it('when the report lacks the creation dates, then the user is unknown, not passing', () => {
    const noUserDate = { ...setupKeyUser('frank'), userCreationTime: null };
    const noKeyDate = { ...setupKeyUser('gina'), accessKey1LastRotated: null };

    const results = run(check, withRows(noUserDate, noKeyDate));

    expect(statuses(results)).toEqual(['frank:unknown', 'gina:unknown']);
  });

  it('when the credential report is refused, then the account is unknown naming the permission', () => {
    const account = anAccount({ iam: anIamSlice({ credentialReport: denied('iam:GenerateCredentialReport') }) });

    expect(run(check, account)[0]).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'iam:GenerateCredentialReport' },
    });
  });
});
