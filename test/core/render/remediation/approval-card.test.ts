import { GLOBAL_REGION } from '../../../../src/core/model';
import type { ApiCall } from '../../../../src/core/remediations/define';
import { renderApprovalCard, type ApprovalCardOptions } from '../../../../src/core/render/blocks/remediation';
import { MESSAGE_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import type { RemediationRequest } from '../../../../src/core/remediations/request';
import { aFinding, buttons, visibleText } from '../blocks/builders';
import {
  APPROVER,
  NOW,
  REQUEST_ID,
  S3_BLOCK,
  SECOND_APPROVER,
  aRequest,
  approvedBy,
  minutesAfter,
  minutesBefore,
  okResult,
  putPublicAccessBlock,
} from './builders';

const card = (request: RemediationRequest, over: Partial<ApprovalCardOptions> = {}) => {
  const payload = renderApprovalCard(request, { now: NOW, remediation: S3_BLOCK, ...over });
  expect(limitViolations(payload, MESSAGE_BUDGET)).toEqual([]);
  return payload;
};
const textOf = (request: RemediationRequest, over: Partial<ApprovalCardOptions> = {}) =>
  visibleText(card(request, over).blocks);
const actionIds = (request: RemediationRequest, over: Partial<ApprovalCardOptions> = {}) =>
  buttons(card(request, over).blocks).map((b) => b.action_id);

const finished = { finishedAt: minutesBefore(1), approvals: approvedBy(APPROVER) };

describe('renderApprovalCard while pending', () => {
  it('when a request is pending, then approvers see the finding, who asked, why, the risk, approvals and expiry', () => {
    const text = textOf(aRequest());
    expect(text).toContain('Remediation request: Block all public access to the S3 bucket');
    expect(text).toContain(':hourglass_flowing_sand: *Waiting for approval* · 0 of 1 approval');
    expect(text).toContain(':large_orange_circle: *High* · *S3 bucket does not block public access*');
    expect(text).toContain('`acme-logs` · account `111111111111` · `us-east-1` · AwsS3Bucket');
    expect(text).toContain('Bucket acme-logs does not block public access: blockPublicAcls off.');
    expect(text).toContain('_Evidence_: `blockPublicAcls`: false · `bucketPolicyPublic`: true');
    expect(text).toContain('*Requested by*\n<@U0REQUEST> 10 min ago');
    expect(text).toContain('*Justification*\nPublic bucket flagged by the audit; nothing should read it publicly.');
    expect(text).toContain('*Risk*\nLow');
    expect(text).toContain('*Approvals*\n0 of 1 approval');
    expect(text).toContain('*Expires*\nin 23 h (2026-11-02 11:50 UTC)');
  });

  it('when a request is pending, then the exact call is shown as pretty JSON in a code block', () => {
    const text = textOf(aRequest());
    expect(text).toContain(
      '*1.* `PutPublicAccessBlock` · `s3` · `us-east-1`\n```\n' +
        JSON.stringify(putPublicAccessBlock.input, null, 2) +
        '\n```',
    );
    expect(text).toContain('*API calls* · 1 call, in the order they run');
    expect(text).not.toContain('shown in part');
  });

  it('when a request is pending, then Approve (primary) and Deny (danger) carry the request id', () => {
    const shown = buttons(card(aRequest()).blocks);
    expect(shown).toEqual([
      expect.objectContaining({
        action_id: 'remediation.approve',
        value: REQUEST_ID,
        style: 'primary',
        text: expect.objectContaining({ text: 'Approve' }),
      }),
      expect.objectContaining({
        action_id: 'remediation.deny',
        value: REQUEST_ID,
        style: 'danger',
        text: expect.objectContaining({ text: 'Deny' }),
      }),
    ]);
  });

  it('when a two-approval request has one approval, then it says who approved and that another person is needed', () => {
    const request = aRequest({ requiredApprovals: 2, approvals: approvedBy(APPROVER) });
    const text = textOf(request, { remediation: { ...S3_BLOCK, risk: 'high' } });
    expect(text).toContain('1 of 2 approvals (<@U0APPROVE>) · needs one more, from someone else');
    expect(text).toContain(':warning: *High*: can cut off access or break workloads');
    expect(actionIds(request)).toEqual(['remediation.approve', 'remediation.deny']);
  });

  it('when dry-run mode is on, then the card is labelled DRY RUN before anything runs', () => {
    expect(textOf(aRequest(), { dryRun: true })).toContain(':test_tube: *DRY RUN*');
    expect(card(aRequest(), { dryRun: true }).text).toMatch(/^\[DRY RUN\] /);
    expect(textOf(aRequest())).not.toContain('DRY RUN');
  });

  it('when the remediation cannot be undone, then the risk says so and why', () => {
    const text = textOf(aRequest(), {
      remediation: { ...S3_BLOCK, irreversible: { reason: 'AWS has no call that restores it.' } },
    });
    expect(text).toContain(':no_entry_sign: Cannot be undone: AWS has no call that restores it.');
  });
});

describe('renderApprovalCard after a decision', () => {
  const cases: [string, Partial<RemediationRequest>, string][] = [
    [
      'approved',
      { status: 'approved', approvals: approvedBy(APPROVER) },
      '*Approved* · approved by <@U0APPROVE>; starting now.',
    ],
    [
      'executing',
      { status: 'executing', approvals: approvedBy(APPROVER, SECOND_APPROVER), requiredApprovals: 2 },
      ':gear: *Executing…* · approved by <@U0APPROVE>, <@W0SECOND>; the calls are being made now.',
    ],
    [
      'succeeded',
      { status: 'succeeded', ...finished, result: okResult() },
      ':white_check_mark: *Succeeded* · approved by <@U0APPROVE>\nVerified: the check passes now.',
    ],
    [
      'failed',
      {
        status: 'failed',
        ...finished,
        reason: 'AccessDenied: User is not authorized to perform s3:PutBucketPublicAccessBlock',
      },
      ':x: *Failed* · approved by <@U0APPROVE>\nAccessDenied: User is not authorized to perform s3:PutBucketPublicAccessBlock',
    ],
    [
      'denied',
      { status: 'denied', finishedAt: minutesBefore(1), decidedBy: APPROVER, reason: 'Serves the public <website>.' },
      ':no_entry: *Denied* by <@U0APPROVE>: Serves the public &lt;website&gt;.',
    ],
    [
      'expired',
      { status: 'expired', finishedAt: NOW.toISOString(), expiresAt: minutesBefore(0) },
      ':hourglass: *Expired* 2026-11-01 12:00 UTC with 0 of 1 approval; nothing was changed.',
    ],
    [
      'no_op',
      { status: 'no_op', ...finished },
      ':information_source: *No change needed* · The finding already passed when it was checked again; nothing was changed.',
    ],
    [
      'cancelled',
      { status: 'cancelled', finishedAt: minutesBefore(1), decidedBy: { kind: 'cli', id: 'ops' }, reason: 'duplicate' },
      '*Cancelled* by `ops` (CLI): duplicate',
    ],
  ];

  it.each(cases)(
    'when the request is %s, then the buttons are gone and the status says what happened',
    (_, over, status) => {
      const request = aRequest(over);
      expect(textOf(request)).toContain(status);
      expect(actionIds(request)).toEqual([]);
      expect(textOf(request)).not.toContain('*Expires*');
    },
  );

  it('when the run was a dry run, then the card and its status say DRY RUN', () => {
    const request = aRequest({
      status: 'succeeded',
      ...finished,
      result: okResult({ dryRun: true, verification: null }),
    });
    const text = textOf(request);
    expect(text).toContain(':test_tube: *DRY RUN*: everything happens except the AWS write');
    expect(text).toContain('*Succeeded* (dry run) · approved by <@U0APPROVE>');
  });

  it('when a succeeded request is within its undo window, then Undo carries the request id and the deadline is shown', () => {
    const request = aRequest({ status: 'succeeded', ...finished, result: okResult() });
    const payload = card(request, { undoUntil: new Date(minutesAfter(60 * 23)) });
    expect(buttons(payload.blocks)).toEqual([
      expect.objectContaining({ action_id: 'remediation.undo', value: REQUEST_ID }),
    ]);
    expect(visibleText(payload.blocks)).toContain('Undo is possible until 2026-11-02 11:00 UTC (in 23 h).');
  });

  it('when the undo window has passed, is absent, or the remediation is irreversible, then there is no Undo', () => {
    const request = aRequest({ status: 'succeeded', ...finished, result: okResult() });
    expect(actionIds(request, { undoUntil: new Date(minutesBefore(1)) })).toEqual([]);
    expect(actionIds(request, { undoUntil: null })).toEqual([]);
    expect(actionIds(request)).toEqual([]);
    expect(
      actionIds(request, {
        undoUntil: new Date(minutesAfter(60)),
        remediation: { ...S3_BLOCK, irreversible: { reason: 'no inverse' } },
      }),
    ).toEqual([]);
  });

  it('when a request failed or is itself an undo, then there is no Undo even within the window', () => {
    const undoUntil = new Date(minutesAfter(60));
    expect(actionIds(aRequest({ status: 'failed', ...finished, reason: 'x' }), { undoUntil })).toEqual([]);
    const undo = aRequest({
      kind: 'undo',
      undoOf: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      status: 'succeeded',
      ...finished,
    });
    expect(actionIds(undo, { undoUntil })).toEqual([]);
    expect(textOf(undo)).toContain('Undo request: Block all public access');
    expect(textOf(undo)).toContain('This request undoes request `aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`.');
  });
});

describe('renderApprovalCard with awkward data', () => {
  it('when the justification and resource carry Slack markup, then it is shown escaped and mentions no one', () => {
    const request = aRequest({
      justification: '<!channel> see <https://evil.example|this>\n> quoted & bold',
      finding: aFinding({ resource: { type: 'AwsS3Bucket', id: '<@U999>bucket', arn: null } }),
    });
    const text = textOf(request);
    expect(text).toContain('&lt;!channel&gt; see &lt;https://evil.example|this&gt;\n\u200B&gt; quoted &amp; bold');
    expect(text).toContain('`&lt;@U999&gt;bucket`');
    expect(text.replace(/<@U0REQUEST>/g, '')).not.toMatch(/[<>]/);
  });

  it('when the requester is not a well-formed Slack user id, then they are named, not mentioned', () => {
    const text = textOf(aRequest({ requester: { kind: 'slack-user', id: '!channel' } }));
    expect(text).toContain('*Requested by*\nSlack user `!channel`');
    expect(text).not.toContain('<@');
  });

  it('when an input is huge, then it is cut with a note and the full plan size is stated', () => {
    const policy = 'x'.repeat(60_000);
    const call: ApiCall = {
      ...putPublicAccessBlock,
      command: 'PutBucketPolicy',
      input: { Bucket: 'b', Policy: policy },
    };
    const full = JSON.stringify(call.input, null, 2).length;
    const text = textOf(aRequest({ plan: { calls: [call], before: null, notes: [] } }));
    const number = (re: RegExp) => Number(re.exec(text)?.[1]?.replace(/,/g, ''));
    expect(number(/_Input shown in part: the first part of ([\d,]+) characters\._/)).toBe(full);
    expect(number(/The full plan is 1 call with ([\d,]+) characters of input JSON/)).toBe(full);
    expect(text).toContain('"Policy": "xxx');
    expect(text).not.toContain(policy);
  });

  it('when a plan has more calls than fit, then the shown and "more" counts add up to the plan', () => {
    const calls = Array.from({ length: 80 }, (_, i) => ({ ...putPublicAccessBlock, input: { Bucket: `bucket-${i}` } }));
    const text = textOf(aRequest({ plan: { calls, before: null, notes: [] } }));
    const shown = (text.match(/^\*\d+\.\* `PutPublicAccessBlock`/gm) ?? []).length;
    const more = Number(/…and (\d+) more calls? not shown here/.exec(text)?.[1]);
    expect(shown).toBeGreaterThan(0);
    expect(shown + more).toBe(80);
    expect(text).toContain('*API calls* · 80 calls');
  });

  it('when an input contains backticks, then they cannot close the code block, and the card says how they are shown', () => {
    const call = { ...putPublicAccessBlock, input: { Bucket: 'a```b' } };
    const text = textOf(aRequest({ plan: { calls: [call], before: null, notes: [] } }));
    expect(text).toContain('"Bucket": "aˋˋˋb"');
    expect(text).toContain('Backticks in values are shown as ˋ');
  });

  it('when a call looks a value up first, then the card says what it reads and which input it fills', () => {
    const calls: ApiCall[] = [
      {
        service: 'iam',
        region: GLOBAL_REGION,
        command: 'ListAccessKeys',
        input: { UserName: 'bob' },
        lookup: {
          as: 'bob:access_key_1',
          select: { kind: 'iamAccessKey', userName: 'bob', keyNumber: 1, createdAt: '2024-01-02T03:04:05Z' },
        },
      },
      {
        service: 'iam',
        region: GLOBAL_REGION,
        command: 'UpdateAccessKey',
        input: { UserName: 'bob', Status: 'Inactive' },
        bind: { AccessKeyId: 'bob:access_key_1' },
      },
    ];
    const text = textOf(aRequest({ plan: { calls, before: null, notes: ['The key stays; it can be reactivated.'] } }));
    expect(text).toContain('Read only: finds access key 1 of `bob` created 2024-01-02T03:04:05Z');
    expect(text).toContain('`AccessKeyId` is filled in with what call 1 finds.');
    expect(text).toContain('*Notes*\n• The key stays; it can be reactivated.');
  });

  it('when the request id is not one the store makes, then rendering refuses (a button would carry it)', () => {
    expect(() => card(aRequest({ id: 'not-an-id' }))).toThrow(RangeError);
  });
});
