import { renderRequesterStatus } from '../../../../src/core/render/blocks/remediation';
import { MESSAGE_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import type { RemediationRequest } from '../../../../src/core/remediations/request';
import { buttons, visibleText } from '../blocks/builders';
import { APPROVER, NOW, aRequest, approvedBy, minutesBefore, okResult } from './builders';

const status = (request: RemediationRequest, remediationTitle?: string) => {
  const payload = renderRequesterStatus(request, { now: NOW, ...(remediationTitle ? { remediationTitle } : {}) });
  expect(limitViolations(payload, MESSAGE_BUDGET)).toEqual([]);
  expect(buttons(payload.blocks)).toEqual([]);
  return { text: visibleText(payload.blocks), fallback: payload.text };
};

describe('renderRequesterStatus', () => {
  it('when the request is pending, then the requester sees what they asked for, its status and that they can wait', () => {
    const { text, fallback } = status(aRequest(), 'Block all public access');
    expect(text).toContain('Your remediation request: *Block all public access*\n`acme-logs` · account `111111111111`');
    expect(text).toContain('*Waiting for approval* · 0 of 1 approval\nExpires in 23 h (2026-11-02 11:50 UTC).');
    expect(text).toContain('*Next*: An approver reviews it in the approvals channel;');
    expect(text).toContain('If it is not approved by 2026-11-02 11:50 UTC, it expires and you can ask again.');
    expect(text).toContain('1 API call: `PutPublicAccessBlock` (s3, us-east-1)');
    expect(text).toContain('*You wrote*: Public bucket flagged by the audit');
    expect(fallback).toBe('Your remediation request for acme-logs: Waiting for approval.');
  });

  it('when no remediation title is given, then what is wrong with the finding names the request', () => {
    expect(status(aRequest()).text).toContain('Your remediation request: *S3 bucket does not block public access*');
  });

  it('when it is executing, then the requester is told there is nothing to do', () => {
    const { text } = status(aRequest({ status: 'executing', approvals: approvedBy(APPROVER) }));
    expect(text).toContain(':gear: *Executing…* · approved by <@U0APPROVE>');
    expect(text).toContain('*Next*: Nothing to do: cloudsec is making the calls');
  });

  it('when it succeeded, then the requester is told it is done, and a dry run says nothing changed', () => {
    const done = { status: 'succeeded' as const, approvals: approvedBy(APPROVER), finishedAt: minutesBefore(1) };
    expect(status(aRequest({ ...done, result: okResult() })).text).toContain(
      '*Next*: Nothing to do: the change is made and the check passes.',
    );
    const dry = status(aRequest({ ...done, result: okResult({ dryRun: true, verification: null }) }));
    expect(dry.text).toContain('*Succeeded* (dry run)');
    expect(dry.text).toContain('Nothing changed in AWS (dry run).');
    expect(dry.fallback).toContain('Succeeded (dry run).');
  });

  it('when it failed, then the reason is shown and the requester is sent to the thread and to ask again', () => {
    const { text } = status(aRequest({ status: 'failed', reason: 'NoSuchBucket: the bucket does not exist' }));
    expect(text).toContain(':x: *Failed*');
    expect(text).toContain('NoSuchBucket: the bucket does not exist');
    expect(text).toContain("Read what AWS answered in the approval card's thread");
    expect(text).toContain('`/cloudsec remediate f_00000000000000aa`');
  });

  it('when it was denied, then the requester sees who denied it and why, and how to try again', () => {
    const { text } = status(aRequest({ status: 'denied', decidedBy: APPROVER, reason: 'Use CloudFront.' }));
    expect(text).toContain(':no_entry: *Denied* by <@U0APPROVE>: Use CloudFront.');
    expect(text).toContain('*Next*: Talk to <@U0APPROVE> about the reason;');
  });

  it('when it expired, then the requester is told to ask again', () => {
    const { text } = status(aRequest({ status: 'expired', expiresAt: minutesBefore(5) }));
    expect(text).toContain('*Expired*');
    expect(text).toContain(
      'It did not get its approvals in time. Ask again with `/cloudsec remediate f_00000000000000aa`',
    );
  });

  it('when it was a no-op, then the requester is told the finding already passes', () => {
    const { text } = status(aRequest({ status: 'no_op', approvals: approvedBy(APPROVER) }));
    expect(text).toContain('*No change needed*');
    expect(text).toContain('*Next*: Nothing to do: the finding already passes.');
  });
});
