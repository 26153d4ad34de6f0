import { defineCheck, fail, pass, withFact, type CheckResult } from '../define';
import { accountResource } from '../../resources';
import { GLOBAL_REGION, type ResourceRef, type ServerCertificate } from '../../model';
import { dayOf, parseDate, unknownResult } from '../../iam-credentials';

const certificateResource = (c: ServerCertificate): ResourceRef => ({
  type: 'AwsIamServerCertificate',
  id: c.name,
  arn: c.arn,
});

const judge = (c: ServerCertificate, now: Date): CheckResult => {
  const resource = certificateResource(c);
  const evidence = { certificateId: c.id, expiration: c.expiration, uploadDate: c.uploadDate };
  const expires = parseDate(c.expiration);
  if (expires === null) {
    return unknownResult(
      resource,
      `Could not check: IAM did not say when server certificate ${c.name} expires.`,
      evidence,
    );
  }
  return expires <= now.getTime()
    ? fail(
        resource,
        GLOBAL_REGION,
        `Server certificate ${c.name} expired on ${dayOf(c.expiration!)} and is still stored in IAM.`,
        evidence,
      )
    : pass(resource, GLOBAL_REGION, `Server certificate ${c.name} is valid until ${dayOf(c.expiration!)}.`, evidence);
};

export default defineCheck({
  id: 'iam_server_certificate_not_expired',
  service: 'iam',
  severity: 'medium',
  title: 'No expired SSL/TLS certificate is stored in IAM',
  failTitle: 'Expired SSL/TLS certificate is stored in IAM',
  rationale:
    'An expired certificate left in IAM can still be attached to a load balancer or CloudFront distribution by mistake, breaking it or serving a certificate browsers reject; deleting it removes the risk.',
  remediationText:
    'Delete it after making sure nothing uses it: `aws iam delete-server-certificate --server-certificate-name <name>` (the IAM console does not list server certificates). Prefer AWS Certificate Manager, which renews certificates itself.',
  frameworks: { cis: '1.19', securityHub: 'IAM.26' },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account, now }) => {
    const resource = accountResource(account);
    const certificates = account.iam.serverCertificates;
    // A snapshot written before cloudsec listed certificates says nothing about them.
    if (certificates === undefined) {
      return [
        unknownResult(
          resource,
          'Could not check: this snapshot was collected before cloudsec listed IAM server certificates; collect it again (`cloudsec collect --service iam`).',
          { notCollected: ['iam.serverCertificates'] },
        ),
      ];
    }
    return withFact(certificates, resource, GLOBAL_REGION, (list) =>
      list.length === 0
        ? [
            pass(resource, GLOBAL_REGION, `Account ${account.accountId} stores no server certificates in IAM.`, {
              count: 0,
            }),
          ]
        : list.map((c) => judge(c, now)),
    );
  },
});
