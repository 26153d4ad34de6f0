import type { CheckDefinition } from '../../core/checks/define';
import type { CheckSettings } from '../../core/check-settings';
import { evaluateChecks } from '../../core/findings';
import type { AccountSnapshot, Finding } from '../../core/model';
import type { ScanJobSpec } from './spec';

export interface JobEvaluation {
  checks: readonly CheckDefinition[];
  /** cloudsec.yml `checks:`; absent = defaults, which exempt nothing. */
  settings?: CheckSettings;
}

/** One account's findings for its job: the checks of the reported services, in the asked regions. */
export const evaluateJob = (deps: JobEvaluation, spec: ScanJobSpec, account: AccountSnapshot, now: Date): Finding[] =>
  evaluateChecks(
    deps.checks,
    { schemaVersion: 1, generatedAt: now.toISOString(), demo: false, services: spec.collect, accounts: [account] },
    now,
    {
      services: spec.report,
      ...(spec.regions ? { regions: spec.regions } : {}),
      ...(deps.settings ? { settings: deps.settings } : {}),
    },
  );

/**
 * The account of a job whose collection could not finish, as an account cloudsec could not enter:
 * every check of it answers `unknown` with `reason`, so a lost account is never a silent pass.
 */
export const unfinishedAccount = (spec: ScanJobSpec, reason: string, now: Date): AccountSnapshot => ({
  accountId: spec.account.id,
  accountName: spec.account.name,
  ou: spec.account.ou,
  partition: spec.account.partition,
  // The regions it was asked about: the answer covers them, as unknown.
  regions: spec.regions ?? [],
  collectedAt: now.toISOString(),
  access: {
    ok: false,
    error: {
      service: 'cloudsec',
      operation: 'ScanJob',
      permission: 'none',
      code: 'ScanJobFailed',
      kind: 'other',
      message: `the scan of this account did not finish: ${reason}`,
    },
  },
  warnings: [],
});
