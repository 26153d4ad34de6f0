import fs from 'node:fs';
import { parseDocument, visit, type Document } from 'yaml';
import { z } from 'zod';
import { CloudsecError } from './errors';
import { SeveritySchema } from './core/model';
import { accessConfigShape, validateAccessConfig } from './access-config';
import { DigestsSchema } from './digest-config';
import { describeUnknownRegion, isKnownRegion, suggestRegion } from './aws/region-names';
import { CheckSettingsSchema, DEFAULT_CHECK_SETTINGS } from './core/check-settings';
import { MAX_CONFIGURED_PRODUCTS, PRODUCT_ARN } from './aws/collectors/securityhub-products';
import { DEFAULT_DETECTIONS_CONFIG, DetectionsConfigSchema } from './core/detections/settings';
import { ConfigExceptionsSchema, configExpiryProblems } from './core/exceptions/from-config';
import { formatIssues } from './config-issues';

// The environment and database checks live in src/env.ts and src/database-env.ts; the store and
// src/main.ts still read these from here.
export { postgresUrlProblem, redactDatabaseUrl, schemaNameProblem } from './database-env';
export { isDemo, isDryRun, readEnv } from './env';

const accountId = z
  .string({ error: 'expected a 12-digit AWS account id as a quoted string, e.g. "012345678901"' })
  .regex(/^\d{12}$/, 'expected a 12-digit AWS account id (quote it in YAML: "012345678901")');
// A name the SDK's partition data lists (a misspelt region would be scanned, fail, and read as unknown).
const region = z.string().superRefine((name, ctx) => {
  if (isKnownRegion(name)) return;
  const why = describeUnknownRegion({ region: name, suggestion: suggestRegion(name) });
  ctx.addIssue({ code: 'custom', message: `expected an AWS region name; ${why}` });
});
const roleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    'expected an IAM role ARN such as arn:aws:iam::123456789012:role/cloudsec-read',
  );
// sts:AssumeRole accepts external ids of 2-1224 characters from this set.
const externalId = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'expected 2-1224 characters of [A-Za-z0-9+=,.@:/-_]');

export const AccountConfigSchema = z
  .object({
    id: accountId,
    name: z.string().min(1),
    roleArn: roleArn.optional(),
    externalId: externalId.optional(),
    /** Role for remediation writes (separate from the read role); without it remediation is refused for the account. */
    writeRoleArn: roleArn.optional(),
    /**
     * Role that runs undos (`cloudsec iam-policy --undo`): the calls that turn a control back off
     * live only here, never in the write role. Without it Undo is refused for the account.
     */
    undoRoleArn: roleArn.optional(),
    /** Slack channel where this account's approval cards go (else remediation.approvalsChannel). */
    approvalsChannel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'expected a Slack channel id such as C0SECLEADS')
      .optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    // A role elsewhere would read, fix or undo another account than the one its findings are about.
    for (const field of ['roleArn', 'writeRoleArn', 'undoRoleArn'] as const) {
      const arn = a[field];
      if (arn && arn.split(':')[4] !== a.id) {
        ctx.addIssue({ code: 'custom', message: `${field} must be a role in the same account as id`, path: [field] });
      }
    }
    // One role for both would give every fix the power to undo security again.
    if (a.undoRoleArn && a.undoRoleArn === a.writeRoleArn) {
      ctx.addIssue({ code: 'custom', message: 'must be a different role from writeRoleArn', path: ['undoRoleArn'] });
    }
  });

const roleName = (example: string) =>
  z.string().regex(/^[\w+=,.@-]{1,64}$/, `expected an IAM role name such as ${example}`);

/**
 * Defaults of `limits:`. Ten fresh scans an hour is more than a person re-checking a fix needs and
 * far below what a script could ask; four scans at once keeps a small replica within its AWS API
 * rate and memory while one scan of a large organization runs.
 */
export const DEFAULT_LIMITS = { freshScansPerUserPerHour: 10, concurrentScans: 4 } as const;

