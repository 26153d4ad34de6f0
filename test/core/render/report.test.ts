import { applyExceptions } from '../../../src/core/exceptions/apply';
import { exceptionsFromConfig } from '../../../src/core/exceptions/from-config';
import {
  acceptedRisksSummaryText,
  acceptedRisksReport,
  narrowAcceptedRisks,
  NO_ACCEPTED_RISKS,
} from '../../../src/core/render/report';
import { NOW, ORG, PROD, STAGING, aFinding, anException, daysFrom } from '../exceptions/builders';

const fromFile = exceptionsFromConfig(
  [
    {
      name: 'legacy-website',
      scope: { accounts: [PROD], checks: ['s3_*'], resources: ['legacy-*'] },
      reason: 'Static site',
      owner: 'U0123ABCD',
      approver: 'Dana Lee',
      expires: daysFrom(20),
    },
  ],
  NOW,
);
const fromSlack = anException({ id: 'ex_0001', scope: { accounts: [STAGING], checks: ['s3_*'] } });

const findings = [
  aFinding({ bucket: 'legacy-a' }),
  aFinding({ bucket: 'legacy-b' }),
  aFinding({ bucket: 'app', accountId: STAGING }),
  aFinding({ bucket: 'other' }),
];
// Slack first in the input: the report still lists cloudsec.yml's first.
const report = acceptedRisksReport(applyExceptions(findings, [fromSlack, ...fromFile], { ...ORG, now: NOW }), [
  fromSlack,
  ...fromFile,
]);

describe('acceptedRisksReport', () => {
  it('when accepted risks hide findings, then it counts them per risk, config first, and keeps each hidden finding with its note', () => {
    expect(report.hidden).toBe(3);
    expect(report.exceptions.map((e) => [e.id, e.source, e.hides])).toEqual([
      ['cfg_legacy-website', 'config', 2],
      ['ex_0001', 'slack', 1],
    ]);
    expect(report.findings.map((f) => [f.resource.id, f.exception.id])).toEqual([
      ['legacy-a', 'cfg_legacy-website'],
      ['legacy-b', 'cfg_legacy-website'],
      ['app', 'ex_0001'],
    ]);
    expect(JSON.stringify(report)).not.toContain('"scope"');
  });
});

describe('acceptedRisksSummaryText', () => {
  it('when findings are hidden, then one line says how many and names the risks by source', () => {
    expect(acceptedRisksSummaryText(report)).toBe(
      '3 accepted risks hidden (cloudsec.yml: legacy-website; database: ex_0001)',
    );
  });

  it('when nothing is hidden, then there is no line', () => {
    expect(acceptedRisksSummaryText(NO_ACCEPTED_RISKS)).toBeNull();
  });
});

describe('narrowAcceptedRisks', () => {
  it('when a narrower answer keeps some hidden findings, then counts and risks are redone over them alone', () => {
    const narrowed = narrowAcceptedRisks(report, (f) => f.accountId === STAGING, []);
    expect(narrowed.hidden).toBe(1);
    expect(narrowed.exceptions.map((e) => [e.id, e.hides])).toEqual([['ex_0001', 1]]);
    expect(acceptedRisksSummaryText(narrowed)).toBe('1 accepted risk hidden (database: ex_0001)');
  });
});
