import { z } from 'zod';
import type { AccountSnapshot, Ec2Region, Fact, Finding, S3Bucket, Trail } from '../model';
import type { SdkCall } from './sdk-call';

/**
 * Remediations as data. A plan is a list of AWS SDK calls that approvers read verbatim and that the
 * generic executor (src/aws/executor.ts) sends one by one, in order, with the account's write role.
 * Nothing here talks to AWS: a remediation only turns a finding and the snapshot it came from into calls.
 */

export const API_SERVICES = [
  'iam',
  's3',
  's3control',
  'ec2',
  'cloudtrail',
  'securityhub',
  'rds',
  'lambda',
  'kms',
  'guardduty',
  'accessanalyzer',
] as const;
export const ApiServiceSchema = z.enum(API_SERVICES);
export type ApiService = z.infer<typeof ApiServiceSchema>;

/**
 * Picks one of a user's access keys out of a ListAccessKeys answer. The credential report, which is
 * where cloudsec learns about keys, has no key ids: only "key 1" and "key 2" with the date each was
 * created (`access_key_N_last_rotated`; a key cannot change, so "rotated" is its creation). The
 * creation time, to the second, is what identifies the key; the key number is kept for people.
 */
export const AccessKeySelectorSchema = z.object({
  kind: z.literal('iamAccessKey'),
  userName: z.string().min(1),
  keyNumber: z.union([z.literal(1), z.literal(2)]),
  /** ISO timestamp; compared to the key's CreateDate at one-second precision. */
  createdAt: z.string().min(1),
});
export type AccessKeySelector = z.infer<typeof AccessKeySelectorSchema>;

export const LookupSelectorSchema = z.discriminatedUnion('kind', [AccessKeySelectorSchema]);
export type LookupSelector = z.infer<typeof LookupSelectorSchema>;

/**
 * An SDK call: `new <Service>Client({ region }).send(new <command>Command(input))`. This is the
 * stored shape, validated when a plan comes back from the store; remediations build calls with the
 * typed helpers of sdk-call.ts, which check `input` against the SDK's type for the command.
 *
 * Most plans are fully known from the snapshot. When a value only AWS can tell (an access key id)
 * is needed, the plan carries a read call with `lookup` before the write:
 * - a call with `lookup` changes nothing; the executor sends it, applies `lookup.select` to the
 *   answer with `selectLookupValue`, and keeps the value under the name `lookup.as`;
 * - a call with `bind` is completed by `bindLookups` before it is sent: each `bind` entry sets
 *   `input[field]` to the value kept under that name.
 * A lookup that selects nothing (or more than one thing) stops the plan before any write, so a key
 * deleted or replaced since the scan is never touched by mistake.
 */
export const ApiCallSchema = z.object({
  service: ApiServiceSchema,
  /** A real region, or GLOBAL_REGION (`global`) for IAM and S3 Control: the executor uses its home region. */
  region: z.string().min(1),
  /** SDK command name without the `Command` suffix, e.g. `PutPublicAccessBlock`. */
  command: z.string().regex(/^[A-Z][A-Za-z0-9]*$/),
  input: z.record(z.string(), z.unknown()),
  lookup: z.object({ as: z.string().min(1), select: LookupSelectorSchema }).optional(),
  /** input field → name of an earlier lookup. */
  bind: z.record(z.string(), z.string()).optional(),
});
export type ApiCall = z.infer<typeof ApiCallSchema>;

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

const toSecond = (value: unknown): number | null => {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
};

/** Applies a lookup's selector to the SDK answer of its call (see ApiCall). */
export const selectLookupValue = (select: LookupSelector, output: unknown): Outcome<string> => {
  const wanted = toSecond(select.createdAt);
  const keys = (output as { AccessKeyMetadata?: unknown } | null)?.AccessKeyMetadata;
  const list = Array.isArray(keys) ? (keys as Array<Record<string, unknown>>) : [];
  const matches = list.filter(
    (k) =>
      (k['UserName'] === undefined || k['UserName'] === select.userName) &&
      wanted !== null &&
      toSecond(k['CreateDate']) === wanted &&
      typeof k['AccessKeyId'] === 'string',
  );
  const label = `access key ${select.keyNumber} of ${select.userName} (created ${select.createdAt})`;
  if (matches.length === 1) return { ok: true, value: matches[0]!['AccessKeyId'] as string };
  return matches.length === 0
    ? { ok: false, reason: `${label} no longer exists: it was deleted or replaced after the scan.` }
    : { ok: false, reason: `${label} is ambiguous: ${matches.length} keys were created that second.` };
};

