import { z } from 'zod';
import { ExceptionScopeSchema, DEFAULT_EXCEPTION_MAX_DAYS, type Person, type RiskException } from './model';

/**
 * Accepted risks written in cloudsec.yml (`exceptions:`), for teams that review them in git. The
 * file states the approval itself (an approver given by name), so a config exception is active
 * from load until it expires; it never goes through the Slack approval card. Pure: the config
 * loader validates the section with these schemas, and `exceptionsFromConfig` turns the entries
 * into the same `RiskException` shape Slack-made ones have, given the time.
 *
 * ```yaml
 * exceptions:
 *   maxDays: 90                       # default 90; 1..365
 *   accepted:
 *     - name: legacy-website          # unique; the exception's id is cfg_legacy-website
 *       scope: { accounts: ["111122223333"], checks: ["s3_bucket_*"], resources: ["arn:aws:s3:::legacy-*"] }
 *       reason: "Static site; public by design, reviewed in SEC-123"
 *       owner: U0123ABCD              # a Slack user id (then reminders are DMed), or a name
 *       approver: "Dana Lee"          # a name or a Slack user id; not the owner
 *       expires: 2027-03-01           # the end of that day (UTC), or a timestamp with a time zone
 * ```
 * A bare list under `exceptions:` is the `accepted:` list with the default maxDays.
 */

export const CONFIG_EXCEPTION_ID_PREFIX = 'cfg_';
export const configExceptionId = (name: string): string => `${CONFIG_EXCEPTION_ID_PREFIX}${name}`;

/** The requester of every config exception: the file, not a person. */
export const CONFIG_EXCEPTION_REQUESTER = { kind: 'system', id: 'cloudsec.yml' } as const;

/** How far ahead `exceptions.maxDays` may be set: an acceptance is looked at again at least yearly. */
export const MAX_EXCEPTION_MAX_DAYS = 365;

const NAME = /^[a-z0-9-]{1,64}$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A Slack user id (`U…`/`W…`, upper-case letters and digits, at least one digit), not a name such as "WADE". */
const SLACK_USER_ID = /^[UW](?=[A-Z0-9]*\d)[A-Z0-9]{2,}$/;

export const looksLikeSlackUserId = (text: string): boolean => SLACK_USER_ID.test(text);

/** A message for a value of the wrong type only; other issues (unknown keys) keep zod's own. */
const typeError = (message: string) => (issue: { code?: string }) =>
  issue.code === 'invalid_type' ? message : undefined;

const requiredText = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `required: ${what}` : `expected text: ${what}`) })
    .trim()
    .min(1, `required: ${what}`);

const EXPIRES_FORMAT =
  'expected a date such as 2027-03-01 (the end of that day, UTC) or a timestamp with a time zone such as 2027-03-01T17:00:00Z';

const timestampWithZone = z.iso.datetime({ offset: true });
const LOCAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** A calendar date or an instant → ISO-8601 UTC (`Date#toISOString`); undefined when unreadable. */
const expiryInstant = (value: string | Date): string | undefined => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  const text = value.trim();
  const day = DATE_ONLY.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const end = new Date(Date.UTC(year, month - 1, date, 23, 59, 59, 999));
    // Date.UTC rolls 2027-02-30 over to March: a date that does not exist is a typo, not a day.
    const real = end.getUTCFullYear() === year && end.getUTCMonth() === month - 1 && end.getUTCDate() === date;
    return real ? end.toISOString() : undefined;
  }
  // A timestamp without a zone would mean whatever the bot's host thinks local time is.
  if (!timestampWithZone.safeParse(text).success) return undefined;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
};

/**
 * `expires:` → ISO-8601 UTC. A date means the end of that day in UTC (an exception "until
 * 2027-03-01" still holds on that day). The YAML loader may hand over a Date (YAML 1.1 timestamps);
 * `parseConfig` gives date-only scalars back as text so both spellings mean the same.
 */
const ExpiresSchema = z
  .union([z.string(), z.date()], {
    error: (issue) =>
      issue.input === undefined ? `required: when the acceptance ends; ${EXPIRES_FORMAT}` : EXPIRES_FORMAT,
  })
  .transform((value, ctx) => {
    const iso = expiryInstant(value);
    if (iso !== undefined) return iso;
    const shown = value instanceof Date ? 'an invalid date' : JSON.stringify(value);
    const why = typeof value === 'string' && LOCAL_TIMESTAMP.test(value.trim()) ? 'has no time zone' : 'is not a date';
    ctx.addIssue({ code: 'custom', message: `${shown} ${why}: ${EXPIRES_FORMAT}` });
    return z.NEVER;
  });

/**
 * The core's scope schema, with two messages the file needs first: a missing scope, and an
 * unquoted account id (YAML reads it as a number, and one with a leading zero would lose it).
 */
const ConfigScopeSchema = z
  .unknown()
  .superRefine((scope, ctx) => {
    if (scope === undefined) {
      ctx.addIssue({
        code: 'custom',
        message:
          'required: what the exception covers (accounts or ous, and checks), e.g. { accounts: ["111122223333"], checks: ["s3_bucket_*"] }',
      });
      return;
    }
    const accounts = (scope as { accounts?: unknown } | null)?.accounts;
    if (!Array.isArray(accounts)) return;
    accounts.forEach((a, i) => {
      if (typeof a === 'number')
        ctx.addIssue({
          code: 'custom',
          message: 'expected a 12-digit account id as a quoted string (quote it in YAML: "012345678901")',
          path: ['accounts', i],
        });
    });
  })
  .pipe(ExceptionScopeSchema);

