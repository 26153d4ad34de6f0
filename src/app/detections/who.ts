import { GLOBAL_REGION, type Finding } from '../../core/model';
import type { AccountRef } from '../../core/access/permissions';
import { accountsVisibleTo } from '../../core/access/policy';
import { makeFindingLookup } from '../remediation/finding-lookup';
import type { AppDeps } from '../deps';
import type { ResourceHistoryAnswer } from './ports';
import { actorRefOf, authorizeOnAccount, type AlertInput } from './alert-support';

/**
 * "Who did this?": who created a resource and changed it lately, from CloudTrail's event history
 * (LookupEvents, 90 days of management events). Asked by finding id (the button on a failing
 * finding, `/cloudsec who f_…`) or by resource name with an account and region. Needs findings:read
 * on the account.
 */

export type WhoDeps = Pick<AppDeps, 'store' | 'config' | 'knownAccounts' | 'scans' | 'resourceHistory' | 'log'>;

export const WHO_MAX_DAYS = 90;

export type WhoTarget =
  { findingId: string } | { resource: string; account?: string | undefined; region?: string | undefined };

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

/** IAM, S3 account settings and other global resources write their events in us-east-1. */
const GLOBAL_EVENTS_REGION = 'us-east-1';

const regionToAsk = (region: string): string => (region === GLOBAL_REGION ? GLOBAL_EVENTS_REGION : region);

/** The account a name or id means, among those the actor may read findings on. */
const resolveAccount = async (
  deps: WhoDeps,
  actor: AlertInput['actor'],
  given: string | undefined,
): Promise<{ ok: true; account: AccountRef } | { ok: false; reason: string }> => {
  const known = await deps.knownAccounts();
  const visible = accountsVisibleTo(actor, 'findings:read', known, deps.config);
  if (given) {
    const hit = known.find((a) => a.id === given || a.name === given);
    if (hit) return { ok: true, account: hit };
    if (/^\d{12}$/.test(given)) return { ok: true, account: { id: given, name: given } };
    return { ok: false, reason: `cloudsec knows no account named ${given.slice(0, 60)}.` };
  }
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

export const whoChanged = async (
  deps: WhoDeps,
  input: Pick<AlertInput, 'actor' | 'channel'> & { target: WhoTarget; days?: number },
): Promise<WhoAnswer> => {
  const actor = actorRefOf(input.actor);
  const days = Math.min(Math.max(Math.trunc(input.days ?? WHO_MAX_DAYS), 1), WHO_MAX_DAYS);
  let question: WhoQuestion;
  if ('findingId' in input.target) {
    const finding = await makeFindingLookup(deps.scans, deps.store).findFinding(input.target.findingId);
    if (!finding)
      return { ok: false, code: 'not-found', reason: 'That finding is not in the latest scans; run the check again.' };
    const account = (await deps.knownAccounts()).find((a) => a.id === finding.accountId) ?? {
      id: finding.accountId,
      name: finding.accountId,
    };
    question = { account, region: regionToAsk(finding.region), resourceName: finding.resource.id, days, finding };
  } else {
    const account = await resolveAccount(deps, input.actor, input.target.account);
    if (!account.ok) return { ok: false, code: 'invalid', reason: account.reason };
    const region = resolveRegion(deps, input.target.region);
    if (!region.ok) return { ok: false, code: 'invalid', reason: region.reason };
    question = {
      account: account.account,
      region: regionToAsk(region.region),
      resourceName: input.target.resource,
      days,
      finding: null,
    };
  }
  const decision = await authorizeOnAccount(deps, input, 'findings:read', question.account.id, 'findings:read');
  const target = `account:${question.account.id}/${question.resourceName.slice(0, 300)}`;
  if (!decision.allowed) {
    await deps.store.appendAudit({
      actor,
      action: 'resource.who',
      target,
      outcome: 'denied',
      details: { reason: decision.reason },
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