/** The call with its `bind` fields filled from earlier lookups; fails naming a lookup that has no value. */
export const bindLookups = (call: ApiCall, values: Readonly<Record<string, string>>): Outcome<ApiCall> => {
  if (!call.bind) return { ok: true, value: call };
  const input = { ...call.input };
  for (const [field, name] of Object.entries(call.bind)) {
    const value = values[name];
    if (value === undefined)
      return { ok: false, reason: `${call.command} needs lookup "${name}", which has no value.` };
    input[field] = value;
  }
  return { ok: true, value: { ...call, input } };
};

/**
 * `before` is what undo needs, read from the snapshot when the plan was made and stored with the
 * request. `notes` tell approvers what the calls do not cover (a password left enabled, a lost tag).
 * Remediation specs return typed calls (`C` = SdkCall); the workflow sees them as ApiCalls.
 */
export type PlanResult<B = unknown, C extends ApiCall = ApiCall> =
  { ok: true; calls: C[]; before: B; notes?: string[] } | { ok: false; reason: string };
export type InverseResult = { ok: true; calls: ApiCall[] } | { ok: false; reason: string };

export const cannot = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

export type Risk = 'low' | 'high';

export type WritesTo = 'resource' | 'finding';

/**
 * One string naming what a remediation's requests for `finding` write to. The store keeps at most
 * one open (pending, approved, executing) request per target, remediations and their undos alike,
 * so two modals, a replayed submission or an undo racing a new fix never write to the same thing
 * twice. By resource, two findings about one bucket that the same remediation fixes share a target:
 * they would send the same call. The resource is named by its ARN when it has one (the same for a
 * cloudsec finding and a Security Hub finding about it), else by region, type and id.
 *
 * Migration 3 (src/store/migrations.ts) computes the same string in SQL for requests stored
 * before it; test/store/open-requests.test.ts keeps the two equal.
 */
export const writeTarget = (remediationId: string, finding: Finding, writesTo: WritesTo = 'resource'): string => {
  const { resource } = finding;
  // An empty ARN names nothing: it must not make every such resource one target.
  const byResource = resource.arn ? resource.arn : `${finding.region}|${resource.type}|${resource.id}`;
  const what = writesTo === 'finding' ? finding.id : byResource;
  return `${remediationId}|${finding.accountId}|${what}`;
};

/** High risk can cut off access or break workloads, so it always takes two approvers. */
type RiskAndApprovals = { risk: 'low'; approvals?: 1 | 2 } | { risk: 'high'; approvals?: 2 };

type SpecBase<B, O> = RiskAndApprovals & {
  /** Equal to the file name; checks name it in `remediation`. */
  id: string;
  title: string;
  /** Check ids this remediation fixes. */
  fixes: readonly string[];
  /**
   * Exact IAM actions the plan's calls need (lookups included); they make the write role's policy
   * (`cloudsec iam-policy --write`), which every approved fix runs with.
   */
  permissions: readonly string[];
  /** Schema of `plan`'s third argument, for remediations that take choices (a status, a note). */
  options?: z.ZodType<O>;
  /** Overrides the default: the finding fails a check in `fixes`, or names this remediation. */
  appliesTo?: (finding: Finding) => boolean;
  /**
   * What the calls write to, for "one open request per change" (see `writeTarget`): the finding's
   * resource (the default), or the finding itself for remediations that change only the finding
   * (a Security Hub workflow status), so two findings about one resource do not block each other.
   */
  writesTo?: WritesTo;
  /** Calls made with the helpers of sdk-call.ts, so every input is checked against the SDK's type. */
  plan: (finding: Finding, account: AccountSnapshot, options: O) => PlanResult<B, SdkCall>;
};

export type RemediationSpec<B, O = undefined> = SpecBase<B, O> &
  (
    | {
        /** Validates `before` when it comes back from the store for undo. */
        before: z.ZodType<B>;
        /**
         * Exact IAM actions the inverse calls need; they make the separate undo role's policy
         * (`cloudsec iam-policy --undo`), so a fix's role never holds what turns a control back off.
         */
        undoPermissions: readonly string[];
        /** Calls that restore the state recorded in `before` (typed like the plan's). */
        inverse: (calls: readonly ApiCall[], before: B) => SdkCall[];
      }
    | { irreversible: { reason: string } }
  );

/** A catalog entry, as the workflow sees it (its options and stored state are validated here). */
export interface Remediation {
  id: string;
  title: string;
  fixes: readonly string[];
  risk: Risk;
  approvals: 1 | 2;
  permissions: readonly string[];
  /** Empty when irreversible. */
  undoPermissions: readonly string[];
  options: z.ZodType | null;
  irreversible: { reason: string } | null;
  appliesTo: (finding: Finding) => boolean;
  /** The key of what a request of this remediation for `finding` writes to (`writeTarget`). */
  target: (finding: Finding) => string;
  plan: (finding: Finding, account: AccountSnapshot, options?: unknown) => PlanResult;
  inverse: (calls: readonly ApiCall[], before: unknown) => InverseResult;
}

