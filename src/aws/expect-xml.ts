import type {
  DeserializeHandler,
  DeserializeHandlerArguments,
  DeserializeHandlerOutput,
  MiddlewareStack,
} from '@aws-sdk/types';
import { MalformedAnswerError } from './errors';

/**
 * The SDK's REST-XML and query-XML deserializers do not check that a 200 answer is the document the
 * API reference describes: an empty body, an HTML page from a proxy or another XML document all
 * deserialize to an output with every member absent, and a boolean whose text is not `true` reads
 * as `false`. For a scan those are the worst possible defaults ("no versioning", "not public"), so
 * the answers whose meaning cloudsec relies on are checked here, on the raw body, before the SDK
 * reads them. A mismatch fails the call with MalformedAnswerError, which the collectors record as
 * missing evidence (kind `malformed`). Messages describe the answer, never quote it: it may be
 * anything a proxy sent.
 */

export interface ExpectedXml {
  /** The document element of a successful answer, as the API reference documents it. */
  root: string;
  /** Elements whose text must be exactly `true` or `false`, wherever they occur. */
  booleans?: readonly string[];
}

const MIDDLEWARE_NAME = 'cloudsecExpectXmlMiddleware';

/** Skips the XML declaration, processing instructions, comments and a doctype, then names the first element. */
const FIRST_ELEMENT = /^\s*(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*|<![^>]*>\s*)*<([A-Za-z_][\w.:-]*)/;

/** The local name of the document element, or null when the text does not start like XML. */
export const documentElement = (text: string): string | null => {
  const name = FIRST_ELEMENT.exec(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)?.[1];
  return name === undefined ? null : (name.split(':').pop() ?? name);
};

/** Describes what came back without quoting it. */
const describeAnswer = (root: string | null, text: string): string =>
  root !== null ? `a <${root.slice(0, 40)}> document` : text.trim() === '' ? 'an empty body' : 'a body that is not XML';

/** `<Name>text</Name>`, compiled once per element name (answers are checked on every call). */
const booleanElements = new Map<string, RegExp>();
const booleanElement = (element: string): RegExp => {
  let pattern = booleanElements.get(element);
  if (!pattern) booleanElements.set(element, (pattern = new RegExp(`<${element}>([^<]*)</${element}>`, 'g')));
  return pattern;
};

/** checkXmlAnswer with the document element already found (the middleware has looked for `<Error>`). */
const checkDocument = (text: string, root: string | null, expected: ExpectedXml, operation: string): void => {
  if (root !== expected.root) {
    throw new MalformedAnswerError(
      `${operation} answered ${describeAnswer(root, text)} where the API documents <${expected.root}>`,
    );
  }
  for (const element of expected.booleans ?? []) {
    // Untrimmed: the SDK reads ` true` as false, so padded text is as unreadable as `yes`.
    // matchAll works on a copy of the pattern, so the shared one keeps no state between calls.
    const values = [...text.matchAll(booleanElement(element))].map((m) => m[1]!);
    if (values.some((v) => v !== 'true' && v !== 'false')) {
      throw new MalformedAnswerError(`${operation} answered <${element}> with a value that is neither true nor false`);
    }
  }
};

/** Throws MalformedAnswerError when `text` is not the expected document. */
export const checkXmlAnswer = (text: string, expected: ExpectedXml, operation: string): void =>
  checkDocument(text, documentElement(text), expected, operation);

interface RawResponse {
  statusCode: number;
  body?: unknown;
}

const isRawResponse = (r: unknown): r is RawResponse =>
  typeof r === 'object' && r !== null && typeof (r as { statusCode?: unknown }).statusCode === 'number';

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> =>
  typeof v === 'object' && v !== null && Symbol.asyncIterator in v;

/** The whole body as bytes: Node's HTTP handler gives a stream, an earlier middleware may have buffered it. */
const bytesOf = async (body: unknown): Promise<Uint8Array> => {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (isAsyncIterable(body)) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new MalformedAnswerError('the answer body could not be read');
};

/**
 * Makes `command` check its successful answer against `expected` before the SDK deserializes it.
 * Error answers (non-2xx, or S3's `<Error>` inside a 200) are left to the SDK, which turns them
 * into the named AWS errors the collectors branch on.
 */
export const expectXml = <I extends object, O extends object, C extends { middlewareStack: MiddlewareStack<I, O> }>(
  command: C & { middlewareStack: MiddlewareStack<I, O> },
  expected: ExpectedXml,
  operation: string,
): C => {
  command.middlewareStack.addRelativeTo(
    (next: DeserializeHandler<I, O>) =>
      async (args: DeserializeHandlerArguments<I>): Promise<DeserializeHandlerOutput<O>> => {
        const result = await next(args);
        const response = result.response;
        if (!isRawResponse(response) || response.statusCode < 200 || response.statusCode >= 300) return result;
        const bytes = await bytesOf(response.body);
        // The SDK reads the body after this middleware: hand it the bytes that were consumed here.
        response.body = bytes;
        // A view of the bytes, not a copy.
        const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
        const root = documentElement(text);
        if (root === 'Error') return result;
        checkDocument(text, root, expected, operation);
        return result;
      },
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: MIDDLEWARE_NAME, override: true },
  );
  return command;
};
