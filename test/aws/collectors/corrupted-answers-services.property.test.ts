/** The corrupted-estate property (./corrupted-answers.property.test.ts) for the other services, and fast-check cuts and boolean texts. */
import fc from 'fast-check';
import type { AnswerScope, EstateAnswer } from '../../fixtures/aws/exposed-estate';
import { mutationsOf, truncation, type Mutation } from '../../fixtures/aws/wire-mutations';
import {
  SCANNED,
  corruptedScan,
  onScanners,
  scanners,
  useCorruptedEstate,
} from '../../fixtures/aws/estate/corruption-harness';

useCorruptedEstate();

describe('one corrupted answer never turns a failing check into a passing or vanished one', () => {
  const SCOPES: AnswerScope[] = ['efs', 'eks', 'guardduty', 'config', 'accessanalyzer', 'account'];

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

describe('random cuts and boolean texts (fast-check)', () => {
  /** Texts a proxy, a bug or a hand-written mock could put where a boolean belongs. */
  const oddBoolean = fc.oneof(
    fc.constantFrom('TRUE', 'True', 'FALSE', ' true', 'true ', '1', '0', '', 'on', 'null', 'fals', 'true\n'),
    fc.string({ maxLength: 8 }),
  );

  /** Booleans written as XML text or JSON literals, with where they are, in each answer. */
  const BOOLEANS = SCANNED.flatMap((answer) =>
    [...answer.answer.body.matchAll(/>(true|false)<|:(true|false)\b/g)].map((m) => ({ answer, at: m.index + 1 })),
  );

  /** A case fast-check prints as what was done to which answer. */
  const corruptionCase = (answer: EstateAnswer, mutation: Mutation) => ({
    answer,
    mutation,
    [fc.toStringMethod]: () => `${answer.id}: ${mutation.label}`,
  });

  const cut = fc
    .record({
      answer: fc.constantFrom(...SCANNED),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ answer, fraction }) => corruptionCase(answer, truncation(fraction)));

  const booleanText = fc.record({ target: fc.constantFrom(...BOOLEANS), text: oddBoolean }).map(({ target, text }) => {
    const { answer, at } = target;
    const original = /^(true|false)/.exec(answer.answer.body.slice(at))![1]!;
    const json = answer.answer.body[at - 1] === ':';
    const mutation: Mutation = {
      label: `the boolean at byte ${at} reads ${JSON.stringify(text)} instead of ${original}`,
      class: text === original ? 'well-formed' : 'corruption',
      apply: (a) => ({
        ...a,
        body:
          a.body.slice(0, at) + (json ? JSON.stringify(text) : escapeXml(text)) + a.body.slice(at + original.length),
      }),
    };
    return corruptionCase(answer, mutation);
  });

  it('when one answer is cut at any byte or a boolean holds any other text, then every failing check still fails or is unknown', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(cut, booleanText), async ({ answer, mutation }) => {
        expect(await corruptedScan(scanners[0]!, answer, mutation)).toEqual([]);
      }),
      { seed: 20_261_101, numRuns: 150 },
    );
  }, 120_000);
});

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
