import { z } from 'zod';
import { thousands } from './format';
import { REMEDIATION_INPUTS } from './ids';
import { TEXT_LIMITS } from './modals';

/**
 * `view.state.values` from a view_submission: `[block_id][action_id].value`. Only what the parsers read
 * is checked; other fields Slack sends pass through.
 */
const ValuesSchema = z.record(
  z.string(),
  z.record(z.string(), z.looseObject({ value: z.string().nullable().optional() })),
);
const ViewStateSchema = z.object({ values: ValuesSchema });

/** The parsers take `view.state` or `view.state.values`: callers hold one or the other. */
const valuesOf = (viewState: unknown, blockId: string): z.infer<typeof ValuesSchema> | null => {
  const values = ValuesSchema.safeParse(viewState);
  if (values.success && blockId in values.data) return values.data;
  const state = ViewStateSchema.safeParse(viewState);
  return state.success ? state.data.values : null;
};

/**
 * A typed value, or the errors to send back as `ack({ response_action: 'errors', errors })`: keyed by
 * block_id, so Slack shows each message under its field and keeps the modal open.
 */
export type TextFieldResult = { ok: true; value: string } | { ok: false; errors: Record<string, string> };

interface Field {
  blockId: string;
  actionId: string;
  min: number;
  max: number;
  /** "say why this change is needed": finishes "Please …". */
  ask: string;
}

/** Characters as people (and Slack's min/max_length) count them, not UTF-16 units. */
const characters = (s: string) => Array.from(s).length;

const parseTextField = (viewState: unknown, field: Field): TextFieldResult => {
  const fail = (message: string): TextFieldResult => ({ ok: false, errors: { [field.blockId]: message } });
  const raw = valuesOf(viewState, field.blockId)?.[field.blockId]?.[field.actionId]?.value;
  const value = (raw ?? '').trim();
  if (value === '') return fail(`Please ${field.ask}.`);
  const n = characters(value);
  if (n < field.min) return fail(`Please write at least ${field.min} characters (you wrote ${n}).`);
  if (n > field.max) return fail(`Please keep it to ${thousands(field.max)} characters (you wrote ${thousands(n)}).`);
  return { ok: true, value };
};

/** The request modal's justification (block `justification`). */
export const parseJustification = (viewState: unknown): TextFieldResult =>
  parseTextField(viewState, {
    ...REMEDIATION_INPUTS.justification,
    ...TEXT_LIMITS.justification,
    ask: 'say why this change is needed',
  });

/** The deny modal's reason (block `reason`). */
export const parseDenyReason = (viewState: unknown): TextFieldResult =>
  parseTextField(viewState, {
    ...REMEDIATION_INPUTS.denyReason,
    ...TEXT_LIMITS.denyReason,
    ask: 'give the requester a reason for the denial',
  });

/** The break-glass modal's mandatory reason (block `reason`). */
export const parseBreakGlassReason = (viewState: unknown): TextFieldResult =>
  parseTextField(viewState, {
    ...REMEDIATION_INPUTS.breakGlassReason,
    ...TEXT_LIMITS.breakGlassReason,
    ask: 'say why this cannot wait for another approver',
  });
