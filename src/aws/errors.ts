import type { CollectError } from '../core/model';

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'AuthorizationErrorException',
  'AllAccessDisabled',
]);

/** Errors an opt-in or unsupported region answers with (its endpoint does not know the credentials). */
const REGION_UNAVAILABLE = new Set([
  'OptInRequired',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AuthFailure',
  'UnsupportedOperation',
  'ENOTFOUND',
]);

const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);

export const errorName = (err: unknown): string => {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown; Code?: unknown };
    if (typeof e.code === 'string' && e.code.startsWith('E')) return e.code; // Node network errors
    if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
    if (typeof e.Code === 'string') return e.Code;
  }
  return 'UnknownError';
};

export const errorMessage = (err: unknown): string =>
  err instanceof Error ? err.message : typeof err === 'string' ? err : 'unknown error';

export const classifyError = (code: string): CollectError['kind'] =>
  ACCESS_DENIED.has(code)
    ? 'access-denied'
    : REGION_UNAVAILABLE.has(code)
      ? 'region-unavailable'
      : THROTTLED.has(code)
        ? 'throttled'
        : 'other';

export interface CallMeta {
  service: string;
  operation: string;
  /** The IAM action this call needs, named in `unknown` findings when it is refused. */
  permission: string;
  region?: string;
}

export const toCollectError = (meta: CallMeta, err: unknown): CollectError => {
  const code = errorName(err);
  return {
    service: meta.service,
    operation: meta.operation,
    permission: meta.permission,
    ...(meta.region ? { region: meta.region } : {}),
    code,
    kind: classifyError(code),
    message: errorMessage(err).slice(0, 500),
  };
};
