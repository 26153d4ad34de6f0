import { GLOBAL_REGION, type Finding } from '../../core/model';
import type { AccountRef, Permission } from '../../core/access/permissions';
import { accountsVisibleTo, authorize } from '../../core/access/policy';
import { makeFindingLookup } from '../remediation/finding-lookup';
import type { AppDeps } from '../deps';
import type { ResourceHistoryAnswer } from './ports';
import { accountRefOf, actorRefOf, authorizeOnAccount, type AlertInput } from './alert-support';

/**
 * "Who did this?": who created a resource and changed it lately, from CloudTrail's event history
 * (LookupEvents, 90 days of management events). Asked by finding id (the button on a failing
 * finding, `/cloudsec who f_…`) or by resource name with an account and region.
 *
 * The answer names people (principals, SSO users, source addresses), as an alert card does, so it
 * needs `alert:read` on the account; asked by finding id, the asker must also see the finding
 * (`findings:read` on its account, and the channel policy for findings). A finding on an account the
 * asker may not see is answered exactly as a finding that does not exist: an id is no way to learn
 * which accounts or resources are there.
 */

export type WhoDeps = Pick<AppDeps, 'store' | 'config' | 'knownAccounts' | 'scans' | 'resourceHistory' | 'log'>;

export const WHO_MAX_DAYS = 90;

/** The permission the answer needs on the account (the router checks it too: commands/who.ts). */
export const WHO_PERMISSION = 'alert:read' satisfies Permission;

/**
 * `account`: as the router resolved the name or id the asker gave (among the accounts they hold
 * alert:read on, or a 12-digit id standing for itself); absent: their only such account.
 */
export type WhoTarget =
  { findingId: string } | { resource: string; account?: AccountRef | undefined; region?: string | undefined };

export interface WhoQuestion {
  account: AccountRef;
  region: string;
  resourceName: string;
  days: number;
  finding: Finding | null;
}

export type WhoAnswer =
  | { ok: true; question: WhoQuestion; history: ResourceHistoryAnswer }
  /** AWS cannot be asked here (no LookupEvents port, or the call failed): `reason` says why. */
  | { ok: true; question: WhoQuestion; history: null; reason: string }
  | { ok: false; code: 'not-found' | 'not-allowed' | 'invalid'; reason: string };

/** The one answer for a finding id that is not there and for one the asker may not see. */
export const WHO_FINDING_NOT_FOUND = {
  ok: false,
  code: 'not-found',
  reason: 'That finding is not in the latest scans; run the check again.',
} as const satisfies WhoAnswer;

/** IAM, S3 account settings and other global resources write their events in us-east-1. */
const GLOBAL_EVENTS_REGION = 'us-east-1';

const regionToAsk = (region: string): string => (region === GLOBAL_REGION ? GLOBAL_EVENTS_REGION : region);

/** The account given, else the asker's only account with alert:read. */
const resolveAccount = async (
  deps: WhoDeps,
  actor: AlertInput['actor'],
  given: AccountRef | undefined,
): Promise<{ ok: true; account: AccountRef } | { ok: false; reason: string }> => {
  if (given) return { ok: true, account: given };
  const visible = accountsVisibleTo(actor, WHO_PERMISSION, await deps.knownAccounts(), deps.config);
  if (visible.length === 1) return { ok: true, account: visible[0]! };
  return { ok: false, reason: 'Say which account with --account <id or name>.' };
};

const resolveRegion = (
  deps: WhoDeps,
  given: string | undefined,
): { ok: true; region: string } | { ok: false; reason: string } => {
  if (given) return { ok: true, region: given };
  const configured = deps.config.regions === 'all' ? [] : deps.config.regions;
  if (configured.length === 1) return { ok: true, region: configured[0]! };
  return { ok: false, reason: 'Say which region with --region <region> (global resources such as IAM: us-east-1).' };
};

type Asked = { ok: true; question: WhoQuestion } | Extract<WhoAnswer, { ok: false }>;

