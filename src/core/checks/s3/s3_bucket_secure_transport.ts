import { GLOBAL_REGION } from '../../model';
import { accountResource, bucketResource } from '../../resources';
import { isEveryonePrincipal, policyStatements } from '../../s3-public';
import { defineCheck, fail, pass, withFact, withFactOne } from '../define';

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const coversAllS3Actions = (action: unknown) =>
  list(action).some((a) => typeof a === 'string' && (a === '*' || a.toLowerCase() === 's3:*'));

/**
 * The condition must be only "aws:SecureTransport is false": any further condition would narrow the
 * deny, leaving some plain-HTTP requests allowed.
 */
const deniesOnlyInsecureTransport = (condition: unknown) => {
  if (typeof condition !== 'object' || condition === null) return false;
  const operators = Object.entries(condition);
  if (operators.length !== 1) return false;
  const [operator, clauses] = operators[0]!;
  if (!['bool', 'boolifexists'].includes(operator.toLowerCase()) || typeof clauses !== 'object' || clauses === null) {
    return false;
  }
  const keys = Object.entries(clauses);
  if (keys.length !== 1) return false;
  const [key, value] = keys[0]!;
  const values = list(value).map((v) => String(v).toLowerCase());
  return key.toLowerCase() === 'aws:securetransport' && values.length > 0 && values.every((v) => v === 'false');
};

/** Sid (or position) of each statement that denies every S3 action to everyone over plain HTTP. */
const secureTransportStatements = (document: unknown): string[] =>
  policyStatements(document).flatMap((s, index) =>
    s.Effect === 'Deny' &&
    isEveryonePrincipal(s.Principal) &&
    coversAllS3Actions(s.Action) &&
    deniesOnlyInsecureTransport(s.Condition)
      ? [typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : `#${index}`]
      : [],
  );

export default defineCheck({
  id: 's3_bucket_secure_transport',
  service: 's3',
  severity: 'medium',
  title: 'S3 bucket policy denies requests over plain HTTP',
  failTitle: 'S3 bucket allows requests over plain HTTP',
  rationale:
    'Without a deny on aws:SecureTransport false, clients can read and write the bucket over unencrypted HTTP, exposing data and credentials in transit.',
  remediationText:
    'Add a statement to the bucket policy: Effect Deny, Principal "*", Action "s3:*", Resource the bucket and bucket/*, Condition {"Bool": {"aws:SecureTransport": "false"}}. Merge it with the existing policy rather than replacing it.',
  frameworks: { cis: '2.1.1', securityHub: 'S3.5' },
  requires: ['s3'],
  remediation: null,
  evaluate: ({ account }) =>
    withFact(account.s3.buckets, accountResource(account), GLOBAL_REGION, (buckets) =>
      buckets.flatMap((b) =>
        withFactOne(b.policy, bucketResource(b), b.region, (document) => {
          if (document === null) {
            return fail(
              bucketResource(b),
              b.region,
              `Bucket ${b.name} has no bucket policy, so it accepts plain HTTP requests.`,
              {
                hasPolicy: false,
              },
            );
          }
          const statements = secureTransportStatements(document);
          return statements.length > 0
            ? pass(bucketResource(b), b.region, `Bucket ${b.name} denies requests that do not use TLS.`, { statements })
            : fail(
                bucketResource(b),
                b.region,
                `Bucket ${b.name}'s policy has no statement denying all S3 actions to everyone when aws:SecureTransport is false.`,
                { hasPolicy: true },
              );
        }),
      ),
    ),
});
