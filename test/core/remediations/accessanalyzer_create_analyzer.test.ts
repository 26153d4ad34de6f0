import { known, type AccessAnalyzerRegion } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/accessanalyzer_create_analyzer';
import { SAMPLES, planned, reasonOf } from '../../fixtures/remediation-builders';
import {
  anAccessAnalyzerRegion,
  anAccountWithAccessAnalyzer,
  anAnalyzer,
} from '../../fixtures/builders/accessanalyzer';
import { denied } from '../../fixtures/snapshot-builders';

const sample = SAMPLES.accessanalyzer_create_analyzer!();
const { finding } = sample;
const withAnalyzers = (analyzers: AccessAnalyzerRegion['analyzers']) =>
  anAccountWithAccessAnalyzer({ 'eu-west-1': anAccessAnalyzerRegion({ analyzers, findings: known(null) }) });

describe('accessanalyzer_create_analyzer', () => {
  it('when the region has no analyzer, then the plan creates an account analyzer named after the region, and undo deletes it', () => {
    const result = planned(remediation.plan(finding, sample.account));

    expect(result.calls).toEqual([
      {
        service: 'accessanalyzer',
        region: 'eu-west-1',
        command: 'CreateAnalyzer',
        input: { analyzerName: 'cloudsec-eu-west-1', type: 'ACCOUNT' },
      },
    ]);
    expect(remediation.inverse(result.calls, JSON.parse(JSON.stringify(result.before)))).toEqual({
      ok: true,
      calls: [
        {
          service: 'accessanalyzer',
          region: 'eu-west-1',
          command: 'DeleteAnalyzer',
          input: { analyzerName: 'cloudsec-eu-west-1' },
        },
      ],
    });
  });

  it('when a disabled organization analyzer exists, then the plan still creates one and notes the other stays', () => {
    const org = anAnalyzer({
      name: 'org',
      type: 'ORGANIZATION',
      status: 'DISABLED',
      statusReason: 'AWS_SERVICE_ACCESS_DISABLED',
    });

    const result = planned(remediation.plan(finding, withAnalyzers(known([org]))));

    expect(result.calls).toHaveLength(1);
    expect(result.notes?.join(' ')).toContain('Analyzer org (ORGANIZATION) is DISABLED (AWS_SERVICE_ACCESS_DISABLED)');
  });

  it('when an active external analyzer exists, then there is nothing to do', () => {
    expect(reasonOf(remediation.plan(finding, withAnalyzers(known([anAnalyzer()]))))).toBe(
      'Analyzer account-analyzer already analyses external access in eu-west-1.',
    );
  });

  it('when an analyzer already has the name cloudsec would use, then no plan is made (it would clash)', () => {
    const failed = anAnalyzer({ name: 'cloudsec-eu-west-1', status: 'FAILED' });

    expect(reasonOf(remediation.plan(finding, withAnalyzers(known([failed]))))).toMatch(/already exists/);
  });

  it('when the analyzers could not be read, then no plan is made, naming the permission', () => {
    expect(reasonOf(remediation.plan(finding, withAnalyzers(denied('access-analyzer:ListAnalyzers'))))).toContain(
      'access-analyzer:ListAnalyzers',
    );
  });
});
