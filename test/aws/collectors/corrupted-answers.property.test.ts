/**
 * Fail closed, for every collector at once: an estate in which nearly every check fails is scanned
 * through the real SDK clients, then scanned again with ONE answer corrupted on the wire (one field
 * left out, a boolean that reads as garbage, an HTML page, an empty body, a body cut short). Whatever
 * the corruption, no check that failed on the true answers may pass, and none may silently vanish:
 * it stays `fail`, or becomes `unknown` with a one-line reason (for the resource, or for the check
 * on the account when the resource itself can no longer be named).
 *
 * Every single-field mutation of every answer is tried (exhaustive, so a new field in a fixture is
 * covered without anyone thinking of it); fast-check adds cuts at any byte and odd boolean texts.
 */
import { CHECKS } from '../../../src/core/checks';
import { NOT_IN_ESTATE_YET, notInEstateYet, type AnswerScope } from '../../fixtures/aws/exposed-estate';
import { mutationsOf } from '../../fixtures/aws/wire-mutations';
import {
  ANSWERS,
  SCANNED,
  corruptedScan,
  onScanners,
  trueScan,
  useCorruptedEstate,
} from '../../fixtures/aws/estate/corruption-harness';

useCorruptedEstate();

describe('the estate as AWS answers it', () => {
  it('when every answer is the true one, then every answer is asked for and every check fails at least once', () => {
    expect(trueScan().baselineRequests.unmatched.filter((r) => !notInEstateYet(r))).toEqual([]);
    const asked = new Set(trueScan().baselineRequests.requested);
    expect(SCANNED.filter((a) => !asked.has(a.id)).map((a) => a.id)).toEqual([]);
    expect(ANSWERS.filter((a) => a.fallback && asked.has(a.id)).map((a) => a.id)).toEqual([]);
    const failingChecks = new Set(trueScan().failing.map((f) => f.checkId));
    // Root has MFA, through a virtual device: that is what makes iam_root_hardware_mfa_enabled fail on
    // the evidence of the device list. Root without any MFA would fail both checks without that list.
    const passing = ['iam_root_mfa_enabled'];
    const inEstate = CHECKS.filter((c) => !(c.service in NOT_IN_ESTATE_YET));
    expect(inEstate.map((c) => c.id).filter((id) => !failingChecks.has(id))).toEqual(passing);
    expect(trueScan().failing.filter((f) => f.source === 'securityhub')).not.toHaveLength(0);
  });

  it('when an answer is mutated, then its bytes change (no mutation leaves the true answer in place)', () => {
    const unchanged = SCANNED.flatMap((a) =>
      mutationsOf(a.answer)
        .filter((m) => JSON.stringify(m.apply(a.answer)) === JSON.stringify(a.answer))
        .map((m) => `${a.id}: ${m.label}`),
    );

    expect(unchanged).toEqual([]);
  });
});

describe('one corrupted answer never turns a failing check into a passing or vanished one', () => {
  const SCOPES: AnswerScope[] = ['*', 'iam', 's3'];

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
