import { cisCoverageTable } from '../scripts/update-readme';
import { CHECKS } from '../src/core/checks';
import {
  CIS_CATALOG,
  CisCatalogSchema,
  CisRecommendationSchema,
  cisCoverage,
  cisIdsOf,
  type CisRecommendation,
  type CoveringCheck,
} from '../src/core/cis-catalog';
import { CIS_MONITORING_CONTROLS } from '../src/core/cis-monitoring';

/** Numeric order of dotted ids: 1.9 < 1.10 < 2.1.1. */
const byId = (a: string, b: string) => {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
  return 0;
};

const recommendation = (fields: Partial<CisRecommendation> & Pick<CisRecommendation, 'id'>): CisRecommendation =>
  CisRecommendationSchema.parse({
    title: `Ensure recommendation ${fields.id} holds`,
    level: 1,
    assessment: 'Automated',
    securityHub: [],
    ...fields,
  });

const check = (
  id: string,
  cis: string | null,
  securityHub: string | null,
  remediation: string | null,
): CoveringCheck => ({
  id,
  frameworks: { cis, securityHub },
  remediation,
});

describe('the CIS AWS Foundations v3.0.0 catalog', () => {
  it('when loaded, holds the 62 recommendations of sections 1–5 once each, in the benchmark order', () => {
    const ids = CIS_CATALOG.map((r) => r.id);
    expect(new Set(ids).size).toBe(62);
    expect(ids).toEqual([...ids].sort(byId));
    const perSection = [1, 2, 3, 4, 5].map((s) => ids.filter((id) => id.startsWith(`${s}.`)).length);
    expect(perSection).toEqual([22, 9, 9, 16, 6]);
    // Tenable's "CIS Amazon Web Services Foundations L2 3.0.0" audit counts 22 Level-2 items.
    expect(CIS_CATALOG.filter((r) => r.level === 2)).toHaveLength(22);
  });

  it('when an entry is malformed, then the catalog schema refuses it', () => {
    const good = {
      id: '1.1',
      title: 'Maintain current contact details',
      level: 1,
      assessment: 'Manual',
      securityHub: [],
    };
    expect(CisCatalogSchema.safeParse([good]).success).toBe(true);
    expect(CisCatalogSchema.safeParse([good, good]).success).toBe(false); // an id twice
    expect(CisRecommendationSchema.safeParse({ ...good, id: '1.1.1.1' }).success).toBe(false);
    expect(CisRecommendationSchema.safeParse({ ...good, id: '6.1' }).success).toBe(false);
    expect(CisRecommendationSchema.safeParse({ ...good, level: 3 }).success).toBe(false);
    expect(CisRecommendationSchema.safeParse({ ...good, assessment: 'automated' }).success).toBe(false);
    expect(CisRecommendationSchema.safeParse({ ...good, securityHub: ['IAM 4'] }).success).toBe(false);
    expect(CisRecommendationSchema.safeParse({ ...good, checks: ['iam_root_mfa_enabled'] }).success).toBe(false);
  });

  it('when a manual reason is not one sentence ending with a full stop, then the schema refuses it', () => {
    const base = {
      id: '1.1',
      title: 'Maintain current contact details',
      level: 1,
      assessment: 'Manual',
      securityHub: [],
    };
    const reason = (manualReason: string) => CisRecommendationSchema.safeParse({ ...base, manualReason }).success;
    expect(reason('No AWS API returns the security challenge questions of an account.')).toBe(true);
    expect(reason('No AWS API returns the security challenge questions of an account')).toBe(false);
    expect(reason('No API returns them. Ask the root user instead.')).toBe(false);
    expect(reason('Manual.')).toBe(false);
  });

  it('agrees with the section-4 monitoring data on each title and level', () => {
    for (const control of CIS_MONITORING_CONTROLS) {
      const entry = CIS_CATALOG.find((r) => r.id === control.cis);
      expect({
        cis: control.cis,
        title: entry?.title.replace(/^Ensure (\w)/, (_m, c: string) => c.toUpperCase()),
        level: entry?.level,
      }).toEqual({
        cis: control.cis,
        title: control.title,
        level: control.level,
      });
    }
  });
});

describe('cisIdsOf', () => {
  it('when a check names no CIS id, one id, or two comma-separated ids, then it returns those ids', () => {
    expect(cisIdsOf(null)).toEqual([]);
    expect(cisIdsOf('2.1.4')).toEqual(['2.1.4']);
    expect(cisIdsOf('5.2, 5.3')).toEqual(['5.2', '5.3']);
  });
});

describe('the check catalog against the CIS catalog', () => {
  const known = new Set(CIS_CATALOG.map((r) => r.id));

  it.each(CHECKS.filter((c) => c.frameworks.cis !== null).map((c) => [c.id, c.frameworks.cis] as const))(
    '%s names CIS id(s) "%s" that the benchmark has, in the canonical form',
    (_id, cis) => {
      const ids = cisIdsOf(cis);
      expect(ids.filter((id) => !known.has(id))).toEqual([]);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.join(', ')).toBe(cis);
      expect(ids).toEqual([...ids].sort(byId));
    },
  );

  // Fails until every package of issue 12 has landed its checks: the message lists what is left.
  it('covers every recommendation with a check, or says why it cannot be automated', () => {
    const uncovered = cisCoverage(CHECKS)
      .filter((row) => row.status === 'uncovered')
      .map((row) => `${row.recommendation.id} ${row.recommendation.title}`);
    expect(uncovered).toEqual([]);
  });

  it('gives no manual reason for a recommendation a check evaluates (the reason would be stale)', () => {
    const stale = cisCoverage(CHECKS)
      .filter((row) => row.status === 'checked' && row.recommendation.manualReason !== undefined)
      .map((row) => `${row.recommendation.id}: ${row.checks.map((c) => c.id).join(', ')}`);
    expect(stale).toEqual([]);
  });
});

