import type { z } from 'zod';

// How zod issues about cloudsec.yml and the environment are written for people: one line each,
// with the path as the file has it.

/** Lists whose entries have a `name` that errors quote (`digests[0 "daily"]`). */
const NAMED_LISTS: readonly PropertyKey[] = ['digests', 'exceptions'];

/** Digests and exceptions are known by name (schedules, logs, ids): errors say which one. */
const entryLabel = (doc: unknown, path: readonly PropertyKey[]): string => {
  if (!NAMED_LISTS.includes(path[0]!)) return '';
  let node: unknown = doc;
  for (const key of path)
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  if (!node || typeof node !== 'object') return '';
  const { name } = node as { name?: unknown };
  return typeof name === 'string' ? ` "${name}"` : '';
};

/**
 * Issues about config exceptions always say `exceptions.accepted[i]` (the schema reads a bare list
 * as `accepted:`); when the file wrote a bare list, the path is given as the file has it.
 */
const pathAsWritten = (path: readonly PropertyKey[], doc: unknown): readonly PropertyKey[] => {
  const exceptions = doc && typeof doc === 'object' ? (doc as Record<string, unknown>)['exceptions'] : undefined;
  return path[0] === 'exceptions' && path[1] === 'accepted' && Array.isArray(exceptions)
    ? ['exceptions', ...path.slice(2)]
    : path;
};

const describePath = (issuePath: readonly PropertyKey[], doc?: unknown) => {
  const path = pathAsWritten(issuePath, doc);
  return path.length === 0
    ? '(top level)'
    : path
        .map((p, i) =>
          typeof p === 'number'
            ? `[${p}${entryLabel(doc, path.slice(0, i + 1))}]`
            : `${i === 0 ? '' : '.'}${String(p)}`,
        )
        .join('');
};

/** `doc`: the raw document, so list entries are named (`digests[0 "daily"].schedule`). */
export const formatIssues = (issues: readonly z.core.$ZodIssue[], source: string, doc?: unknown): string =>
  issues.map((i) => `  ${source}: ${describePath(i.path, doc)}: ${i.message}`).join('\n');