export const ConfigSchema = z
  .object({
    accounts: z.array(AccountConfigSchema).min(1).optional(),
    organization: z
      .object({
        roleName: roleName('cloudsec-read'),
        externalId: externalId.optional(),
        /** Role assumed in each member for remediation writes. */
        writeRoleName: roleName('cloudsec-write').optional(),
        /** Role assumed in each member for undos (see accounts[].undoRoleArn); without it Undo is refused. */
        undoRoleName: roleName('cloudsec-undo').optional(),
        /** Also scan the management account (with the caller's credentials). Default true. */
        includeManagementAccount: z.boolean().optional(),
      })
      .strict()
      .refine((o) => !o.undoRoleName || o.undoRoleName !== o.writeRoleName, {
        message: 'must be a different role from writeRoleName',
        path: ['undoRoleName'],
      })
      .optional(),
    /** `all` = every region enabled in each account (ec2:DescribeRegions). */
    regions: z.union([z.literal('all'), z.array(region).min(1)]).default('all'),
    concurrency: z
      .object({
        /**
         * Accounts collected at once. 10 keeps the 64 calls in flight busy (25 at once was as fast
         * and held ~60 MB more of accounts half collected: bench/scan-queue.ts, 50 × 17 regions).
         */
        accounts: z.number().int().min(1).max(200).default(10),
        regions: z.number().int().min(1).max(50).default(8),
        /** Per-resource calls (buckets, trails) in flight within one account. */
        calls: z.number().int().min(1).max(100).default(16),
        /**
         * AWS calls in flight in the process, every account and scan together (see CallGate in
         * src/aws/clients.ts): what memory a scan needs follows this, not the accounts at once.
         */
        inFlight: z.number().int().min(1).max(1000).default(64),
      })
      .strict()
      .default({ accounts: 10, regions: 8, calls: 16, inFlight: 64 }),
    remediation: z
      .object({
        /** Shows Remediate buttons and enables the approval workflow. */
        enabled: z.boolean().default(false),
        /** Approval cards go here unless the account names its own channel. */
        approvalsChannel: z
          .string()
          .regex(/^[CG][A-Z0-9]{2,}$/, 'expected a Slack channel id such as C0SECLEADS')
          .optional(),
        /** Pending requests expire after this long. */
        expiryHours: z
          .number()
          .min(0.1)
          .max(24 * 14)
          .default(24),
        /** A succeeded remediation can be undone for this long. */
        undoWindowHours: z
          .number()
          .min(0)
          .max(24 * 30)
          .default(24),
        /** Overrides of the number of approvals per remediation id (1 or 2). */
        approvals: z.record(z.string(), z.union([z.literal(1), z.literal(2)])).default({}),
        /** Break-glass: requesters may approve their own request, with a mandatory reason, announced to approvers. */
        allowSelfApproval: z.boolean().default(false),
      })
      .strict()
      .default({ enabled: false, expiryHours: 24, undoWindowHours: 24, approvals: {}, allowSelfApproval: false }),
    cache: z
      .object({
        /** How long a scan answers repeated questions about the same scope (`--fresh` skips it). */
        scanTtlSeconds: z.number().int().min(0).max(86_400).default(300),
        /** How long Slack user-group memberships are trusted before they are fetched again. */
        groupTtlSeconds: z.number().int().min(0).max(86_400).default(600),
      })
      .strict()
      .default({ scanTtlSeconds: 300, groupTtlSeconds: 600 }),
    /** What one user, and everyone together, may make the bot scan (src/app/scan-queue.ts, src/app/fresh-scan-limit.ts). */
    limits: z
      .object({
        /** `--fresh` scans one user may start in any hour; more are refused, saying when to try again. */
        freshScansPerUserPerHour: z.number().int().min(1).max(1000).default(DEFAULT_LIMITS.freshScansPerUserPerHour),
        /** Scans running at once across all users; more wait in line, in order, told their place. */
        concurrentScans: z.number().int().min(1).max(50).default(DEFAULT_LIMITS.concurrentScans),
      })
      .strict()
      .default(() => ({ ...DEFAULT_LIMITS })),
    securityhub: z
      .object({
        severities: z.array(SeveritySchema).min(1).default(['critical', 'high', 'medium', 'low']),
        maxFindingsPerRegion: z.number().int().min(1).max(100_000).default(1000),
        /**
         * Products whose findings are believed besides Security Hub's own controls (any account can
         * import findings about itself under its own product). `*` as the region means every region.
         */
        productArns: z
          .array(
            z
              .string()
              .regex(
                PRODUCT_ARN,
                'expected a Security Hub product ARN such as arn:aws:securityhub:*::product/aws/guardduty',
              ),
          )
          .max(
            MAX_CONFIGURED_PRODUCTS,
            `at most ${MAX_CONFIGURED_PRODUCTS} (Security Hub filters on 20 products at once)`,
          )
          .default([]),
      })
      .strict()
      .default({ severities: ['critical', 'high', 'medium', 'low'], maxFindingsPerRegion: 1000, productArns: [] }),
    /** How checks judge: e.g. `checks.iam.breakGlassRoles` (src/core/check-settings.ts). */
    checks: CheckSettingsSchema.default(() => structuredClone(DEFAULT_CHECK_SETTINGS)),
    /** Scheduled posture digests (src/digest-config.ts). */
    digests: DigestsSchema,
    /** Accepted risks reviewed in git, and the longest acceptance allowed (src/core/exceptions/from-config.ts). */
    exceptions: ConfigExceptionsSchema,
    /** The live lane: CloudTrail sources, detection rules, noise controls, alert routing (src/core/detections/settings.ts). */
    detections: DetectionsConfigSchema.default(() => structuredClone(DEFAULT_DETECTIONS_CONFIG)),
    /** Who may do what: roles, bindings, channel policy (src/access-config.ts). */
    ...accessConfigShape,
  })
  .strict()
  .superRefine((c, ctx) => {
    validateAccessConfig(c, ctx);
    const everyAccountHasChannel =
      !c.organization && (c.accounts?.length ?? 0) > 0 && c.accounts!.every((a) => a.approvalsChannel);
    if (c.remediation.enabled && !c.remediation.approvalsChannel && !everyAccountHasChannel) {
      ctx.addIssue({
        code: 'custom',
        path: ['remediation', 'approvalsChannel'],
        message: 'required when remediation is enabled (unless every listed account names its own approvalsChannel)',
      });
    }
    const seen = new Set<string>();
    c.accounts?.forEach((a, i) => {
      if (seen.has(a.id))
        ctx.addIssue({ code: 'custom', message: `account ${a.id} is listed twice`, path: ['accounts', i, 'id'] });
      seen.add(a.id);
    });
    validateExceptionScopes(c, ctx);
  });
