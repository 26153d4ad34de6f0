import { MalformedAnswerError } from '../errors';

/** How the EC2 collectors (ec2.ts, ec2-network.ts) read EC2's answers. */

/** The largest page every Describe call here accepts: fewer round trips in big accounts. */
export const PAGE_SIZE = 1000;

/**
 * AWS (or something in between) answered 200, but not with the documented answer: a list or field
 * EC2 always sends is missing. An HTML page from a proxy or captive portal is such an answer: the SDK
 * reads it as an answer with no fields at all, which must not become "no security groups". The error
 * makes the fact unknown with the kind `malformed` (a body the SDK cannot parse at all already is).
 */
export const malformed = (operation: string, what: string): never => {
  throw new MalformedAnswerError(`${operation} answered without ${what}`);
};

/**
 * Every item of a paginated listing. EC2 writes an empty list as an empty element (`<snapshotSet/>`),
 * which the SDK reads as `[]`; a page without the element at all is not EC2's answer, and taking it
 * as empty would report the region as having nothing to check.
 */
export const collectAll = async <P, T>(
  pages: AsyncIterable<P>,
  items: (page: P) => T[] | undefined,
  operation: string,
  element: string,
): Promise<T[]> => {
  const all: T[] = [];
  for await (const page of pages) all.push(...(items(page) ?? malformed(operation, element)));
  return all;
};

/** A field the API reference documents in every item; its absence makes the whole answer unreadable. */
export const required = <T>(value: T | undefined, operation: string, what: string): T =>
  value === undefined ? malformed(operation, what) : value;
