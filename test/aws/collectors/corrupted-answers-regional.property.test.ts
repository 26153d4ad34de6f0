/** The corrupted-estate property (./corrupted-answers.property.test.ts) for the regional compute and audit services. */
import type { AnswerScope } from '../../fixtures/aws/exposed-estate';
import { mutationsOf } from '../../fixtures/aws/wire-mutations';
import { SCANNED, corruptedScan, onScanners, useCorruptedEstate } from '../../fixtures/aws/estate/corruption-harness';

useCorruptedEstate();

describe('one corrupted answer never turns a failing check into a passing or vanished one', () => {
  const SCOPES: AnswerScope[] = ['ec2', 'cloudtrail', 'securityhub', 'rds'];

  it.each(SCOPES)(
    'when any single field of any %s answer is dropped or garbled, or the answer is replaced by an HTML page, an empty body or half of itself, then every failing check still fails or is unknown',
    async (scope) => {
      const cases = SCANNED.filter((a) => a.scope === scope).flatMap((answer) =>
        mutationsOf(answer.answer).map((mutation) => ({ answer, mutation })),
      );
      expect(cases.length).toBeGreaterThan(0);

      const problems = (
        await onScanners(cases, (scanner, { answer, mutation }) => corruptedScan(scanner, answer, mutation))
      ).flat();

      expect(problems).toEqual([]);
    },
    120_000,
  );
});
