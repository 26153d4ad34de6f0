import { exceptionsFromConfig, type ConfigException } from '../core/exceptions/from-config';
import { isInForce } from '../core/exceptions/lifecycle';
import { RiskExceptionSchema, type ExceptionStatus, type RiskException } from '../core/exceptions/model';
import type { Store } from '../store/store';
import type { AppLogger } from './deps';

/**
 * The one source of accepted risks (exceptions) for the use cases: those written in cloudsec.yml
 * (`exceptions.accepted`, turned into the shape Slack-made ones have) and those stored from Slack.
 * Config ones come first, so any list built from them reads "cloudsec.yml, then database".
 *
 * Reading fails towards showing: a stored row that does not parse, or a store that cannot be read
 * at all, hides nothing (its findings stay in the failing lists), is logged, and is named in
 * `problems` so a report can say that some accepted risks could not be read. A broken row never
 * makes a report pretend that a finding is accepted.
 */

export interface AcceptedRisksDeps {
  /** `config.exceptions` of cloudsec.yml; absent = none written there. */
  config: { exceptions?: { accepted: readonly ConfigException[] } | undefined };
  /** Where Slack-made exceptions are kept; null when there is no database (the CLI without one). */
  store: Pick<Store, 'listExceptions'> | null;
  clock: () => Date;
  log?: Pick<AppLogger, 'warn'> | undefined;
}

/** Exceptions as read, with what could not be read (for people; never a row's content). */
export interface AcceptedRiskSet {
  exceptions: RiskException[];
  problems: string[];
}

/** Statuses reports need: in force now, expiring soon, recently expired (see ./digest). */
export const REPORTED_STATUSES: readonly ExceptionStatus[] = ['active', 'expired'];

export interface AcceptedRisks {
  /** Every exception, whatever its status: config first, then stored. */
  all(): Promise<RiskException[]>;
  /** Exceptions that hide findings at `now` (default: the clock's now): config first, then stored. */
  inForce(now?: Date): Promise<RiskException[]>;
  /**
   * Exceptions of the given statuses (default: every status) with the problems met reading them.
   * Reports use this form so that they can say when stored exceptions could not be read.
   */
  read(statuses?: readonly ExceptionStatus[]): Promise<AcceptedRiskSet>;
}

const UNREADABLE_STORE = 'accepted risks stored in the database could not be read; the findings they cover are shown';
const unreadableRows = (n: number) =>
  `${n} accepted risk${n === 1 ? '' : 's'} stored in the database could not be read; the findings ${n === 1 ? 'it covers are' : 'they cover are'} shown`;

export const makeAcceptedRisks = (deps: AcceptedRisksDeps): AcceptedRisks => {
  const fromConfig = (now: Date, statuses: readonly ExceptionStatus[] | undefined): RiskException[] =>
    exceptionsFromConfig(deps.config.exceptions?.accepted ?? [], now).filter(
      (e) => statuses === undefined || statuses.includes(e.status),
    );

  const fromStore = async (statuses: readonly ExceptionStatus[] | undefined): Promise<AcceptedRiskSet> => {
    if (deps.store === null) return { exceptions: [], problems: [] };
    let rows: unknown[];
    try {
      rows = await deps.store.listExceptions(statuses === undefined ? {} : { statuses });
    } catch (err) {
      deps.log?.warn({ err }, 'accepted risks could not be read from the store; findings they cover are shown');
      return { exceptions: [], problems: [UNREADABLE_STORE] };
    }
    // The store parses what it reads; parsed again here because a row that slipped past it must
    // hide nothing rather than hide by accident (a scope of an unexpected shape, a missing expiry).
    const exceptions: RiskException[] = [];
    const unreadable: string[] = [];
    for (const row of rows) {
      const parsed = RiskExceptionSchema.safeParse(row);
      if (parsed.success) exceptions.push(parsed.data);
      else unreadable.push(idOf(row));
    }
    if (unreadable.length > 0) {
      deps.log?.warn(
        { exceptionIds: unreadable.slice(0, 20), count: unreadable.length },
        'stored accepted risks could not be read; findings they cover are shown',
      );
    }
    // The store filters by status; a row of another status (an old store, a bug) is not trusted.
    const wanted = exceptions.filter((e) => statuses === undefined || statuses.includes(e.status));
    return { exceptions: wanted, problems: unreadable.length > 0 ? [unreadableRows(unreadable.length)] : [] };
  };

  const readAt = async (now: Date, statuses?: readonly ExceptionStatus[]): Promise<AcceptedRiskSet> => {
    const stored = await fromStore(statuses);
    return { exceptions: [...fromConfig(now, statuses), ...stored.exceptions], problems: stored.problems };
  };

  return {
    read: (statuses) => readAt(deps.clock(), statuses),
    all: async () => (await readAt(deps.clock())).exceptions,
    inForce: async (now?: Date) => {
      const at = now ?? deps.clock();
      // A config exception's status is decided at `at` too (exceptionsFromConfig), so both kinds agree.
      return (await readAt(at, ['active'])).exceptions.filter((e) => isInForce(e, at));
    },
  };
};

/** A row's id for the log, when it has a readable one (never the row itself: its reason is free text). */
const idOf = (row: unknown): string => {
  const id = (row as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.slice(0, 80) : '(no id)';
};

/** Which kind of source an exception comes from, in the words reports use. */
export const sourceLabel = (e: Pick<RiskException, 'source'>): 'cloudsec.yml' | 'database' =>
  e.source === 'config' ? 'cloudsec.yml' : 'database';
