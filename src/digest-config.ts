import cron from 'node-cron';
import { z } from 'zod';
import { ItemScopeSchema } from './core/digest/model';
import { SERVICES } from './core/model';
import { occurrenceSupport } from './schedule/occurrences';

/**
 * The `digests:` section of cloudsec.yml: any number of scheduled posture summaries, each posted to
 * one channel on a cron schedule in a time zone. A bad cron expression or time zone is a start-up
 * error that names the digest, so a typo never means a digest silently never runs.
 *
 *   digests:
 *     - name: prod-daily
 *       channel: C0SECURITY
 *       schedule: "0 9 * * 1-5"        # node-cron syntax (5 fields, or 6 with seconds)
 *       timezone: Europe/Berlin        # IANA name; default UTC
 *       scope:
 *         accounts: [prod, "111111111111"]   # ids or names; optional (default: every account)
 *         ous: [ou-ab12-34cd56ef]            # optional
 *         services: [s3, iam]                # optional (default: all)
 *         minSeverity: high                  # optional (default: low)
 *         sources: [cloudsec, securityhub]   # optional (default: both)
 *       style: full                          # or compact
 */

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const cronExpression = z.string().superRefine((expr, ctx) => {
  const result = cron.validateDetailed(expr);
  if (!result.valid) {
    const why = result.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    ctx.addIssue({
      code: 'custom',
      message: `"${expr}" is not a valid cron expression (${why || 'unreadable'}); e.g. "0 9 * * 1-5" is 09:00 on weekdays`,
    });
    return;
  }
  // Catch-up and "next run" need the previous and next times, which some node-cron extensions (L, W, #) do not give.
  const unsupported = occurrenceSupport(expr);
  if (unsupported) ctx.addIssue({ code: 'custom', message: unsupported });
});

export const DIGEST_SOURCES = ['cloudsec', 'securityhub'] as const;
export const DigestSourceSchema = z.enum(DIGEST_SOURCES);
export type DigestSource = z.infer<typeof DigestSourceSchema>;

export const DigestScopeSchema = z
  .object({
    /** Account ids or names (as in `accounts:`); absent = every account cloudsec scans. */
    accounts: z.array(z.string().min(1)).min(1, 'an empty list matches no account; remove it for all').optional(),
    ous: z
      .array(z.string().regex(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/, 'expected an OU id such as ou-ab12-34cd56ef'))
      .min(1, 'an empty list matches no OU; remove it for all')
      .optional(),
    services: ItemScopeSchema.shape.services.default([...SERVICES]),
    minSeverity: ItemScopeSchema.shape.minSeverity.default('low'),
    sources: z
      .array(DigestSourceSchema)
      .min(1)
      .default([...DIGEST_SOURCES]),
  })
  .strict();
export type DigestScope = z.infer<typeof DigestScopeSchema>;

export const DigestConfigSchema = z
  .object({
    name: z.string().regex(NAME, 'lower-case letters, digits, "-" and "_", starting with a letter (at most 63)'),
    channel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'expected a Slack channel id such as C0SECURITY'),
    schedule: cronExpression,
    timezone: z
      .string()
      .refine(isTimeZone, { message: 'not a time zone this system knows; use an IANA name such as Europe/Berlin' })
      .default('UTC'),
    scope: DigestScopeSchema.default({
      services: [...SERVICES],
      minSeverity: 'low',
      sources: [...DIGEST_SOURCES],
    }),
    style: z.enum(['full', 'compact']).default('full'),
  })
  .strict();
export type DigestConfig = z.infer<typeof DigestConfigSchema>;

export const DigestsSchema = z
  .array(DigestConfigSchema)
  .default([])
  .superRefine((digests, ctx) => {
    const seen = new Set<string>();
    digests.forEach((d, i) => {
      if (seen.has(d.name))
        ctx.addIssue({ code: 'custom', message: `digest "${d.name}" is defined twice`, path: [i, 'name'] });
      seen.add(d.name);
    });
  });
