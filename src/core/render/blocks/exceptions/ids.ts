import { z } from 'zod';

/**
 * Slack ids of the accepted-risk (exception) surfaces, `domain.verb` as the design asks, and the
 * schemas of what their buttons and modals carry. A button carries an id and nothing else that is
 * trusted: the handler loads the exception (or the finding) and authorizes again.
 */
export const EXCEPTION_ACTION_IDS = {
  /** "Accept risk…" on a failing finding; value: the finding id (`f_…`). */
  request: 'exception.request',
  /** Approval card, pending; value: the exception id. */
  approve: 'exception.approve',
  deny: 'exception.deny',
  /** Approval card, active; reminders (Extend). Value: the exception id. */
  revoke: 'exception.revoke',
  extend: 'exception.extend',
  /** Approval card and extension card, extension pending; value: the exception id. */
  extendApprove: 'exception.extend_approve',
  extendDeny: 'exception.extend_deny',
  /** "12 accepted risks hidden · Show" and the next page of that list; value: ShowHiddenValueSchema. */
  showHidden: 'exception.show_hidden',
  /** Next page of `/cloudsec exceptions …`; value: ListPageValueSchema. */
  listPage: 'exception.list_page',
  /**
   * Dispatched by the scope inputs of the "Accept risk…" modal (`dispatch_action: true`) when Enter
   * is pressed in one of them: a `block_actions` payload from the view, whose `view.state.values`
   * holds the edited scope and whose `view.private_metadata` holds RequestModalMetadata. The
   * handler parses the scope (`parseScopeInputs`), counts it again and `views.update`s the modal
   * with `renderRequestModal` (same block ids, so what was typed stays).
   */
  preview: 'exception.preview',
} as const;

/** `callback_id` of each modal, so the view handlers tell the submissions apart. */
export const EXCEPTION_CALLBACK_IDS = {
  requestModal: 'exception.request_modal',
  denyModal: 'exception.deny_modal',
  revokeModal: 'exception.revoke_modal',
  extendModal: 'exception.extend_modal',
  /** Deny of an extension: the same reason modal, told apart by its callback id. */
  extendDenyModal: 'exception.extend_deny_modal',
} as const;

/**
 * Where each input sits in `view.state.values[block_id][action_id]`. Scope inputs dispatch
 * `exception.preview` (block_actions carry the element's action_id), so their action id is that;
 * the others use `value`, as remediation's modals do.
 */
export const EXCEPTION_INPUTS = {
  checks: { blockId: 'scope_checks', actionId: EXCEPTION_ACTION_IDS.preview },
  resources: { blockId: 'scope_resources', actionId: EXCEPTION_ACTION_IDS.preview },
  accounts: { blockId: 'scope_accounts', actionId: EXCEPTION_ACTION_IDS.preview },
  regions: { blockId: 'scope_regions', actionId: EXCEPTION_ACTION_IDS.preview },
  tags: { blockId: 'scope_tags', actionId: EXCEPTION_ACTION_IDS.preview },
  reason: { blockId: 'reason', actionId: 'value' },
  owner: { blockId: 'owner', actionId: 'value' },
  expiry: { blockId: 'expiry', actionId: 'value' },
} as const;
export type ExceptionInputName = keyof typeof EXCEPTION_INPUTS;

/** A finding id as src/core/findings.ts makes them: `f_` and 16 hex digits. */
export const FindingIdValueSchema = z.string().regex(/^f_[0-9a-f]{16}$/, 'not a finding id');

/** A Slack-made exception id as the store makes them (`ex_` and 96 random bits in hex). */
export const SlackExceptionIdSchema = z.string().regex(/^ex_[0-9a-f]{24}$/, 'not an exception id');

/** A cloudsec.yml exception id: `cfg_` and the entry's name (1-64 lower-case letters, digits, `-`). */
export const ConfigExceptionIdSchema = z.string().regex(/^cfg_[a-z0-9-]{1,64}$/, 'not a cloudsec.yml exception id');

/** Either kind. Approve, Deny, Revoke and Extend only ever carry a Slack-made id: a file is changed in git. */
export const ExceptionIdValueSchema = z.union([SlackExceptionIdSchema, ConfigExceptionIdSchema]);

