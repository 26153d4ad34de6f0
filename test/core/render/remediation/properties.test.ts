import fc from 'fast-check';
import type { Block, TextObject } from '../../../../src/core/render/blocks';
import {
  modalViolations,
  parseJustification,
  renderApprovalCard,
  renderBreakGlassModal,
  renderDenyModal,
  renderRequestModal,
  renderRequesterStatus,
  renderRequestsList,
  renderResultReply,
  type ModalView,
} from '../../../../src/core/render/blocks/remediation';
import { BLOCK_KIT, MESSAGE_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import { buttons, textObjects } from '../blocks/builders';
import { callsArb, findingArb, iso, now, requestArb, text } from './arbitraries';

/** `<@U…>` mentions are written by cloudsec from validated Slack ids; nothing else may be markup. */
const MENTION = /<@[UW][A-Z0-9]{2,20}>/g;

const expectNoForgeableMarkup = (texts: readonly TextObject[]) => {
  for (const t of texts) {
    expect(t.text.replace(MENTION, '')).not.toMatch(/[<>]/);
    if (t.type === 'mrkdwn') expect(t.text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(t.text.length).toBeGreaterThanOrEqual(1);
    expect(t.text.length).toBeLessThanOrEqual(BLOCK_KIT.textObject);
  }
};

const expectFitsMessage = (payload: { text: string; blocks: Block[] }) => {
  expect(limitViolations(payload, MESSAGE_BUDGET)).toEqual([]);
  expectNoForgeableMarkup([...textObjects(payload.blocks).map(({ t }) => t), { type: 'mrkdwn', text: payload.text }]);
};

const expectFitsModal = (view: ModalView) => {
  expect(modalViolations(view)).toEqual([]);
  const plainTexts = [
    view.title,
    view.submit,
    view.close,
    ...view.blocks.flatMap((b) =>
      b.type === 'input'
        ? [b.label, ...(b.hint ? [b.hint] : []), ...(b.element.placeholder ? [b.element.placeholder] : [])]
        : [],
    ),
  ];
  expectNoForgeableMarkup([
    ...textObjects(view.blocks.filter((b): b is Block => b.type !== 'input')).map(({ t }) => t),
    ...plainTexts,
  ]);
};

const labelArb = fc.record({
  title: text,
  risk: fc.constantFrom('low' as const, 'high' as const),
  irreversible: fc.option(fc.record({ reason: text })),
});
const undoUntilArb = fc.option(now, { nil: null });

describe('remediation renderers, for any request', () => {
  it('when an approval card is rendered, then it fits Slack, escapes data, and has exactly the buttons its state allows', () => {
    fc.assert(
      fc.property(
        requestArb,
        now,
        labelArb,
        undoUntilArb,
        fc.boolean(),
        (request, at, remediation, undoUntil, dryRun) => {
          const payload = renderApprovalCard(request, { now: at, remediation, undoUntil, dryRun });
          expectFitsMessage(payload);
          const shown = buttons(payload.blocks);
          const ids = shown.map((b) => b.action_id);
          const undoable =
            request.status === 'succeeded' &&
            request.kind === 'remediate' &&
            !remediation.irreversible &&
            undoUntil !== null &&
            undoUntil.getTime() > at.getTime();
          expect(ids).toEqual(
            request.status === 'pending'
              ? ['remediation.approve', 'remediation.deny']
              : undoable
                ? ['remediation.undo']
                : [],
          );
          for (const b of shown) expect(b.value).toBe(request.id);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('when a plan is cut to fit, then the calls shown plus those counted as left out make up the plan', () => {
    fc.assert(
      fc.property(requestArb, now, labelArb, (request, at, remediation) => {
        const payload = renderApprovalCard(request, { now: at, remediation });
        const sections = payload.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
        const shown = sections.filter((t) => /^\*\d+\.\* /.test(t)).length;
        const contexts = payload.blocks.flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : []));
        const more = contexts.map((t) => /…and ([\d,]+) more calls? not shown here/.exec(t)).find(Boolean);
        expect(shown + (more ? Number(more[1]!.replace(/,/g, '')) : 0)).toBe(request.plan.calls.length);
      }),
      { numRuns: 100 },
    );
  });

  it('when the requester status or the result reply is rendered, then it fits Slack and escapes data', () => {
    fc.assert(
      fc.property(requestArb, now, fc.option(text, { nil: undefined }), (request, at, remediationTitle) => {
        const status = renderRequesterStatus(request, {
          now: at,
          ...(remediationTitle !== undefined ? { remediationTitle } : {}),
        });
        expectFitsMessage(status);
        expect(buttons(status.blocks)).toEqual([]);
        expectFitsMessage(renderResultReply(request));
      }),
      { numRuns: 150 },
    );
  });

  it('when a list of requests is rendered, then it fits Slack, escapes data and counts honestly', () => {
    fc.assert(
      fc.property(
        fc.array(requestArb, { maxLength: 70 }),
        now,
        fc.constantFrom('pending' as const, 'mine' as const, 'all' as const),
        fc.option(fc.nat(500), { nil: undefined }),
        (requests, at, filter, total) => {
          const payload = renderRequestsList(requests, { now: at, filter, ...(total !== undefined ? { total } : {}) });
          expectFitsMessage(payload);
          const all = Math.max(total ?? 0, requests.length);
          const shown = payload.blocks.filter(
            (b) => b.type === 'section' && b.text?.text.includes('\nRequested by '),
          ).length;
          const footer = textObjects(payload.blocks)
            .map(({ t }) => /Showing the newest (\d+) of (\d+); (\d+) older/.exec(t.text))
            .find(Boolean);
          if (shown < all && shown > 0) {
            expect(Number(footer?.[1])).toBe(shown);
            expect(Number(footer?.[2])).toBe(all);
            expect(Number(footer?.[3])).toBe(all - shown);
          } else expect(footer).toBeUndefined();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('when a request modal is rendered, then it fits a modal, escapes data and always has the justification field', () => {
    fc.assert(
      fc.property(
        findingArb,
        fc.record({ id: text, title: text, risk: fc.constantFrom('low' as const, 'high' as const) }),
        callsArb,
        fc.array(text, { maxLength: 10 }),
        fc.integer({ min: 1, max: 2 }),
        fc.string({ maxLength: 3000 }),
        (finding, remediation, calls, notes, requiredApprovals, privateMetadata) => {
          const view = renderRequestModal({
            finding,
            remediation,
            plan: { calls, notes },
            requiredApprovals,
            privateMetadata,
          });
          expectFitsModal(view);
          expect(view.private_metadata).toBe(privateMetadata);
          expect(
            view.blocks.filter((b) => b.type === 'input').map((b) => (b.type === 'input' ? b.block_id : '')),
          ).toEqual(['justification']);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('when deny and break-glass modals are rendered for any request id, then they fit and carry the id', () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        for (const view of [renderDenyModal({ requestId: id }), renderBreakGlassModal({ requestId: id })]) {
          expectFitsModal(view);
          expect(view.private_metadata).toBe(id);
        }
      }),
    );
  });

  it('when any text is submitted as a justification, then it is accepted exactly when its trimmed length is 10–2000 characters', () => {
    fc.assert(
      fc.property(fc.oneof(text, iso, fc.string({ unit: 'grapheme', maxLength: 2100 })), (typed) => {
        const parsed = parseJustification({
          values: { justification: { value: { type: 'plain_text_input', value: typed } } },
        });
        const n = Array.from(typed.trim()).length;
        expect(parsed.ok).toBe(n >= 10 && n <= 2000);
        if (parsed.ok) expect(parsed.value).toBe(typed.trim());
        else expect(Object.keys(parsed.errors)).toEqual(['justification']);
      }),
      { numRuns: 200 },
    );
  });
});
