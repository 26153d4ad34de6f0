/**
 * The plain-text account of a finished request (describeResult, what the audit-facing summary and
 * the console show): it says what the check does ("fails", "passes"), an undo reads as the previous
 * state restored, and messages that end in a full stop are not given a second one.
 */
import { describeResult } from '../../../src/app/remediation';
import type { ExecutionResult } from '../../../src/core/remediations/result';
import type { RemediationRequest } from '../../../src/core/remediations/request';
import { aRequest } from '../../core/render/remediation/builders';

const FAILS = 'Bucket acme-logs does not block public access: blockPublicAcls off.';
const PASSES = 'Bucket acme-logs blocks all public access.';

const result = (over: Partial<ExecutionResult> = {}): ExecutionResult => ({
  dryRun: false,
  precheck: { status: 'fail', message: FAILS },
  calls: [],
  error: null,
  verification: { outcome: 'passed', status: 'pass', message: PASSES },
  interrupted: false,
  securityHub: null,
  ...over,
});

const done = (over: Partial<RemediationRequest>): RemediationRequest =>
  aRequest({ status: 'succeeded', result: result(), ...over });

describe('describeResult', () => {
  it('when a remediation is verified, then before and after say what the check did, each sentence ending once', () => {
    const text = describeResult(done({}));

    expect(text).toContain(`Before: the check fails: ${FAILS}`);
    expect(text).toContain(`After: the check passes: ${PASSES}`);
    expect(text).not.toMatch(/\.\./);
    expect(text).not.toMatch(/the check (is|was) (fail|pass)/);
  });

  it('when an undo brought the failing check back, then it reads as the previous state restored', () => {
    const text = describeResult(
      done({
        kind: 'undo',
        undoOf: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
        result: result({
          precheck: { status: 'pass', message: PASSES },
          verification: { outcome: 'failed', status: 'fail', message: FAILS },
        }),
      }),
    );

    expect(text).toContain('Undo of s3_block_public_access: succeeded');
    expect(text).toContain(`After: the undo restored the previous state; the check fails: ${FAILS}`);
    expect(text).not.toMatch(/still fails|\.\./);
  });

  it('when the resource is gone or Security Hub answered with a sentence, then the words still end once', () => {
    const text = describeResult(
      done({
        status: 'no_op',
        reason: 'app-data no longer exists: nothing was changed.',
        result: result({
          precheck: { status: 'gone', message: 'app-data no longer exists' },
          verification: null,
          securityHub: { outcome: 'ok', message: 'marked RESOLVED with a note.', call: null },
        }),
      }),
    );

    expect(text).toContain('Before: the check found no resource: it no longer exists.');
    expect(text).toContain('Security Hub: the source finding was marked RESOLVED with a note.');
    expect(text).not.toMatch(/\.\./);
  });
});
