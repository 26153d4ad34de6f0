import { redactText } from './audit';
import { terminalLine } from './render/plain';

/**
 * Error text from outside (AWS, the SDK, Node) made fit to show: one line, bounded, without secrets
 * and without the ARN of the identity cloudsec runs as. Used when an error is recorded (src/aws) and
 * again when it is described (snapshots stored by older versions may hold raw SDK text).
 */

/** The sentence the AWS SDK appends, on a line of its own, to an answer it could not parse. */
const SDK_HINT =
  /Deserialization error:\s*to see the raw response,? inspect the hidden field \{error\}\.\$response on this object\.?/gi;

/**
 * The calling identity, as AWS names it in refusals ("User: arn:aws:sts::111111111111:assumed-role/
 * cloudsec-read/session is not authorized to perform …"). Where cloudsec runs and under which session
 * name is nobody's business in a Slack channel; the permission that was refused is named elsewhere.
 */
const PRINCIPAL_ARN =
  /\barn:aws[a-z-]*:(?:sts|iam)::\d{12}:(?:assumed-role\/|user\/|federated-user\/|role\/|root\b)[^\s"',;)]*/g;

export const ERROR_TEXT_MAX = 200;

/** `raw` as one bounded line (see terminalLine), secrets redacted and principal ARNs replaced. */
export const errorText = (raw: string, max = ERROR_TEXT_MAX): string => {
  // Redaction runs on a bounded copy; terminalLine then adds `…` for anything cut either way.
  const bounded = raw.length > 8 * max ? raw.slice(0, 8 * max) : raw;
  return terminalLine(redactText(bounded.replace(SDK_HINT, ' ')).replace(PRINCIPAL_ARN, '[principal]'), max);
};
