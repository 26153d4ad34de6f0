import check from '../../../../src/core/checks/accessanalyzer/accessanalyzer_analyzer_enabled';
import { known } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import {
  anAccessAnalyzerRegion,
  anAccountWithAccessAnalyzer,
  anAnalyzer,
} from '../../../fixtures/builders/accessanalyzer';
import { denied } from '../../../fixtures/snapshot-builders';

const withWest = (west: ReturnType<typeof anAccessAnalyzerRegion>) =>
  anAccountWithAccessAnalyzer({ 'us-east-1': anAccessAnalyzerRegion(), 'eu-west-1': west });

describe('accessanalyzer_analyzer_enabled', () => {
  it('when every region has an active account analyzer, then each region passes naming it', () => {
    const results = run(check, anAccountWithAccessAnalyzer());

    expect(statuses(results)).toEqual(['111111111111/us-east-1/access-analyzer:pass']);
    expect(results[0]!.message).toBe(
      'IAM Access Analyzer analyses external access in us-east-1: account-analyzer (ACCOUNT).',
    );
  });

  it('when an organization analyzer is active, then the region passes', () => {
    const org = anAnalyzer({ name: 'org', type: 'ORGANIZATION' });

    expect(run(check, withWest(anAccessAnalyzerRegion({ analyzers: known([org]) })))[1]!.status).toBe('pass');
  });

  it('when a region has no analyzer, then only that region fails', () => {
    const results = run(check, withWest(anAccessAnalyzerRegion({ analyzers: known([]), findings: known(null) })));

    expect(statuses(results)).toEqual([
      '111111111111/us-east-1/access-analyzer:pass',
      '111111111111/eu-west-1/access-analyzer:fail',
    ]);
    expect(results[1]!.message).toBe(
      'IAM Access Analyzer has no active external-access analyzer in eu-west-1: resources shared outside the account there go unreported.',
    );
  });

  it('when the only analyzers are an unused-access one and a disabled one, then the region fails saying why neither counts', () => {
    const unused = anAnalyzer({ name: 'unused', type: 'ACCOUNT_UNUSED_ACCESS' });
    const disabled = anAnalyzer({
      name: 'org',
      type: 'ORGANIZATION',
      status: 'DISABLED',
      statusReason: 'AWS_SERVICE_ACCESS_DISABLED',
    });

    const [, west] = run(
      check,
      withWest(anAccessAnalyzerRegion({ analyzers: known([unused, disabled]), findings: known(null) })),
    );

    expect(west!.status).toBe('fail');
    expect(west!.message).toContain(
      'unused is an ACCOUNT_UNUSED_ACCESS analyzer, which does not report external access',
    );
    expect(west!.message).toContain('org is DISABLED (AWS_SERVICE_ACCESS_DISABLED)');
  });

  it('when the analyzer list is refused, then the region is unknown naming the permission, never off', () => {
    const refused = denied<never>('access-analyzer:ListAnalyzers');

    const [, west] = run(check, withWest({ analyzers: refused, findings: refused }));

    expect(west).toMatchObject({ status: 'unknown', evidence: { missingPermission: 'access-analyzer:ListAnalyzers' } });
  });
});