export const defineRemediation = <B, O = undefined>(spec: RemediationSpec<B, O>): Remediation => {
  const appliesTo = spec.appliesTo ?? ((f: Finding) => spec.fixes.includes(f.checkId) || f.remediationId === spec.id);
  const irreversible = 'irreversible' in spec ? spec.irreversible : null;
  return {
    id: spec.id,
    title: spec.title,
    fixes: spec.fixes,
    risk: spec.risk,
    approvals: spec.approvals ?? (spec.risk === 'high' ? 2 : 1),
    permissions: spec.permissions,
    undoPermissions: 'irreversible' in spec ? [] : spec.undoPermissions,
    options: spec.options ?? null,
    irreversible,
    appliesTo,
    target: (finding) => writeTarget(spec.id, finding, spec.writesTo),
    plan: (finding, account, options) => {
      if (finding.status !== 'fail')
        return cannot(
          `The finding is ${finding.status === 'pass' ? 'passing' : 'unknown'} now, not failing: nothing to fix.`,
        );
      if (!appliesTo(finding)) return cannot(`${spec.id} does not fix ${finding.checkId}.`);
      if (finding.accountId !== account.accountId) {
        return cannot(`The finding is about account ${finding.accountId}, the snapshot about ${account.accountId}.`);
      }
      if (!spec.options) return spec.plan(finding, account, undefined as O);
      const parsed = spec.options.safeParse(options);
      return parsed.success
        ? spec.plan(finding, account, parsed.data)
        : cannot(`Invalid options: ${z.prettifyError(parsed.error)}`);
    },
    inverse: (calls, before) => {
      if ('irreversible' in spec) return cannot(spec.irreversible.reason);
      const parsed = spec.before.safeParse(before);
      return parsed.success
        ? { ok: true, calls: spec.inverse(calls, parsed.data) }
        : cannot(`The stored state cannot be restored: ${z.prettifyError(parsed.error)}`);
    },
  };
};

// ---------------------------------------------------------------- helpers for plans

/**
 * The resource's own id. Security Hub findings use the ARN as the id (`arn:aws:s3:::bucket`,
 * `arn:aws:ec2:…:security-group/sg-1`), cloudsec findings the bare name or id.
 */
export const targetId = (finding: Finding): string => {
  const id = finding.resource.id;
  if (!id.startsWith('arn:')) return id;
  const resource = id.split(':').slice(5).join(':');
  return resource.slice(resource.lastIndexOf('/') + 1);
};

/** A collected value, or the reason a plan cannot be made without it (naming the missing permission). */
export const collected = <T>(fact: Fact<T> | undefined, what: string): Outcome<T> => {
  if (fact === undefined) return { ok: false, reason: `The snapshot has no ${what}; collect it first.` };
  if (fact.ok) return { ok: true, value: fact.value };
  return {
    ok: false,
    reason: `The snapshot lacks ${what} (${fact.error.code}; cloudsec needs ${fact.error.permission} to read it).`,
  };
};

export const findBucket = (finding: Finding, account: AccountSnapshot): Outcome<S3Bucket> => {
  const buckets = collected(account.s3?.buckets, 'the S3 bucket list');
  if (!buckets.ok) return buckets;
  const name = targetId(finding);
  const bucket = buckets.value.find((b) => b.name === name);
  return bucket ? { ok: true, value: bucket } : { ok: false, reason: `Bucket ${name} is not in the snapshot.` };
};

/** By ARN when the finding has one (names repeat across regions and accounts), else by name. */
export const findTrail = (finding: Finding, account: AccountSnapshot): Outcome<Trail> => {
  const trails = collected(account.cloudtrail?.trails, 'the CloudTrail trail list');
  if (!trails.ok) return trails;
  const arn = finding.resource.arn;
  const name = targetId(finding);
  const trail = trails.value.find((t) => (arn ? t.arn === arn : t.name === name));
  return trail ? { ok: true, value: trail } : { ok: false, reason: `Trail ${arn ?? name} is not in the snapshot.` };
};

export const findEc2Region = (finding: Finding, account: AccountSnapshot): Outcome<Ec2Region> => {
  const region = account.ec2?.[finding.region];
  return region
    ? { ok: true, value: region }
    : { ok: false, reason: `The snapshot has no EC2 data for region ${finding.region}.` };
};
