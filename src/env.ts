import { z } from 'zod';
import { CloudsecError } from './errors';
import { formatIssues } from './config-issues';
import { postgresUrlProblem, schemaNameProblem } from './database-env';

/** A trimmed string that `problem` (null when fine) accepts; its reason becomes the issue. */
const checked = (problem: (value: string) => string | null) =>
  z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      const why = problem(value);
      if (why !== null) ctx.addIssue({ code: 'custom', message: why });
    });

/** The one place that reads process.env: callers get a validated, typed view. */
export const EnvSchema = z.object({
  CLOUDSEC_CONFIG: z.string().min(1).optional(),
  /** Set by the CLI's --demo and `npm run demo`; the bundled demo estate replaces AWS. */
  CLOUDSEC_DEMO: z.enum(['0', '1', 'true', 'false']).optional(),
  /** SQLite file for history, requests and the audit log (when CLOUDSEC_DATABASE_URL is not set). */
  CLOUDSEC_DB: z.string().min(1).optional(),
  /**
   * PostgreSQL for several replicas (src/store/open-store.ts): wins over CLOUDSEC_DB. Messages never
   * show its password.
   */
  CLOUDSEC_DATABASE_URL: checked(postgresUrlProblem).optional(),
  /**
   * The schema cloudsec's tables live in (default public). Naming it without the URL is refused
   * where the database is chosen (open-store.ts), not here: `db copy --to URL` reads it alone.
   */
  CLOUDSEC_DATABASE_SCHEMA: checked(schemaNameProblem).optional(),
  /** HMAC key for the audit chain; long enough that it cannot be guessed. */
  CLOUDSEC_AUDIT_KEY: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  /** `1`: remediation does everything except the AWS write, clearly labelled (always on in the demo). */
  CLOUDSEC_DRY_RUN: z.enum(['0', '1', 'true', 'false']).optional(),
  /** Slack user id the console adapter acts as (its roles come from the bindings). */
  CLOUDSEC_CONSOLE_USER: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id such as U012ABCDEF')
    .optional(),
});
export type Env = z.infer<typeof EnvSchema>;

export const isDemo = (env: Env): boolean => env.CLOUDSEC_DEMO === '1' || env.CLOUDSEC_DEMO === 'true';
export const isDryRun = (env: Env): boolean => env.CLOUDSEC_DRY_RUN === '1' || env.CLOUDSEC_DRY_RUN === 'true';

export const readEnv = (env: NodeJS.ProcessEnv = process.env): Env => {
  // `CLOUDSEC_AUDIT_KEY=` in an env file means "not set", not "an empty key".
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = EnvSchema.safeParse(set);
  if (!parsed.success)
    throw new CloudsecError('config', `Invalid environment:\n${formatIssues(parsed.error.issues, 'env')}`);
  return parsed.data;
};
