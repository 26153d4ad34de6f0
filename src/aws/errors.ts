import type { CollectError } from '../core/model';
import { errorText } from '../core/error-text';

/**
 * What went wrong with one AWS call, as data: a stable code, a kind that decides the next step a
 * person is told to take (src/core/checks/define.ts `describeCollectError`), and a one-line message.
 */

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'UnauthorizedException',
  'AuthorizationError',
  'AuthorizationErrorException',
  'AllAccessDisabled',
  // S3 answers a refused HEAD request with a bare 403, which the SDK names after the status.
  'Forbidden',
]);

/**
 * How an endpoint refuses credentials it does not know. In an opt-in region the account has not
 * enabled, this is how AWS says "region not enabled"; anywhere else the credentials themselves are
 * bad or expired, and telling the operator to enable a region would send them the wrong way.
 */
const CREDENTIALS_REJECTED = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'AuthFailure',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
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

/**
 * The call never got an answer: Node's network errors (refused, reset, DNS that did not resolve or
 * failed for now, no route), the SDK's timeouts, and the timeout errors AWS itself answers with.
 */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'EPROTO',
  'TimeoutError',
  'NetworkingError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** The service or the operation does not exist where it was called. */
const UNSUPPORTED = new Set([
  'UnsupportedOperation',
  'UnsupportedOperationException',
  'InvalidAction',
  'UnknownOperationException',
  'NotImplemented',
]);

/** Our own name for an answer that could not be read (see `isUnreadableAnswer`). */
export const MALFORMED_ANSWER = 'MalformedAnswer';

/**
 * Thrown by collectors when AWS answered, but not with what its API reference documents (a page
 * without its list, a field of the wrong type): missing evidence, never an empty list.
 */
export class MalformedAnswerError extends Error {
  override name = MALFORMED_ANSWER;
}

/**
 * Regions every AWS account has enabled. Every region launched since March 2019 is opt-in, so the
 * complement of this fixed list, not a list of opt-in regions that would need updating, decides.
 * Other partitions (GovCloud, China, ISO) have no opt-in regions.
 */
const ENABLED_BY_DEFAULT = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
]);

export const isOptInRegion = (region: string | undefined): boolean =>
  region !== undefined &&
  /^[a-z]{2}-[a-z]+-\d+$/.test(region) &&
  !ENABLED_BY_DEFAULT.has(region) &&
  !/^(?:us-gov|us-iso[a-z]*|cn)-/.test(region);

type ErrorLike = {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: { statusCode?: unknown; headers?: Record<string, unknown> };
};

const asErrorLike = (err: unknown): ErrorLike | null => (err && typeof err === 'object' ? (err as ErrorLike) : null);

/** `ECONNREFUSED`, `EAI_AGAIN`, … on the error or, for fetch-style errors, on its cause. */
const networkCode = (e: ErrorLike): string | null => {
  for (const candidate of [e.code, asErrorLike(e.cause)?.code])
    if (typeof candidate === 'string' && /^E[A-Z_]+$/.test(candidate)) return candidate;
  return null;
};

/**
 * An answer the SDK could not parse. The SDK attaches the raw answer as `$response` and appends a
 * "Deserialization error" hint to the message; the error itself is the parser's (`SyntaxError` from
 * JSON, a plain `Error` "@aws-sdk XML parse error" from XML), not an AWS error name. S3 names an
 * error answer whose body it could not read (a proxy's HTML page) `Unknown`.
 */
export const isUnreadableAnswer = (err: unknown): boolean => {
  const e = asErrorLike(err);
  if (!e || !('$response' in e)) return false;
  const message = typeof e.message === 'string' ? e.message : '';
  return (
    e.name === 'SyntaxError' ||
    e.name === 'Error' ||
    e.name === 'Unknown' ||
    e.name === 'UnknownError' ||
    /Deserialization error/i.test(message)
  );
};

export const errorName = (err: unknown): string => {
  const e = asErrorLike(err);
  if (e) {
    const network = networkCode(e);
    if (network) return network; // Node network errors (the SDK renames some of them TimeoutError)
    if (isUnreadableAnswer(err)) return MALFORMED_ANSWER;
    if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
    if (typeof e.Code === 'string') return e.Code;
  }
  return 'UnknownError';
};

/** The raw message; use `errorDetail` for anything a person will read. */
export const errorMessage = (err: unknown): string =>
  err instanceof Error ? err.message : typeof err === 'string' ? err : 'unknown error';

/** A kind from a code (see `errorName`) and the region called; names ending in `Malformed` are ours. */
export const classifyError = (code: string, region?: string): CollectError['kind'] => {
  if (ACCESS_DENIED.has(code)) return 'access-denied';
  if (code === 'OptInRequired') return 'region-unavailable';
  if (CREDENTIALS_REJECTED.has(code)) return isOptInRegion(region) ? 'region-unavailable' : 'other';
  if (THROTTLED.has(code)) return 'throttled';
  if (UNREACHABLE.has(code)) return 'unreachable';
  if (UNSUPPORTED.has(code)) return 'unsupported';
  if (code === MALFORMED_ANSWER || code.endsWith('Malformed')) return 'malformed';
  return 'other';
};

const statusOf = (e: ErrorLike): number | null => {
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  return typeof status === 'number' ? status : null;
};

const contentTypeOf = (e: ErrorLike): string | null => {
  const headers = e.$response?.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'content-type');
  const value = key ? headers[key] : undefined;
  return typeof value === 'string' ? (value.split(';')[0]?.trim() ?? null) : null;
};

/** What the parser said, in words that do not quote the body (it may be anything a proxy sent). */
const parserComplaint = (e: ErrorLike): string => {
  if (e.name === 'SyntaxError') return 'not valid JSON';
  if (e.name === 'Unknown' || e.name === 'UnknownError') return 'no error code cloudsec could read';
  const message = typeof e.message === 'string' ? e.message : '';
  if (/XML parse error/i.test(message)) return 'not valid XML';
  return 'a body cloudsec could not read';
};

/**
 * The message a person reads, on one line: for an unreadable answer what came back (status and
 * content type, never the body); otherwise AWS's or Node's own words, cleaned (see `errorText`).
 */
export const errorDetail = (err: unknown): string => {
  const e = asErrorLike(err);
  if (e && isUnreadableAnswer(err)) {
    const status = statusOf(e);
    const type = contentTypeOf(e);
    return `AWS answered${status === null ? '' : ` HTTP ${status}`}${type ? ` (${errorText(type, 60)})` : ''}: ${parserComplaint(e)}`;
  }
  return errorText(errorMessage(err));
};

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
    code: errorText(code, 80),
    kind: classifyError(code, meta.region),
    message: errorDetail(err),
  };
};
