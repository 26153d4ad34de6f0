import { modal, textInput } from '../../src/core/render/blocks/remediation/modal-kit';
import { section } from '../../src/core/render/blocks';
import { RequestIdValueSchema } from '../../src/core/render/blocks/remediation';

export const UNDO_SUBMIT = 'remediation.undo_submit';
export const UNDO_INPUT = { blockId: 'justification', actionId: 'value' } as const;

/** Asks why a succeeded remediation should be undone; the undo then goes through approval like any request. */
export const renderUndoModal = (data: { requestId: string }) =>
  modal({
    callbackId: UNDO_SUBMIT,
    title: 'Undo remediation',
    submit: 'Request undo',
    close: 'Cancel',
    privateMetadata: RequestIdValueSchema.parse(data.requestId),
    blocks: [
      section(
        'The inverse calls are planned from the state recorded before the fix, and need approval like the fix did.',
      ),
      textInput({
        blockId: UNDO_INPUT.blockId,
        actionId: UNDO_INPUT.actionId,
        label: 'Why undo it?',
        minLength: 10,
        maxLength: 2000,
      }),
    ],
  });
