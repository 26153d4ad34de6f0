import { z } from 'zod';

/** Buttons on approval cards (`domain.verb`, as the design asks); handlers register these. */
export const REMEDIATION_ACTION_IDS = {
  approve: 'remediation.approve',
  deny: 'remediation.deny',
  undo: 'remediation.undo',
} as const;

/** `callback_id` of each modal, so the view handlers can tell the submissions apart. */
export const REMEDIATION_CALLBACK_IDS = {
  requestSubmit: 'remediation.request_submit',
  denySubmit: 'remediation.deny_submit',
  breakGlassSubmit: 'remediation.breakglass_submit',
} as const;

/** Where each modal's text input sits in `view.state.values[block_id][action_id]`. */
export const REMEDIATION_INPUTS = {
  justification: { blockId: 'justification', actionId: 'value' },
  denyReason: { blockId: 'reason', actionId: 'value' },
  breakGlassReason: { blockId: 'reason', actionId: 'value' },
} as const;

/**
 * A request id as the store makes them (`randomUUID()`, lower case). Buttons and modals carry only
 * this; the handler loads the request and authorizes again, so anything else is refused outright.
 */
export const RequestIdValueSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'not a remediation request id');
export type RequestIdValue = z.infer<typeof RequestIdValueSchema>;

/** A programming error, not a user's: a renderer was handed an id the store cannot have made. */
export const assertRequestId = (id: string): string => {
  if (!RequestIdValueSchema.safeParse(id).success)
    throw new RangeError(`Not a remediation request id: ${JSON.stringify(id.slice(0, 80))}`);
  return id;
};
