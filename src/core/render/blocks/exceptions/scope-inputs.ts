import { ExceptionScopeSchema, type ExceptionScope } from '../../../exceptions/model';
import { thousands } from '../remediation/format';
import type { ExceptionInputName } from './ids';
import {
  EXCEPTION_TEXT_LIMITS,
  MALFORMED,
  blockOf,
  characters,
  quoted,
  textOf,
  type FieldErrors,
  type FieldResult,
  type Read,
} from './state-read';

/**
 * The scope inputs of the "Accept risk…" modal: checks, accounts or OUs, regions, resources and
 * tags, each read into its part of an ExceptionScope with a message naming what is wrong in it.
 */

export interface ScopeParseOptions {
  /**
   * Accept `*` alone as the checks (every check of the accounts). Refused by default: from Slack an
   * accepted risk is asked for from one finding, and a blanket over every check of an account is
   * what cloudsec.yml (reviewed in git) is for. A handler may allow it for admins.
   */
  allowAllChecks?: boolean;
}

const ACCOUNT_ID = /^\d{12}$/;
const OU_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
/** `us-east-1`, `us-gov-west-1`, `eusc-de-east-1`; `global` for account-wide resources. */
const REGION = /^(global|[a-z]{2,4}(-[a-z]+)+-\d{1,2})$/;
const MAX_PATTERN = 512;

/** Split on commas and whitespace (check ids, account ids and regions contain neither). */
const tokens = (text: string): string[] => text.split(/[\s,]+/).filter((t) => t !== '');
/** One per line (resource names may contain commas and spaces). */
const lines = (text: string): string[] =>
  text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
const unique = (items: readonly string[]) => [...new Set(items)];

const wildcardOnly = (p: string) => /^\*+$/.test(p);

const tooLong = (read: Read): string | null =>
  read.kind === 'value' && characters(read.value) > EXCEPTION_TEXT_LIMITS.scopeField.max
    ? `Please keep it to ${thousands(EXCEPTION_TEXT_LIMITS.scopeField.max)} characters.`
    : null;

const patternProblem = (p: string, what: string): string | null =>
  p.length > MAX_PATTERN ? `The ${what} ${quoted(p)} is longer than ${MAX_PATTERN} characters.` : null;

const parseChecks = (r: Read, options: ScopeParseOptions): FieldResult<string[]> => {
  if (r.kind === 'malformed') return { ok: false, message: MALFORMED };
  const long = tooLong(r);
  if (long) return { ok: false, message: long };
  const checks = unique(r.kind === 'value' ? tokens(r.value) : []);
  if (checks.length === 0)
    return {
      ok: false,
      message: 'Name at least one check id or pattern (for example s3_bucket_public_access_blocked or s3_*).',
    };
  for (const c of checks) {
    const problem = patternProblem(c, 'check pattern');
    if (problem) return { ok: false, message: problem };
  }
  if (!options.allowAllChecks && checks.some(wildcardOnly))
    return {
      ok: false,
      message:
        '"*" alone would accept every check of these accounts, which is too broad to ask for here: name the checks, ' +
        'or a pattern such as s3_*. Blanket acceptances belong in cloudsec.yml, reviewed in git.',
    };
  return { ok: true, value: checks };
};

const parseAccounts = (r: Read): FieldResult<{ accounts?: string[]; ous?: string[] }> => {
  if (r.kind === 'malformed') return { ok: false, message: MALFORMED };
  const long = tooLong(r);
  if (long) return { ok: false, message: long };
  const items = unique(r.kind === 'value' ? tokens(r.value) : []);
  if (items.length === 0)
    return {
      ok: false,
      message: 'Name the accounts (12-digit ids), * for every account, or OU ids (ou-…, r-…) the acceptance covers.',
    };
  const bad = items.find((t) => !(ACCOUNT_ID.test(t) || t === '*' || OU_ID.test(t)));
  if (bad !== undefined)
    return {
      ok: false,
      message: `${quoted(bad)} is not a 12-digit account id, * (every account), or an OU or root id (ou-…, r-…).`,
    };
  const accounts = items.filter((t) => ACCOUNT_ID.test(t) || t === '*');
  const ous = items.filter((t) => OU_ID.test(t));
  return {
    ok: true,
    value: {
      ...(accounts.length > 0 ? { accounts: accounts.includes('*') ? ['*'] : accounts } : {}),
      ...(ous.length > 0 ? { ous } : {}),
    },
  };
};

