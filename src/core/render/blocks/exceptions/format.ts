import type { CoveragePreview } from '../../../exceptions/coverage';
import { daysLeft, isInForce } from '../../../exceptions/lifecycle';
import type { ExceptionScope, ExceptionStatus, Person, RiskException } from '../../../exceptions/model';
import { instantOf } from '../../../exceptions/time';
import { clip, code } from '../../mrkdwn';
import { utcStamp } from '../age';
import { actorRef, plural, thousands } from '../remediation/format';

/**
 * Wording shared by the accepted-risk renderers: people, scopes, expiries, coverage and statuses,
 * every piece escaped and bounded so callers can add them up against Slack's limits.
 */

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/**
 * An owner or approver: a mention for a Slack user id (only an id of the shape Slack gives can
 * become a mention, so no stored text turns into `<!channel>`), a name in a code span otherwise
 * (cloudsec.yml gives names).
 */
export const personRef = (p: Person): string => (SLACK_USER_ID.test(p.id) ? `<@${p.id}>` : code(p.name ?? p.id, 60));

/** Who asked: a person, or the file for cloudsec.yml exceptions. */
export const requesterRef = (e: Pick<RiskException, 'source' | 'requester'>): string =>
  e.source === 'config' ? code('cloudsec.yml', 20) : actorRef(e.requester);

export const SOURCE_LABEL: Record<RiskException['source'], string> = { slack: 'slack', config: 'cloudsec.yml' };

/** What a status looks like in a list or at the top of a card. */
export const EXCEPTION_STATUS_EMOJI: Record<ExceptionStatus, string> = {
  pending: ':hourglass_flowing_sand:',
  active: ':shield:',
  denied: ':no_entry:',
  revoked: ':heavy_multiplication_x:',
  expired: ':rotating_light:',
  cancelled: ':heavy_multiplication_x:',
};
export const EXCEPTION_STATUS_LABEL: Record<ExceptionStatus, string> = {
  pending: 'Waiting for approval',
  active: 'Active',
  denied: 'Denied',
  revoked: 'Revoked',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

/**
 * The status people should read: an `active` exception past its expiry hides nothing already (the
 * sweep has not reached it yet), so it reads as expired.
 */
export const effectiveStatus = (e: Pick<RiskException, 'status' | 'expiresAt'>, now: Date): ExceptionStatus =>
  e.status === 'active' && !isInForce(e, now) ? 'expired' : e.status;

/** `2026-12-01 23:59 UTC`, escaped; the raw text (escaped) when it is not a time. */
export const stamp = (iso: string): string => clip(utcStamp(iso), 40);

/** "in 30 days" / "in 1 day" / "today" / "3 days ago": whole days, as `daysLeft` counts them. */
export const daysLabel = (expiresAt: string, now: Date): string => {
  const at = instantOf(expiresAt);
  if (Number.isNaN(at) || Number.isNaN(now.getTime())) return 'at an unknown time';
  const left = daysLeft({ expiresAt }, now);
  if (left > 0) return `in ${plural(left, 'day')}`;
  const ago = Math.floor((now.getTime() - at) / 86_400_000);
  return ago < 1 ? 'today' : `${plural(ago, 'day')} ago`;
};

/** "expires 2026-12-01 23:59 UTC (in 30 days)" or "expired … (3 days ago)". */
export const expiryLabel = (expiresAt: string, now: Date): string => {
  const at = instantOf(expiresAt);
  const past = !Number.isNaN(at) && at <= now.getTime();
  return `${past ? 'expired' : 'expires'} ${stamp(expiresAt)} (${daysLabel(expiresAt, now)})`;
};

/**
 * Items in code spans, as many as fit in `budget` characters (at least one), then "+N more". Each
 * item is clipped to `maxItem`, so one 512-character pattern cannot crowd out the rest.
 */
export const codeList = (items: readonly string[], budget: number, maxItem = 120): string => {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < items.length; i += 1) {
    const piece = code(items[i]!, maxItem);
    const more = items.length - i - 1;
    // Keep room for the "+N more" that follows when this is not the last item.
    const reserve = more > 0 ? 16 : 0;
    if (out.length > 0 && used + piece.length + 2 + reserve > budget) {
      out.push(`+${thousands(items.length - i)} more`);
      return out.join(', ');
    }
    out.push(piece);
    used += piece.length + 2;
  }
  return out.join(', ');
};

