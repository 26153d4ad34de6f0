import { renderResultReply } from '../../../../src/core/render/blocks/remediation';
import { MESSAGE_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import type { RemediationRequest } from '../../../../src/core/remediations/request';
import { visibleText } from '../blocks/builders';
import { APPROVER, aRequest, approvedBy, okResult, putPublicAccessBlock } from './builders';

const reply = (request: RemediationRequest) => {
  const payload = renderResultReply(request);
  expect(limitViolations(payload, MESSAGE_BUDGET)).toEqual([]);
  return visibleText(payload.blocks);
};
const done = (status: RemediationRequest['status'], result: unknown, over: Partial<RemediationRequest> = {}) =>
  aRequest({ status, approvals: approvedBy(APPROVER), result, ...over });

describe('renderResultReply', () => {
  it('when every call succeeded and the check passes, then each call, its input and the AWS answer are listed', () => {
    const text = reply(done('succeeded', okResult()));
    expect(text).toContain(':white_check_mark: *Result: Succeeded*');
    expect(text).toContain('*1.* `PutPublicAccessBlock` · `s3` · `us-east-1`\nInput: `Bucket`: acme-logs ·');
    expect(text).toContain(':white_check_mark: AWS answered OK (request id `REQ123`).');
    expect(text).toContain(':white_check_mark: *Verified*: collected again and the check passes.');
  });

  it('when AWS answered with content, then its first fields are shown', () => {
    const result = okResult({
      calls: [
        { ...putPublicAccessBlock, outcome: 'ok', output: { LogFileValidationEnabled: true }, awsRequestId: null },
      ],
    });
    expect(reply(done('succeeded', result))).toContain('AWS answered OK: `LogFileValidationEnabled`: true');
  });

  it('when a call failed, then the AWS error code and message are shown and later calls read as not sent', () => {
    const result = {
      dryRun: false,
      calls: [
        {
          ...putPublicAccessBlock,
          outcome: 'error',
          error: { code: 'AccessDenied', message: 'User: arn:aws:sts::1:assumed-role/w is not authorized' },
          awsRequestId: 'R1',
        },
        {
          ...putPublicAccessBlock,
          command: 'PutBucketEncryption',
          outcome: 'skipped',
          error: null,
          awsRequestId: null,
        },
      ],
      verification: null,
    };
    const text = reply(done('failed', result, { reason: 'AccessDenied' }));
    expect(text).toContain(':x: *Result: Failed*\nAccessDenied');
    expect(text).toContain(
      ':x: AWS answered `AccessDenied`: User: arn:aws:sts::1:assumed-role/w is not authorized (request id `R1`)',
    );
    expect(text).toContain('*2.* `PutBucketEncryption`');
    expect(text).toContain('Not sent: an earlier call did not succeed.');
    expect(text).toContain('Verification: not done.');
  });

  it('when it was a dry run, then the reply is labelled and no call reads as sent', () => {
    const result = { dryRun: true, calls: [{ ...putPublicAccessBlock, outcome: 'dry_run' }], verification: null };
    const text = reply(done('succeeded', result));
    expect(text).toContain(':test_tube: *DRY RUN*');
    expect(text).toContain('*Result: Succeeded* (dry run)');
    expect(text).toContain(':test_tube: Not sent: dry run.');
    expect(text).toContain('Verification: not done, as nothing was changed (dry run).');
    expect(text).not.toContain('AWS answered');
  });

  it('when the check still fails afterwards, then the reply says it was not verified and why', () => {
    const result = okResult({ verification: { outcome: 'failed', status: 'fail', message: 'blockPublicAcls off' } });
    expect(reply(done('failed', result))).toContain(
      ':x: *Not verified*: collected again and the check still fails: blockPublicAcls off',
    );
  });

  it('when a crash interrupted execution, then the reply says the calls were not repeated', () => {
    const result = {
      dryRun: false,
      precheck: null,
      calls: [],
      error: null,
      verification: { outcome: 'unknown', status: 'error', message: 'throttled' },
      interrupted: true,
    };
    const text = reply(done('failed', result, { reason: 'interrupted' }));
    expect(text).toContain('cloudsec stopped while this request was executing');
    expect(text).toContain('What AWS answered was not recorded before the stop');
    expect(text).toContain(
      ':grey_question: *Not verified*: cloudsec could not tell whether the check passes: throttled',
    );
  });

  it('when the result was re-checked before executing, then the reply says what the check was then', () => {
    const result = { ...okResult(), precheck: { status: 'fail', message: 'blockPublicAcls off' } };
    expect(reply(done('succeeded', result))).toContain('Before executing, the check failed: blockPublicAcls off');
  });

  it('when nothing was recorded or the record cannot be read, then the reply says so instead of guessing', () => {
    expect(reply(done('no_op', null, { reason: 'already passes' }))).toContain('No API call was made.');
    expect(reply(done('failed', { calls: 'garbage' }))).toContain('The recorded result could not be read');
  });

  it('when the plan had more calls than fit, then the reply counts the rest', () => {
    const calls = Array.from({ length: 60 }, (_, i) => ({
      ...putPublicAccessBlock,
      input: { Bucket: `bucket-${i}-${'x'.repeat(50)}` },
      outcome: 'ok',
      output: { Detail: 'y'.repeat(150) },
    }));
    const text = reply(done('succeeded', okResult({ calls })));
    const shown = (text.match(/^\*\d+\.\* /gm) ?? []).length;
    const more = Number(/…and (\d+) more calls?: the audit log has every call/.exec(text)?.[1]);
    expect(shown + more).toBe(60);
  });
});
