import { z } from 'zod';

/**
 * Why a piece of the snapshot could not be collected. `permission` names the IAM action that
 * was refused (or that the call needed), so an `unknown` finding can tell the operator what to grant.
 */
export const CollectErrorSchema = z.object({
  service: z.string(),
  operation: z.string(),
  permission: z.string(),
  region: z.string().optional(),
  /** AWS error name (`AccessDenied`, `UnauthorizedOperation`, `OptInRequired`, `ThrottlingException`, …). */
  code: z.string(),
  /**
   * What went wrong, which decides the next step a person is told to take:
   * `access-denied` (grant the permission), `throttled` (try later), `unreachable` (network, DNS,
   * timeout: check connectivity), `region-unavailable` (opt-in region not enabled), `unsupported`
   * (the service or operation does not exist there), `malformed` (AWS answered with something we
   * could not read), `other`.
   */
  kind: z.enum([
    'access-denied',
    'region-unavailable',
    'throttled',
    'unreachable',
    'unsupported',
    'malformed',
    'other',
  ]),
  message: z.string(),
});
export type CollectError = z.infer<typeof CollectErrorSchema>;

/** A collected value or the reason it is missing. */
export const fact = <T extends z.ZodTypeAny>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: CollectErrorSchema }),
  ]);
export type Fact<T> = { ok: true; value: T } | { ok: false; error: CollectError };

export const known = <T>(value: T): Fact<T> => ({ ok: true, value });
export const missing = <T = never>(error: CollectError): Fact<T> => ({ ok: false, error });