const tagText = (key: string, value: string): string => (value === '*' ? `${key}=* (any value)` : `${key}=${value}`);

/** The scope as one line per field, for cards and modals: what it covers, in words. */
export const scopeLines = (scope: ExceptionScope, budgetPerField = 400): string[] => {
  const lines: string[] = [];
  lines.push(`*Checks*: ${codeList(scope.checks, budgetPerField)}`);
  if (scope.accounts !== undefined)
    lines.push(
      scope.accounts.includes('*')
        ? '*Accounts*: every account (`*`)'
        : `*Accounts*: ${codeList(scope.accounts, budgetPerField)}`,
    );
  if (scope.ous !== undefined) lines.push(`*OUs*: ${codeList(scope.ous, budgetPerField)} (every account below them)`);
  lines.push(`*Regions*: ${scope.regions === undefined ? 'every region' : codeList(scope.regions, budgetPerField)}`);
  lines.push(
    `*Resources*: ${scope.resources === undefined ? 'every resource' : codeList(scope.resources, budgetPerField, 200)}`,
  );
  if (scope.tags !== undefined) {
    const tags = Object.entries(scope.tags).map(([k, v]) => tagText(k, v));
    lines.push(`*Tags*: ${tags.length === 0 ? 'none required' : codeList(tags, budgetPerField)}`);
  }
  return lines;
};

/** The scope in one bounded line, for lists and notices: "`s3_*` · account `111…` · `us-east-1` · `arn:…`". */
export const scopeSummary = (scope: ExceptionScope, budget = 320): string => {
  const share = Math.max(40, Math.floor(budget / 4));
  const parts = [codeList(scope.checks, share, 80)];
  if (scope.accounts !== undefined)
    parts.push(
      scope.accounts.includes('*')
        ? 'every account'
        : `${scope.accounts.length === 1 ? 'account' : 'accounts'} ${codeList(scope.accounts, share, 40)}`,
    );
  if (scope.ous !== undefined) parts.push(`${scope.ous.length === 1 ? 'OU' : 'OUs'} ${codeList(scope.ous, share, 60)}`);
  parts.push(scope.regions === undefined ? 'every region' : codeList(scope.regions, share, 30));
  if (scope.resources !== undefined) parts.push(codeList(scope.resources, share, 100));
  if (scope.tags !== undefined && Object.keys(scope.tags).length > 0)
    parts.push(
      `tagged ${codeList(
        Object.entries(scope.tags).map(([k, v]) => tagText(k, v)),
        share,
        60,
      )}`,
    );
  return parts.join(' · ');
};

/** "10 × `s3_bucket_public_access_blocked`, 2 × `s3_bucket_versioning`, +3 more": the largest first. */
export const byCheckText = (byCheck: Readonly<Record<string, number>>, max = 4): string => {
  const entries = Object.entries(byCheck).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const shown = entries.slice(0, max).map(([check, n]) => `${n} × ${code(check, 80)}`);
  return [...shown, ...(entries.length > max ? [`+${entries.length - max} more checks`] : [])].join(', ');
};

/**
 * "12 failing findings now (by check: …)" plus "3 more could not be decided (tags or OU unknown)"
 * when some could not; "not counted" without a preview.
 */
export const coverageText = (coverage: CoveragePreview | null | undefined): string => {
  if (!coverage) return 'not counted';
  const head =
    coverage.count === 0
      ? 'no failing finding now'
      : `${plural(coverage.count, 'failing finding')} now (by check: ${byCheckText(coverage.byCheck)})`;
  const undecided =
    coverage.undecided > 0 ? `; ${thousands(coverage.undecided)} more could not be decided (tags or OU unknown)` : '';
  return `${head}${undecided}`;
};

/** The id, in a code span. */
export const idRef = (id: string): string => code(id, 80);