/** The finding's account and region, or the not-found answer (also when the asker may not see it). */
const askedByFinding = async (
  deps: WhoDeps,
  input: Pick<AlertInput, 'actor'>,
  findingId: string,
  days: number,
): Promise<Asked> => {
  const finding = await makeFindingLookup(deps.scans, deps.store).findFinding(findingId);
  const account = finding ? await accountRefOf(deps, finding.accountId) : null;
  const sees = account ? authorize({ actor: input.actor, permission: 'findings:read', account }, deps.config) : null;
  if (!finding || !account || !sees?.allowed) {
    // One answer and one audit entry for both (only the entry's reason tells them apart): an id is
    // no way to learn that a finding exists on an account the asker may not see.
    await deps.store.appendAudit({
      actor: actorRefOf(input.actor),
      action: 'resource.who',
      target: `finding:${findingId.slice(0, 80)}`,
      outcome: 'denied',
      details: {
        answered: 'not-found',
        reason: sees && !sees.allowed ? sees.reason : 'no such finding in the latest scans',
      },
    });
    return WHO_FINDING_NOT_FOUND;
  }
  return {
    ok: true,
    question: { account, region: regionToAsk(finding.region), resourceName: finding.resource.id, days, finding },
  };
};

const askedByResource = async (
  deps: WhoDeps,
  input: Pick<AlertInput, 'actor'>,
  target: Extract<WhoTarget, { resource: string }>,
  days: number,
): Promise<Asked> => {
  const account = await resolveAccount(deps, input.actor, target.account);
  if (!account.ok) return { ok: false, code: 'invalid', reason: account.reason };
  const region = resolveRegion(deps, target.region);
  if (!region.ok) return { ok: false, code: 'invalid', reason: region.reason };
  return {
    ok: true,
    question: {
      account: account.account,
      region: regionToAsk(region.region),
      resourceName: target.resource,
      days,
      finding: null,
    },
  };
};

export const whoChanged = async (
  deps: WhoDeps,
  input: Pick<AlertInput, 'actor' | 'channel'> & { target: WhoTarget; days?: number },
): Promise<WhoAnswer> => {
  const actor = actorRefOf(input.actor);
  const days = Math.min(Math.max(Math.trunc(input.days ?? WHO_MAX_DAYS), 1), WHO_MAX_DAYS);
  // Someone without alert:read anywhere is told so before any id or name is looked at: the same
  // answer whatever they asked about.
  const anywhere = authorize({ actor: input.actor, permission: WHO_PERMISSION }, deps.config);
  if (!anywhere.allowed) {
    await deps.store.appendAudit({
      actor,
      action: 'resource.who',
      target: null,
      outcome: 'denied',
      details: { reason: anywhere.reason },
    });
    return {
      ok: false,
      code: 'not-allowed',
      reason: `${anywhere.reason[0]!.toUpperCase()}${anywhere.reason.slice(1)}.`,
    };
  }
  const asked =
    'findingId' in input.target
      ? await askedByFinding(deps, input, input.target.findingId, days)
      : await askedByResource(deps, input, input.target, days);
  if (!asked.ok) return asked;
  const { question } = asked;
  const target = `account:${question.account.id}/${question.resourceName.slice(0, 300)}`;
  // By finding: seeing it where the answer appears (findings:read and the channel policy), then
  // alert:read. The asker sees the account's findings by then, so a refusal may name the account.
  const needed: Permission[] = question.finding ? ['findings:read', WHO_PERMISSION] : [WHO_PERMISSION];
  for (const permission of needed) {
    const see = question.finding ? 'findings:read' : WHO_PERMISSION;
    const decision = await authorizeOnAccount(deps, input, permission, question.account.id, see);
    if (decision.allowed) continue;
    await deps.store.appendAudit({
      actor,
      action: 'resource.who',
      target,
      outcome: 'denied',
      details: { permission, reason: decision.reason },
    });
    return { ok: false, code: 'not-allowed', reason: decision.reason };
  }
  const record = (outcome: 'ok' | 'error', details: Record<string, unknown>) =>
    deps.store.appendAudit({
      actor,
      action: 'resource.who',
      target,
      outcome,
      details: { region: question.region, days, ...details },
    });
  if (!deps.resourceHistory) {
    const reason = 'no AWS access for CloudTrail event history is configured in this cloudsec (LookupEvents).';
    await record('error', { reason });
    return { ok: true, question, history: null, reason };
  }
  try {
    const history = await deps.resourceHistory.history({
      accountId: question.account.id,
      region: question.region,
      resourceName: question.resourceName,
      days,
    });
    await record('ok', { changes: history.changes.length, complete: history.complete });
    return { ok: true, question, history };
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).slice(0, 300);
    await record('error', { reason });
    return { ok: true, question, history: null, reason };
  }
};
