import type { z } from 'zod';
import { MalformedAnswerError } from '../errors';

/**
 * Reading the JSON answers of the exposure collectors (Lambda, SQS, OpenSearch; SNS's policy text).
 *
 * The SDK's JSON readers pass values through without checking their types and read an empty body as
 * an answer without fields, so an answer is held to the API reference's shape with a zod schema
 * first: one that differs is missing evidence (`malformed`), never an empty list or a default.
 */
export const readAnswer = <T>(schema: z.ZodType<T>, answer: unknown, operation: string): T => {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  throw new MalformedAnswerError(`${operation} answered without a readable ${describeIssues(parsed.error)}`);
};

/** Where an answer differs from the documented one, never quoting it (it may be anything a proxy sent). */
export const describeIssues = (error: z.ZodError): string =>
  [...new Set(error.issues.map((i) => i.path.join('.') || '(the answer)'))].join(', ');

/**
 * Resource policies arrive as JSON text inside the answer (Lambda `Policy`, SQS and SNS `Policy`
 * attributes, OpenSearch `AccessPolicies`). Text that is not JSON is an answer cloudsec cannot read,
 * never "no policy". Whether the JSON is a policy at all is the evaluator's call
 * (src/core/resource-policy.ts), which reports a non-policy as unknown, naming the call.
 */
export const parsePolicyText = (text: string, operation: string, what: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MalformedAnswerError(`${operation} answered ${what} that is not JSON`);
  }
};
