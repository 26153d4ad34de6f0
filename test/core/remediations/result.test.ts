/**
 * The one definition of what execution stores in `request.result`: what execution writes reads back
 * unchanged, results stored before a field existed still read, and a record of the wrong shape is
 * `unreadable` rather than guessed at.
 */
import {
  emptyResult,
  parseExecutionResult,
  readResult,
  type ExecutionResult,
} from '../../../src/core/remediations/result';

const call = {
  service: 's3',
  region: 'us-east-1',
  command: 'PutPublicAccessBlock',
  input: { Bucket: 'acme-logs' },
  outcome: 'ok' as const,
  output: { ETag: 'x' },
  error: null,
  awsRequestId: 'REQ1',
};

const written: ExecutionResult = {
  dryRun: false,
  precheck: { status: 'fail', message: 'Bucket acme-logs is public.' },
  calls: [call],
  error: null,
  verification: { outcome: 'passed', status: 'pass', message: 'Bucket acme-logs blocks public access.' },
  interrupted: false,
  securityHub: { outcome: 'ok', message: 'marked RESOLVED.', call: { ...call, command: 'BatchUpdateFindings' } },
};

/** What a row holds: the result as JSON text, parsed back. */
const stored = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('execution result', () => {
  it('when execution wrote a result, then both the use cases and the renderers read it back unchanged', () => {
    expect(parseExecutionResult(stored(written))).toEqual(written);
    expect(readResult(stored(written))).toEqual({ kind: 'ok', result: written });
  });

  it('when execution wrote an empty result, then it reads back as nothing done', () => {
    expect(parseExecutionResult(stored(emptyResult(true)))).toEqual(emptyResult(true));
    expect(readResult(stored(emptyResult(true)))).toEqual({ kind: 'ok', result: emptyResult(true) });
  });

  it('when a result was stored before the Security Hub field existed, then it still reads, with none', () => {
    const { securityHub: _omitted, ...old } = written;
    expect(parseExecutionResult(stored(old))).toEqual({ ...written, securityHub: null });
    expect(readResult(stored(old))).toEqual({ kind: 'ok', result: { ...written, securityHub: null } });
  });

  it('when a record leaves out what the plan already says, then the renderers read it with defaults but the use cases do not', () => {
    const partial = {
      calls: [{ command: 'PutPublicAccessBlock', outcome: 'dry_run' }],
      verification: { outcome: 'unknown' },
    };
    expect(parseExecutionResult(partial)).toBeNull();
    expect(readResult(partial)).toEqual({
      kind: 'ok',
      result: {
        dryRun: false,
        precheck: null,
        calls: [{ command: 'PutPublicAccessBlock', outcome: 'dry_run', error: null, awsRequestId: null }],
        error: null,
        verification: { outcome: 'unknown', message: null },
        interrupted: false,
        securityHub: null,
      },
    });
  });

  it('when nothing was recorded, then the reading says none', () => {
    expect(readResult(null)).toEqual({ kind: 'none' });
    expect(readResult(undefined)).toEqual({ kind: 'none' });
  });

  it.each([
    ['a call with an outcome execution never writes', { ...written, calls: [{ ...call, outcome: 'sent' }] }],
    ['calls that are not a list', { ...written, calls: 'garbage' }],
    ['a verification with an unknown outcome', { ...written, verification: { outcome: 'maybe', message: null } }],
    ['a Security Hub update without its outcome', { ...written, securityHub: { message: 'x', call: null } }],
    ['a dry-run flag that is not a boolean', { ...written, dryRun: 'yes' }],
    ['a value that is not an object', 42],
  ])('when the record holds %s, then it is unreadable for both', (_what, value) => {
    expect(parseExecutionResult(value)).toBeNull();
    expect(readResult(value)).toEqual({ kind: 'unreadable' });
  });
});
