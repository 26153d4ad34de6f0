import { MalformedAnswerError } from './errors';

/**
 * A web page where an API answer belongs: a captive portal, a corporate proxy's block page, a
 * misconfigured AWS_ENDPOINT_URL. The SDK's JSON parsers fail on it (SyntaxError), but its XML
 * parsers (S3, EC2, IAM, STS) read an HTML page as an answer with no fields at all, so ListBuckets
 * would report no buckets and every bucket check would pass. This middleware refuses such an answer
 * before it is parsed, so it becomes missing evidence (`malformed`) like any unreadable answer.
 */

interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
  body?: { destroy?: () => void };
}

const contentType = (headers: RawResponse['headers']): string => {
  for (const [name, value] of Object.entries(headers ?? {}))
    if (name.toLowerCase() === 'content-type' && typeof value === 'string') return value.toLowerCase();
  return '';
};

export const rejectHtmlAnswers =
  (next: (args: unknown) => Promise<{ response: unknown; output?: unknown }>) =>
  async (args: unknown): Promise<{ response: unknown; output?: unknown }> => {
    const result = await next(args);
    const response = result.response as RawResponse | undefined;
    const status = response?.statusCode ?? 0;
    if (status >= 200 && status < 300 && /^\s*text\/html\b/.test(contentType(response?.headers))) {
      // Nobody reads this body: free the connection for the next call.
      response?.body?.destroy?.();
      throw new MalformedAnswerError(`AWS answered HTTP ${status} with a web page (text/html), not the API's answer`);
    }
    return result;
  };

/** Where the guard sits: innermost, so it sees the raw answer before any parser does. */
export const ANSWER_GUARD_OPTIONS = {
  step: 'deserialize',
  priority: 'low',
  name: 'cloudsecRejectHtmlAnswers',
} as const;

type GuardedStack = { add: (middleware: never, options: typeof ANSWER_GUARD_OPTIONS) => void };

/** Adds the guard to one SDK client; returns the client. */
export const guardAnswers = <C extends { middlewareStack: object }>(client: C): C => {
  (client.middlewareStack as GuardedStack).add(rejectHtmlAnswers as never, ANSWER_GUARD_OPTIONS);
  return client;
};
