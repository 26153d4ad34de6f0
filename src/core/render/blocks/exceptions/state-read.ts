import { z } from 'zod';
import { EXCEPTION_INPUTS, type ExceptionInputName } from './ids';

/**
 * Reading the accepted-risk modals' `view.state`: the parsers take `view.state` or
 * `view.state.values` (callers hold one or the other), read only the fields they know, and tell a
 * missing field from one of the wrong shape. Nothing here throws.
 */

export const EXCEPTION_TEXT_LIMITS = {
  reason: { min: 10, max: 2000 },
  /** Why a request or an extension is denied, or an exception revoked. */
  decisionReason: { min: 5, max: 1000 },
  extensionReason: { min: 10, max: 2000 },
  /** Each scope field (Slack's most for a text input). */
  scopeField: { max: 3000 },
} as const;

export type FieldErrors = Record<string, string>;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `values[blockId][actionId]` from `view.state` or `view.state.values`; undefined when not there. */
export const elementState = (viewState: unknown, blockId: string, actionId: string): unknown => {
  if (!isRecord(viewState)) return undefined;
  const values = isRecord(viewState['values']) && !(blockId in viewState) ? viewState['values'] : viewState;
  const block = values[blockId];
  return isRecord(block) ? block[actionId] : undefined;
};

export const TextStateSchema = z.object({ value: z.string().nullable().optional() });
export const UserStateSchema = z.object({ selected_user: z.string().nullable().optional() });
export const DateStateSchema = z.object({ selected_date: z.string().nullable().optional() });

export type Read = { kind: 'missing' } | { kind: 'malformed' } | { kind: 'value'; value: string };

export const read = <S extends z.ZodType>(schema: S, key: string, state: unknown): Read => {
  if (state === undefined) return { kind: 'missing' };
  const parsed = schema.safeParse(state);
  if (!parsed.success) return { kind: 'malformed' };
  const value = (parsed.data as Record<string, unknown>)[key];
  return typeof value === 'string' ? { kind: 'value', value } : { kind: 'missing' };
};

export const textOf = (viewState: unknown, field: ExceptionInputName): Read => {
  const { blockId, actionId } = EXCEPTION_INPUTS[field];
  return read(TextStateSchema, 'value', elementState(viewState, blockId, actionId));
};

export const blockOf = (field: ExceptionInputName): string => EXCEPTION_INPUTS[field].blockId;

/** Characters as people (and Slack's min/max_length) count them, not UTF-16 units. */
export const characters = (s: string) => Array.from(s).length;

export const quoted = (s: string) => `"${s.length > 60 ? `${s.slice(0, 59)}…` : s}"`;

export type FieldResult<T> = { ok: true; value: T } | { ok: false; message: string };

export const MALFORMED = 'This field could not be read; close the dialog and open it again.';