describe('cisCoverage', () => {
  const catalog = [
    recommendation({
      id: '1.1',
      assessment: 'Manual',
      manualReason: 'Only the organisation knows whether its contacts are current.',
    }),
    recommendation({ id: '2.1.4', securityHub: ['S3.1', 'S3.8'] }),
    recommendation({ id: '5.2', securityHub: ['EC2.53'] }),
    recommendation({ id: '5.3' }),
  ];

  it('when a check names a CIS id the benchmark does not have, then it refuses, naming the check and the id', () => {
    expect(() => cisCoverage([check('ec2_sg_typo', '5.22', null, null)], catalog)).toThrow(
      'check ec2_sg_typo names CIS id "5.22", which CIS AWS Foundations Benchmark v3.0.0 does not have',
    );
    expect(() => cisCoverage([check('ec2_sg_both', '5.2, 5.9', null, null)], catalog)).toThrow('"5.9"');
  });

  it('when checks, a manual reason or neither apply, then each recommendation is checked, manual or uncovered', () => {
    const rows = cisCoverage(
      [
        check('s3_account_pab', '2.1.4', 'S3.1', 'fix_account'),
        check('s3_no_cis', null, 'S3.2', null),
        check('s3_bucket_pab', '2.1.4', 'S3.8', 'fix_bucket'),
        check('ec2_sg_admin', '5.2, 5.3', null, null),
      ],
      catalog,
    );
    expect(rows.map((r) => [r.recommendation.id, r.status, r.checks.map((c) => c.id)])).toEqual([
      ['1.1', 'manual', []],
      ['2.1.4', 'checked', ['s3_account_pab', 's3_bucket_pab']],
      ['5.2', 'checked', ['ec2_sg_admin']],
      ['5.3', 'checked', ['ec2_sg_admin']],
    ]);
    expect(cisCoverage([], catalog).map((r) => r.status)).toEqual(['manual', 'uncovered', 'uncovered', 'uncovered']);
  });
});

describe('the README coverage table', () => {
  const catalog = [
    recommendation({
      id: '1.1',
      assessment: 'Manual',
      manualReason: 'Only the organisation knows whether its contacts are current.',
    }),
    recommendation({ id: '1.16', title: 'Ensure policies that allow full "*:*" privileges | are not attached' }),
    recommendation({ id: '2.1.4', level: 2, securityHub: ['S3.1', 'S3.8'] }),
    recommendation({ id: '3.3' }),
  ];
  const table = cisCoverageTable(
    [
      check('iam_policy_no_full_admin', '1.16', 'IAM.1', null),
      check('s3_account_pab', '2.1.4', 'S3.1', 'fix_account'),
      check('s3_bucket_pab', '2.1.4', 'S3.8', 'fix_bucket'),
      check('s3_bucket_pab_again', '2.1.4', 'S3.8', 'fix_bucket'),
    ],
    catalog,
  );
  const row = (id: string) => table.split('\n').find((line) => line.startsWith(`| ${id} |`));

  it('when some recommendations are checked, one is manual and one has neither, then the summary counts each', () => {
    expect(table.split('\n')[0]).toBe(
      'Of the 4 recommendations: 2 evaluated by cloudsec checks, 1 manual (reason given), 1 not yet covered.',
    );
  });

  it('when no check covers a recommendation and no reason is given, then its row says so in bold', () => {
    expect(row('3.3')).toBe('| 3.3 | Ensure recommendation 3.3 holds | 1 | Automated | **not yet covered** | — | — |');
  });

  it('when a recommendation cannot be automated, then its row gives the reason', () => {
    expect(row('1.1')).toBe(
      '| 1.1 | Ensure recommendation 1.1 holds | 1 | Manual | manual: Only the organisation knows whether its contacts are current. | — | — |',
    );
  });

  it('when several checks cover a recommendation, then the row lists each check, and each control and fix once', () => {
    expect(row('2.1.4')).toBe(
      '| 2.1.4 | Ensure recommendation 2.1.4 holds | 2 | Automated | `s3_account_pab`, `s3_bucket_pab`, `s3_bucket_pab_again` | S3.1, S3.8 | `fix_account`, `fix_bucket` |',
    );
  });

  it("when a check's Security Hub control is not in Security Hub's CIS mapping, then it is marked, and the title is escaped", () => {
    expect(row('1.16')).toBe(
      '| 1.16 | Ensure policies that allow full "\\*:\\*" privileges \\| are not attached | 1 | Automated | `iam_policy_no_full_admin` | IAM.1† | — |',
    );
    expect(table).toContain("† marks one that Security Hub's CIS v3.0.0 standard does not map to the recommendation");
  });
});
