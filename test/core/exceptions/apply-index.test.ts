import fc from 'fast-check';
import { applyExceptions, compareExceptions } from '../../../src/core/exceptions/apply';
import { scopeCovers } from '../../../src/core/exceptions/match';
import { isInForce } from '../../../src/core/exceptions/lifecycle';
import type { ExceptionScope, RiskException } from '../../../src/core/exceptions/model';
import type { Finding } from '../../../src/core/model';
import {
  NOW,
  OU_PROD,
  OU_WORKLOADS,
  PROD,
  ROOT,
  SANDBOX,
  STAGING,
  aFinding,
  anException,
  at,
  daysFrom,
} from './builders';

/**
 * applyExceptions indexes the exceptions (by check, account, OU and tag) so large reports stay
 * fast. The index may only narrow which exceptions are tried: for any findings and exceptions, the
 * exception chosen for each finding must be the one a plain scan over all of them, in the same
 * order, would choose.
 */
const naiveChoice = (finding: Finding, exceptions: readonly RiskException[]): RiskException | undefined =>
  finding.status !== 'fail'
    ? undefined
    : [...exceptions]
        .filter((e) => isInForce(e, NOW))
        .sort(compareExceptions)
        .find((e) => scopeCovers(e.scope, finding, at(NOW)));

const ACCOUNTS = [PROD, STAGING, SANDBOX, '444444444444'];
const CHECKS = ['s3_bucket_public_access_blocked', 's3_bucket_versioning_enabled', 'ec2_instance_imdsv2_required'];
const TAGS: (Record<string, string> | undefined)[] = [
  undefined,
  {},
  { team: 'data' },
  { team: 'web', env: 'prod' },
  { env: 'dev' },
];

const findingArb = fc
  .record({
    account: fc.constantFrom(...ACCOUNTS),
    check: fc.constantFrom(...CHECKS),
    bucket: fc.constantFrom('logs-a', 'logs-b', 'site', 'data'),
    tags: fc.constantFrom(...TAGS),
    status: fc.constantFrom<Finding['status']>('fail', 'fail', 'pass', 'unknown'),
  })
  .map(({ account, check, bucket, tags, status }) => {
    const f = aFinding({ accountId: account, checkId: check, bucket, status });
    const resource = { ...f.resource };
    if (tags === undefined) delete resource.tags;
    else resource.tags = tags;
    return { ...f, resource };
  });

const scopeArb: fc.Arbitrary<ExceptionScope> = fc
  .record({
    where: fc.oneof(
      fc.record({ accounts: fc.subarray(ACCOUNTS, { minLength: 1 }) }),
      fc.constant<{ accounts: string[] }>({ accounts: ['*'] }),
      fc.record({ ous: fc.subarray([ROOT, OU_WORKLOADS, OU_PROD], { minLength: 1 }) }),
      fc.record({
        accounts: fc.subarray(ACCOUNTS, { minLength: 1 }),
        ous: fc.subarray([OU_WORKLOADS, OU_PROD], { minLength: 1 }),
      }),
    ),
    checks: fc.subarray([...CHECKS, 's3_*', '*'], { minLength: 1 }),
    resources: fc.option(fc.subarray(['logs-*', 'arn:aws:s3:::site', 'data'], { minLength: 1 }), { nil: undefined }),
    tags: fc.option(
      fc.constantFrom<Record<string, string>>({ team: 'data' }, { team: '*' }, { env: 'prod', team: 'web' }),
      {
        nil: undefined,
      },
    ),
  })
  .map(({ where, checks, resources, tags }) => ({
    ...where,
    checks,
    ...(resources ? { resources } : {}),
    ...(tags ? { tags } : {}),
  }));

const exceptionArb = fc
  .record({
    scope: scopeArb,
    days: fc.integer({ min: -3, max: 60 }),
    status: fc.constantFrom<RiskException['status']>('active', 'active', 'active', 'pending', 'revoked'),
  })
  .map(({ scope, days, status }) => anException({ scope, status, expiresAt: daysFrom(days) }));

describe('the exception index', () => {
  it('when exceptions are indexed, then every finding is hidden by exactly the exception a plain scan would choose', () => {
    fc.assert(
      fc.property(
        fc.array(findingArb, { minLength: 1, maxLength: 40 }),
        fc.array(exceptionArb, { maxLength: 25 }),
        (findings, exceptions) => {
          const applied = applyExceptions(findings, exceptions, at(NOW));
          const chosen = new Map<Finding, string>();
          for (const { finding, exception } of [...applied.excepted, ...applied.resurfaced])
            chosen.set(finding, exception.id);
          for (const f of findings) expect(chosen.get(f)).toBe(naiveChoice(f, exceptions)?.id);
          // Nothing lost or doubled: shown and hidden partition the input.
          expect(applied.shown.length + applied.excepted.length).toBe(findings.length);
        },
      ),
      { seed: 20_261_204, numRuns: 300 },
    );
  });
});