const parseRegions = (r: Read): FieldResult<string[] | undefined> => {
  if (r.kind === 'malformed') return { ok: false, message: MALFORMED };
  const long = tooLong(r);
  if (long) return { ok: false, message: long };
  const regions = unique(r.kind === 'value' ? tokens(r.value) : []);
  if (regions.length === 0) return { ok: true, value: undefined };
  const bad = regions.find((t) => !REGION.test(t));
  if (bad !== undefined)
    return {
      ok: false,
      message: `${quoted(bad)} is not a region name (for example us-east-1, or global for account-wide resources).`,
    };
  return { ok: true, value: regions };
};

const parseResources = (r: Read): FieldResult<string[] | undefined> => {
  if (r.kind === 'malformed') return { ok: false, message: MALFORMED };
  const long = tooLong(r);
  if (long) return { ok: false, message: long };
  const patterns = unique(r.kind === 'value' ? lines(r.value) : []);
  if (patterns.length === 0) return { ok: true, value: undefined };
  for (const p of patterns) {
    const problem = patternProblem(p, 'resource pattern');
    if (problem) return { ok: false, message: problem };
  }
  // `*` alone is every resource, which is what an empty field says.
  return { ok: true, value: patterns.some(wildcardOnly) ? undefined : patterns };
};

const parseTags = (r: Read): FieldResult<Record<string, string> | undefined> => {
  if (r.kind === 'malformed') return { ok: false, message: MALFORMED };
  const long = tooLong(r);
  if (long) return { ok: false, message: long };
  const entries = r.kind === 'value' ? lines(r.value) : [];
  if (entries.length === 0) return { ok: true, value: undefined };
  const tags: Record<string, string> = {};
  for (const [i, line] of entries.entries()) {
    // Split at the first `=`: keys with `=` in them cannot be written here (values may hold any).
    const at = line.indexOf('=');
    const key = at < 0 ? '' : line.slice(0, at).trim();
    if (at < 0 || key === '')
      return {
        ok: false,
        message: `Line ${i + 1}, ${quoted(line)}, is not key=value (write key=* for any value).`,
      };
    if (Object.hasOwn(tags, key)) return { ok: false, message: `The tag ${quoted(key)} is given twice.` };
    tags[key] = line.slice(at + 1).trim();
  }
  return { ok: true, value: tags };
};

export type ScopeParseResult = { ok: true; scope: ExceptionScope } | { ok: false; errors: FieldErrors };

/** Where a problem ExceptionScopeSchema reports belongs, from its path. */
export const fieldOfPath = (path: readonly PropertyKey[]): ExceptionInputName => {
  switch (path[0]) {
    case 'checks':
      return 'checks';
    case 'regions':
      return 'regions';
    case 'resources':
      return 'resources';
    case 'tags':
      return 'tags';
    default:
      return 'accounts';
  }
};

const fieldLabel: Record<string, string> = {
  checks: 'Checks',
  accounts: 'Accounts or OUs',
  regions: 'Regions',
  resources: 'Resources',
  tags: 'Tags',
};

/**
 * The scope inputs of the "Accept risk…" modal as an ExceptionScope, or an error per field. Also
 * what the `exception.preview` handler reads when a scope field dispatches.
 */
export const parseScopeInputs = (viewState: unknown, options: ScopeParseOptions = {}): ScopeParseResult => {
  const errors: FieldErrors = {};
  const checks = parseChecks(textOf(viewState, 'checks'), options);
  const accounts = parseAccounts(textOf(viewState, 'accounts'));
  const regions = parseRegions(textOf(viewState, 'regions'));
  const resources = parseResources(textOf(viewState, 'resources'));
  const tags = parseTags(textOf(viewState, 'tags'));
  if (!checks.ok) errors[blockOf('checks')] = checks.message;
  if (!accounts.ok) errors[blockOf('accounts')] = accounts.message;
  if (!regions.ok) errors[blockOf('regions')] = regions.message;
  if (!resources.ok) errors[blockOf('resources')] = resources.message;
  if (!tags.ok) errors[blockOf('tags')] = tags.message;
  if (!checks.ok || !accounts.ok || !regions.ok || !resources.ok || !tags.ok) return { ok: false, errors };

  const candidate = {
    ...accounts.value,
    checks: checks.value,
    ...(regions.value ? { regions: regions.value } : {}),
    ...(resources.value ? { resources: resources.value } : {}),
    ...(tags.value ? { tags: tags.value } : {}),
  };
  // The core's schema has the last word, so a rule added there can never be bypassed from Slack.
  const parsed = ExceptionScopeSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, scope: parsed.data };
  for (const issue of parsed.error.issues) {
    const field = fieldOfPath(issue.path);
    const block = blockOf(field);
    const message = `${fieldLabel[field]}: ${issue.message}`;
    errors[block] = errors[block] ? `${errors[block]} ${message}` : message;
  }
  return { ok: false, errors };
};
