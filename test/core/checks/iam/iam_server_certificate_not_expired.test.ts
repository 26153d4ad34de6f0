import check from '../../../../src/core/checks/iam/iam_server_certificate_not_expired';
import { known, type ServerCertificate } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, NOW, anAccount, anIamSlice, daysAgo, denied } from '../../../fixtures/snapshot-builders';

const aCertificate = (name: string, expiration: string | null): ServerCertificate => ({
  name,
  id: `ASCA${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
  arn: `arn:aws:iam::${ACCOUNT_ID}:server-certificate/${name}`,
  uploadDate: daysAgo(800),
  expiration,
});
const withCertificates = (certificates: ServerCertificate[]) =>
  anAccount({ iam: anIamSlice({ serverCertificates: known(certificates) }) });
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();

describe('iam_server_certificate_not_expired', () => {
  it('when IAM stores no server certificate, then the account passes with one result', () => {
    const results = run(check, withCertificates([]));

    expect(statuses(results)).toEqual([`${ACCOUNT_ID}:pass`]);
    expect(results[0]!.message).toBe('Account 111111111111 stores no server certificates in IAM.');
  });

  it('when one certificate has expired, then it fails and the valid one passes', () => {
    const results = run(
      check,
      withCertificates([aCertificate('legacy-www', daysAgo(3)), aCertificate('api', inDays(60))]),
    );

    expect(statuses(results)).toEqual(['legacy-www:fail', 'api:pass']);
    expect(results[0]).toMatchObject({
      resource: { type: 'AwsIamServerCertificate', arn: `arn:aws:iam::${ACCOUNT_ID}:server-certificate/legacy-www` },
      message: 'Server certificate legacy-www expired on 2026-10-29 and is still stored in IAM.',
    });
  });

  it('when a certificate expires exactly now, then it counts as expired', () => {
    expect(run(check, withCertificates([aCertificate('edge', NOW.toISOString())]))[0]!.status).toBe('fail');
  });

  it('when IAM did not say when a certificate expires, then that certificate is unknown', () => {
    const [result] = run(check, withCertificates([aCertificate('mystery', null)]));

    expect(result).toMatchObject({ status: 'unknown', resource: { id: 'mystery' } });
  });

  it('when the listing is refused, then the account is unknown naming the permission', () => {
    const account = anAccount({ iam: anIamSlice({ serverCertificates: denied('iam:ListServerCertificates') }) });

    expect(run(check, account)[0]).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'iam:ListServerCertificates' },
    });
  });

  it('when the snapshot predates the certificate listing, then the check is unknown asking to collect again, never passing', () => {
    const [result] = run(check, anAccount({ iam: anIamSlice() }));

    expect(result).toMatchObject({ status: 'unknown', evidence: { notCollected: ['iam.serverCertificates'] } });
    expect(result!.message).toContain('collect it again');
  });
});
