/**
 * Passing findings an answer counts but does not hold (CheckOutcome.passesOmitted): a queued scan of
 * the estate streams every finding into the store and keeps in memory only failing and unknown
 * ones, so an answer over 500 accounts does not hold ~450,000 passes. The rules for them live here:
 * who may count which (only the accounts a reader may see: a scoped reader never learns a count of
 * an account outside their scope), and how to read them back from the store when a finding itself
 * is needed, one account at a time so that reading them never holds the whole estate either.
 */
import type { Summary } from '../core/findings';
import type { Finding } from '../core/model';
import { CloudsecError } from '../errors';
import type { Store } from '../store/store';

/** Passing findings left out of an answer, per account id (CheckOutcome.passesOmitted). */
export type PassesOmitted = Readonly<Record<string, number>>;

/** What of an answer says whether passes were left out, and where they are. */
export interface OmittingAnswer {
  findings: readonly Finding[];
  passesOmitted?: PassesOmitted | undefined;
  scanId?: string | undefined;
}

/** The omitted passes of these accounts only, per account (accounts with none are left out). */
export const omittedPassesIn = (
  passesOmitted: PassesOmitted | undefined,
  accountIds: ReadonlySet<string>,
): Record<string, number> => {
  const kept: Record<string, number> = {};
  for (const [accountId, n] of Object.entries(passesOmitted ?? {})) {
    if (n > 0 && accountIds.has(accountId)) kept[accountId] = n;
  }
  return kept;
};

/** How many passes of these accounts were left out, summed: what a reader of them may be told. */
export const omittedPassesOf = (passesOmitted: PassesOmitted | undefined, accountIds: ReadonlySet<string>): number =>
  Object.values(omittedPassesIn(passesOmitted, accountIds)).reduce((a, b) => a + b, 0);

/** `summary` with `passes` more passing findings (counted apart from the findings held). */
export const withOmittedPasses = (summary: Summary, passes: number): Summary =>
  passes === 0 ? summary : { ...summary, byStatus: { ...summary.byStatus, pass: summary.byStatus.pass + passes } };

/** The accounts whose passes the answer left in the store (none: every finding is in `findings`). */
export const accountsWithOmittedPasses = (answer: Pick<OmittingAnswer, 'passesOmitted'>): string[] =>
  Object.entries(answer.passesOmitted ?? {})
    .filter(([, n]) => n > 0)
    .map(([accountId]) => accountId);

/**
 * The stored passes of one account of the answer: read from its stored scan, only that account's
 * findings. An answer that left passes out without naming its scan, or a store that cannot be read,
 * is an error that says so: "no passes" would be a wrong answer, not a smaller one.
 */
export const storedPassesOfAccount = async (
  store: Pick<Store, 'findingsOfScan'>,
  answer: Pick<OmittingAnswer, 'scanId'>,
  accountId: string,
): Promise<Finding[]> => {
  if (!answer.scanId) {
    throw new CloudsecError('internal', `The passing findings of account ${accountId} were counted but not stored.`);
  }
  let stored: Finding[];
  try {
    stored = await store.findingsOfScan(answer.scanId, { accountIds: [accountId] });
  } catch (err) {
    throw new CloudsecError(
      'internal',
      `The passing findings of account ${accountId} could not be read from the store: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return stored.filter((f) => f.status === 'pass' && f.accountId === accountId);
};

/**
 * A finding the answer left out as a pass, looked for among the accounts it left passes out of
 * (only `accountId`'s when it is known), one account at a time; null when none of them holds it.
 */
export const findOmittedPass = async (
  store: Pick<Store, 'findingsOfScan'>,
  answer: Pick<OmittingAnswer, 'passesOmitted' | 'scanId'>,
  findingId: string,
  accountId?: string,
): Promise<Finding | null> => {
  const accounts = accountsWithOmittedPasses(answer).filter((id) => accountId === undefined || id === accountId);
  for (const id of accounts) {
    const found = (await storedPassesOfAccount(store, answer, id)).find((f) => f.id === findingId);
    if (found) return found;
  }
  return null;
};
