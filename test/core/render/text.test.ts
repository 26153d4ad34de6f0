import { summarize } from '../../../src/core/findings';
import type { Finding } from '../../../src/core/model';
import { renderCheckText } from '../../../src/core/render/text';
import { NO_ACCEPTED_RISKS, type CheckReport } from '../../../src/core/render/report';
import { aFinding, anUnknown } from './blocks/builders';
import { PUBLIC_BUCKET, PUBLIC_SENTENCE, TITLES, expectProblemHeading } from '../../fixtures/failing-titles';

const report = (findings: Finding[]): CheckReport => ({
  generatedAt: '2026-11-01T11:56:00.000Z',
  evaluatedAt: '2026-11-01T11:56:00.000Z',
  demo: false,
  services: ['s3'],
  accounts: [
    { id: '111111111111', name: 'acme-prod', regions: ['us-east-1'], reachable: true, error: null, warnings: [] },
  ],
  findings,
  summary: summarize(findings),
  acceptedRisks: NO_ACCEPTED_RISKS,
});

/** The lines of the text answer from the first line that starts with `heading` to the next blank line. */
const block = (text: string, heading: RegExp): string[] => {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
};

describe('renderCheckText', () => {
  it.each(Object.entries(TITLES))(
    'when a public bucket fails (%s title), then its row leads with what is wrong, then the bucket',
    (_, titles) => {
      const text = renderCheckText(
        report([
          aFinding({
            ...titles,
            resource: { type: 'AwsS3Bucket', id: PUBLIC_BUCKET, arn: null },
            message: PUBLIC_SENTENCE,
          }),
        ]),
      );
      const [heading, row, sentence] = block(text, /^HIGH \(/);
      expect(heading).toBe('HIGH (1)');
      expectProblemHeading(row!);
      expect(sentence).toContain(PUBLIC_SENTENCE);
      expect(sentence).toContain('[check: s3_bucket_not_public_by_policy, fix: s3_block_public_access]');
      expectProblemHeading(text);
    },
  );

  it('when some findings are unknown, then the header does not tell the reader to grant a permission for all of them', () => {
    const text = renderCheckText(
      report([
        anUnknown(null, {
          message:
            'Could not check: AWS kept throttling GetBucketPolicy in us-east-1 (SlowDown); run the check again later.',
          evidence: { errorKind: 'throttled' },
        }),
      ]),
    );
    const [header] = block(text, /^UNKNOWN \(/);
    expect(header).toBe('UNKNOWN (1): cloudsec could not decide; each says why and what to do');
    expect(text).not.toMatch(/grant the named permission/);
  });

  it('when a message holds line breaks and terminal escapes, then every finding stays on its two lines', () => {
    const raw = 'Unexpected token\n  Deserialization error: see {error}.$response\r\n\u001b[2Jmore';
    const text = renderCheckText(
      report([aFinding({ message: raw }), anUnknown('s3:GetBucketPolicy', { message: raw })]),
    );
    const failing = block(text, /^HIGH \(/);
    const unknown = block(text, /^UNKNOWN \(/);
    expect(failing).toHaveLength(3);
    expect(unknown).toHaveLength(3);
    expect(text).not.toContain('\u001b');
    expect(failing[2]).toContain('Unexpected token Deserialization error: see {error}.$response [2Jmore');
  });
});