export type Config = z.infer<typeof ConfigSchema>;

type ConfigDraft = Pick<Config, 'accounts' | 'organization' | 'regions' | 'exceptions'>;

/**
 * A config exception whose scope names what cloudsec never scans would hide nothing, silently: an
 * account missing from `accounts:` (when they are listed rather than discovered), OUs without an
 * organization, a misspelt region or one outside `regions:`.
 */
const validateExceptionScopes = (c: ConfigDraft, ctx: z.RefinementCtx): void => {
  const listed = c.organization === undefined ? c.accounts : undefined;
  c.exceptions.accepted.forEach(({ scope }, i) => {
    const at = (...rest: PropertyKey[]) => ['exceptions', 'accepted', i, 'scope', ...rest];
    if (listed)
      scope.accounts?.forEach((id, j) => {
        if (id !== '*' && !listed.some((a) => a.id === id))
          ctx.addIssue({
            code: 'custom',
            message: `account ${id} is not in accounts: (configured: ${listed.map((a) => `${a.id} ${a.name}`).join(', ')}); add it there, or use "*" for every account`,
            path: at('accounts', j),
          });
      });
    if (scope.ous && c.organization === undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'OUs are known only when organization: is configured; name the accounts instead',
        path: at('ous'),
      });
    scope.regions?.forEach((name, j) => {
      if (name === 'global') return;
      if (!isKnownRegion(name)) {
        const why = describeUnknownRegion({ region: name, suggestion: suggestRegion(name) });
        ctx.addIssue({
          code: 'custom',
          message: `expected an AWS region name or global; ${why}`,
          path: at('regions', j),
        });
      } else if (c.regions !== 'all' && !c.regions.includes(name))
        ctx.addIssue({
          code: 'custom',
          message: `${name} is not scanned (regions: ${c.regions.join(', ')}); add it there or remove it here`,
          path: at('regions', j),
        });
    });
  });
};

/**
 * Problems with the config exceptions that depend on the time: each entry whose expiry is further
 * ahead than `exceptions.maxDays` (counted in whole UTC days from `now`). The bot calls it at
 * start-up and refuses to start on any; an exception that has already expired is not one of them
 * (it is reported as expired instead, and the bot starts).
 */
export const validateConfigExceptions = (config: Pick<Config, 'exceptions'>, now: Date): string[] =>
  configExpiryProblems(config.exceptions, now);

export const DEFAULT_CONFIG_PATH = 'cloudsec.yml';

/**
 * Reads and validates cloudsec.yml. A missing file is fine only at the default path (then every
 * setting takes its default); a file that was asked for by name must exist.
 */
export const loadConfig = (path: string | undefined): { config: Config; source: string | null } => {
  const file = path ?? DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (!path && (err as NodeJS.ErrnoException).code === 'ENOENT')
      return { config: ConfigSchema.parse({}), source: null };
    throw new CloudsecError('config', `Cannot read config file ${file}: ${(err as Error).message}`);
  }
  return { config: parseConfig(text, file), source: file };
};

/**
 * Under YAML 1.1 (`%YAML 1.1`) a plain `2027-03-01` becomes a Date at midnight UTC, and a
 * timestamp without a zone is taken as UTC, where the default schema keeps the text. Timestamps are
 * given back as written, so the same text means the same thing in either version (`expires:
 * 2027-03-01` is the end of that day; a time without a zone is refused rather than guessed).
 */
const keepTimestampsAsWritten = (doc: Document): void => {
  visit(doc, {
    Scalar(_key, node) {
      if (node.value instanceof Date && node.source) node.value = node.source;
    },
  });
};

export const parseConfig = (text: string, file: string): Config => {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new CloudsecError('config', `${file} is not valid YAML: ${first.message.split('\n')[0]}`);
  }
  keepTimestampsAsWritten(doc);
  const raw: unknown = doc.toJS() ?? {};
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CloudsecError(
      'config',
      `Invalid configuration in ${file}:\n${formatIssues(parsed.error.issues, file, raw)}`,
    );
  }
  return parsed.data;
};