const SLACK_USER = z.string().regex(/^[UW][A-Z0-9]{2,20}$/);

/**
 * `exception.show_hidden`: `s` is the cached report's scope key (as `findings.page` carries) or,
 * where there is no cached report (a digest), the command's filter text; `o` where the list
 * starts; `u` who asked (a press by anyone else is answered to them alone).
 */
export const ShowHiddenValueSchema = z.object({
  s: z.string().min(1).max(500),
  o: z.number().int().min(0).optional(),
  u: SLACK_USER.optional(),
});
export type ShowHiddenValue = z.infer<typeof ShowHiddenValueSchema>;

export const EXCEPTION_LIST_FILTERS = ['active', 'expiring', 'expired', 'mine'] as const;
export const ExceptionListFilterSchema = z.enum(EXCEPTION_LIST_FILTERS);
export type ExceptionListFilter = z.infer<typeof ExceptionListFilterSchema>;

/** `exception.list_page`: the filter and where the next page starts. */
export const ListPageValueSchema = z.object({ f: ExceptionListFilterSchema, o: z.number().int().min(0) });
export type ListPageValue = z.infer<typeof ListPageValueSchema>;

/** The "Accept risk…" modal's private_metadata: the finding it was opened from. */
export const RequestModalMetadataSchema = z.object({ findingId: FindingIdValueSchema }).strict();
export type RequestModalMetadata = z.infer<typeof RequestModalMetadataSchema>;

/** The deny, revoke and extend modals' private_metadata: the exception they act on. */
export const ExceptionModalMetadataSchema = z.object({ exceptionId: SlackExceptionIdSchema }).strict();
export type ExceptionModalMetadata = z.infer<typeof ExceptionModalMetadataSchema>;

/** JSON text from outside, parsed with a schema; null for anything that is not exactly that. */
const parseJson = <T>(schema: z.ZodType<T>, raw: unknown): T | null => {
  if (typeof raw !== 'string' || raw.length > 3000) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
};

export const parseShowHiddenValue = (raw: unknown): ShowHiddenValue | null => parseJson(ShowHiddenValueSchema, raw);
export const parseListPageValue = (raw: unknown): ListPageValue | null => parseJson(ListPageValueSchema, raw);
export const parseRequestModalMetadata = (raw: unknown): RequestModalMetadata | null =>
  parseJson(RequestModalMetadataSchema, raw);
export const parseExceptionModalMetadata = (raw: unknown): ExceptionModalMetadata | null =>
  parseJson(ExceptionModalMetadataSchema, raw);

/** A button's value that must be a Slack-made exception id (Approve, Deny, Revoke, Extend…); null otherwise. */
export const parseExceptionButtonValue = (raw: unknown): string | null => {
  const parsed = SlackExceptionIdSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
};

/** The "Accept risk…" button's value; null when it is not a finding id. */
export const parseFindingButtonValue = (raw: unknown): string | null => {
  const parsed = FindingIdValueSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
};

export const requestModalMetadata = (findingId: string): string =>
  JSON.stringify({ findingId: assertFindingId(findingId) } satisfies RequestModalMetadata);

export const exceptionModalMetadata = (exceptionId: string): string =>
  JSON.stringify({ exceptionId: assertSlackExceptionId(exceptionId) } satisfies ExceptionModalMetadata);

/** Programming errors, not a user's: a renderer was handed an id the store cannot have made. */
export const assertExceptionId = (id: string): string => {
  if (!ExceptionIdValueSchema.safeParse(id).success)
    throw new RangeError(`Not an exception id: ${JSON.stringify(id.slice(0, 80))}`);
  return id;
};
export const assertSlackExceptionId = (id: string): string => {
  if (!SlackExceptionIdSchema.safeParse(id).success)
    throw new RangeError(`Not a Slack-made exception id: ${JSON.stringify(id.slice(0, 80))}`);
  return id;
};
export const assertFindingId = (id: string): string => {
  if (!FindingIdValueSchema.safeParse(id).success)
    throw new RangeError(`Not a finding id: ${JSON.stringify(id.slice(0, 80))}`);
  return id;
};
