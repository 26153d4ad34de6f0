import {
  modalViolations,
  renderBreakGlassModal,
  renderDenyModal,
  renderRequestModal,
  type InputBlock,
  type ModalView,
  type RequestModalData,
} from '../../../../src/core/render/blocks/remediation';
import type { Block } from '../../../../src/core/render/blocks';
import { visibleText } from '../blocks/builders';
import { REQUEST_ID, S3_BLOCK, aRequest, putPublicAccessBlock } from './builders';

const checked = (view: ModalView) => {
  expect(modalViolations(view)).toEqual([]);
  return view;
};
const inputOf = (view: ModalView) => view.blocks.find((b): b is InputBlock => b.type === 'input')!;
const textOf = (view: ModalView) => visibleText(view.blocks.filter((b): b is Block => b.type !== 'input'));

const requestData = (over: Partial<RequestModalData> = {}): RequestModalData => ({
  finding: aRequest().finding,
  remediation: { id: 's3_block_public_access', ...S3_BLOCK },
  plan: { calls: [putPublicAccessBlock], notes: ['Access points keep their own settings.'] },
  requiredApprovals: 1,
  callbackId: 'remediation.request_submit',
  privateMetadata: JSON.stringify({ findingId: 'f_00000000000000aa' }),
  ...over,
});

describe('renderRequestModal', () => {
  it('when the Remediate button is pressed, then the modal shows the finding, the exact plan, notes and risk', () => {
    const view = checked(renderRequestModal(requestData()));
    const text = textOf(view);
    expect(view.title.text).toBe('Request remediation');
    expect(view.submit.text).toBe('Submit request');
    expect(view.close.text).toBe('Cancel');
    expect(view.callback_id).toBe('remediation.request_submit');
    expect(view.private_metadata).toBe('{"findingId":"f_00000000000000aa"}');
    expect(text).toContain(
      'You are asking to run *Block all public access to the S3 bucket* (`s3_block_public_access`)',
    );
    expect(text).toContain('`acme-logs` · account `111111111111` · `us-east-1`');
    expect(text).toContain('```\n' + JSON.stringify(putPublicAccessBlock.input, null, 2) + '\n```');
    expect(text).toContain('*Notes*\n• Access points keep their own settings.');
    expect(text).toContain('*Risk*: Low · needs 1 approval from someone other than you');
  });

  it('when the modal opens, then the justification is a required multiline field of 10 to 2000 characters', () => {
    const input = inputOf(renderRequestModal(requestData()));
    expect(input.block_id).toBe('justification');
    expect(input.optional).toBeUndefined();
    expect(input.element).toMatchObject({
      type: 'plain_text_input',
      action_id: 'value',
      multiline: true,
      min_length: 10,
      max_length: 2000,
    });
  });

  it('when the remediation is high risk and irreversible, then the modal says two others must approve and why it is final', () => {
    const text = textOf(
      renderRequestModal(
        requestData({
          remediation: { id: 'x', title: 'Require IMDSv2', risk: 'high', irreversible: { reason: 'No way back.' } },
          requiredApprovals: 2,
        }),
      ),
    );
    expect(text).toContain(
      ':warning: *High*: can cut off access or break workloads · needs 2 approvals from different people, none of them you',
    );
    expect(text).toContain(':no_entry_sign: *Cannot be undone*: No way back.');
  });

  it('when the plan is huge, then the modal stays within Slack limits and says what it left out', () => {
    const calls = Array.from({ length: 150 }, (_, i) => ({
      ...putPublicAccessBlock,
      input: { Bucket: `b${i}`, Pad: 'p'.repeat(3000) },
    }));
    const view = checked(renderRequestModal(requestData({ plan: { calls, notes: [] } })));
    const text = textOf(view);
    const shown = (text.match(/^\*\d+\.\* `PutPublicAccessBlock`/gm) ?? []).length;
    expect(shown + Number(/…and (\d+) more calls? not shown here/.exec(text)?.[1])).toBe(150);
    expect(inputOf(view).block_id).toBe('justification');
  });

  it('when private_metadata is longer than Slack keeps, then rendering refuses rather than cut it', () => {
    expect(() => renderRequestModal(requestData({ privateMetadata: 'x'.repeat(3001) }))).toThrow(/private_metadata/);
    expect(() => renderRequestModal(requestData({ privateMetadata: 'x'.repeat(3000) }))).not.toThrow();
  });

  it('when no callback id is given, then the request modal uses remediation.request_submit', () => {
    const { callbackId: _omit, ...rest } = requestData();
    expect(renderRequestModal(rest).callback_id).toBe('remediation.request_submit');
  });
});

describe('renderDenyModal', () => {
  it('when Deny is pressed, then the modal asks for a required reason and carries the request id', () => {
    const view = checked(renderDenyModal({ requestId: REQUEST_ID, callbackId: 'remediation.deny_submit' }));
    expect(view.callback_id).toBe('remediation.deny_submit');
    expect(view.private_metadata).toBe(REQUEST_ID);
    expect(view.title.text).toBe('Deny remediation');
    expect(view.submit.text).toBe('Deny');
    const input = inputOf(view);
    expect(input.block_id).toBe('reason');
    expect(input.element.action_id).toBe('value');
    expect(input.optional).toBeUndefined();
    expect(input.element.min_length).toBeGreaterThan(0);
    expect(textOf(view)).toContain('The requester sees your reason');
  });

  it('when the request id is not one the store makes, then the modal is not rendered', () => {
    expect(() => renderDenyModal({ requestId: '{"id":"x"}' })).toThrow(RangeError);
  });
});

describe('renderBreakGlassModal', () => {
  it('when a requester approves their own request, then the modal says what is bypassed and asks for a reason', () => {
    const view = checked(renderBreakGlassModal({ requestId: REQUEST_ID, callbackId: 'remediation.breakglass_submit' }));
    expect(view.callback_id).toBe('remediation.breakglass_submit');
    expect(view.private_metadata).toBe(REQUEST_ID);
    expect(view.title.text).toBe('Break-glass approval');
    const text = textOf(view);
    expect(text).toContain('*You are approving your own request.* This bypasses separation of duties');
    expect(text).toContain('posted to the approvals channel');
    const input = inputOf(view);
    expect(input.block_id).toBe('reason');
    expect(input.element.min_length).toBe(20);
  });
});

describe('modalViolations', () => {
  it('when a modal breaks Slack limits, then each problem is named', () => {
    const view = renderDenyModal({ requestId: REQUEST_ID });
    const broken: ModalView = {
      ...view,
      title: { type: 'plain_text', text: 'x'.repeat(25) },
      private_metadata: 'm'.repeat(3001),
      blocks: [...view.blocks, inputOf(view)],
    };
    const problems = modalViolations(broken).join('\n');
    expect(problems).toContain('title: 25 > 24');
    expect(problems).toContain('private_metadata: 3001 > 3000');
    expect(problems).toContain('duplicate block_id reason');
  });
});