export const ConfigExceptionSchema = z
  .object(
    {
      name: z
        .string({ error: 'required: a name, 1-64 lower-case letters, digits and "-" (the id becomes cfg_<name>)' })
        .regex(NAME, 'expected 1-64 lower-case letters, digits and "-" (the id becomes cfg_<name>)'),
      scope: ConfigScopeSchema,
      reason: requiredText('why the risk is accepted'),
      owner: requiredText('who owns the risk (a Slack user id such as U0123ABCD, or a name)'),
      approver: requiredText('who approved it (a name or a Slack user id); not the owner'),
      expires: ExpiresSchema,
    },
    { error: typeError('expected an accepted risk: name, scope, reason, owner, approver, expires') },
  )
  .strict()
  .superRefine((e, ctx) => {
    if (e.owner.toLowerCase() === e.approver.toLowerCase())
      ctx.addIssue({
        code: 'custom',
        message: `must be someone other than the owner ("${e.owner}"): the owner of a risk cannot approve accepting it`,
        path: ['approver'],
      });
  });
export type ConfigException = z.infer<typeof ConfigExceptionSchema>;

const AcceptedListSchema = z
  .array(ConfigExceptionSchema, { error: 'expected a list of accepted risks' })
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((e, i) => {
      if (seen.has(e.name))
        ctx.addIssue({ code: 'custom', message: `exception "${e.name}" is defined twice`, path: [i, 'name'] });
      seen.add(e.name);
    });
  });

export const DEFAULT_CONFIG_EXCEPTIONS = { maxDays: DEFAULT_EXCEPTION_MAX_DAYS, accepted: [] as ConfigException[] };

/**
 * The `exceptions:` section. A bare list is read as `{ accepted: <list> }`, so issue paths always
 * say `exceptions.accepted[i]`; the config loader maps them back to the shape the file used.
 */
export const ConfigExceptionsSchema = z
  .preprocess(
    (value) => (Array.isArray(value) ? { accepted: value } : value),
    z
      .object(
        {
          maxDays: z
            .number({ error: `expected a whole number of days, 1 to ${MAX_EXCEPTION_MAX_DAYS}` })
            .int(`expected a whole number of days, 1 to ${MAX_EXCEPTION_MAX_DAYS}`)
            .min(1, `expected a whole number of days, 1 to ${MAX_EXCEPTION_MAX_DAYS}`)
            .max(
              MAX_EXCEPTION_MAX_DAYS,
              `at most ${MAX_EXCEPTION_MAX_DAYS} days: an accepted risk is looked at again at least once a year`,
            )
            .default(DEFAULT_EXCEPTION_MAX_DAYS),
          accepted: AcceptedListSchema.default(() => []),
        },
        { error: typeError('expected a list of accepted risks, or maxDays and accepted') },
      )
      .strict(),
  )
  .default(() => ({ ...DEFAULT_CONFIG_EXCEPTIONS, accepted: [] }));
export type ConfigExceptions = z.infer<typeof ConfigExceptionsSchema>;

const DAY_MS = 86_400_000;

/**
 * The latest expiry allowed at `now`: the end (UTC) of the day `maxDays` days after today. Counted
 * in whole days because the file is written in dates: `expires: <today + maxDays>` is allowed
 * whatever the time the bot starts, the day after is not.
 */
export const latestConfigExpiry = (maxDays: number, now: Date): Date => {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today + (maxDays + 1) * DAY_MS - 1);
};

/**
 * Entries that expire further ahead than `maxDays` allows, as messages naming the entry. Judged at
 * start-up (parsing has no clock). An entry that has already expired is not a problem here: the
 * bot still starts and reports it as expired.
 */
export const configExpiryProblems = (section: ConfigExceptions, now: Date): string[] => {
  const latest = latestConfigExpiry(section.maxDays, now);
  return section.accepted.flatMap((e) =>
    new Date(e.expires).getTime() > latest.getTime()
      ? [
          `exception "${e.name}": expires ${e.expires}, more than ${section.maxDays} days ahead (exceptions.maxDays); the latest allowed today is ${latest.toISOString().slice(0, 10)}`,
        ]
      : [],
  );
};

/** A Slack user id stays an id (DMs and mentions work); anything else is a name. */
export const personFromConfig = (text: string): Person =>
  looksLikeSlackUserId(text) ? { id: text } : { id: text, name: text };

/**
 * cloudsec.yml entries as exceptions: id `cfg_<name>`, source `config`, active until `expires`
 * (expired from that instant on). The file has no creation or decision time of its own (git has
 * it), so `createdAt`/`updatedAt` are when cloudsec loaded it and `decidedAt` is null; `accepted` is
 * empty because nobody saw the covered findings when the file was written, and `remindedAt` is null
 * (whoever sends reminders must remember them elsewhere, as these objects are rebuilt every load).
 */
export const exceptionsFromConfig = (entries: readonly ConfigException[], now: Date): RiskException[] => {
  const loadedAt = now.toISOString();
  return entries.map((e) => ({
    id: configExceptionId(e.name),
    source: 'config',
    status: new Date(e.expires).getTime() <= now.getTime() ? 'expired' : 'active',
    scope: e.scope,
    reason: e.reason,
    owner: personFromConfig(e.owner),
    requester: { ...CONFIG_EXCEPTION_REQUESTER },
    approver: personFromConfig(e.approver),
    createdAt: loadedAt,
    decidedAt: null,
    expiresAt: e.expires,
    decisionNote: null,
    accepted: [],
    extension: null,
    message: null,
    remindedAt: null,
    suppressedInSecurityHub: [],
    updatedAt: loadedAt,
    version: 1,
  }));
};
