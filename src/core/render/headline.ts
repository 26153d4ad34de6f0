import type { AnyCheck } from '../checks/define';
import { checkCatalog } from '../checks/catalog';
import type { FindingStatus } from '../model';

/**
 * What a finding is headed with wherever it is listed. A failing finding leads with what is wrong
 * ("S3 bucket is public through its bucket policy"), never with the control's desired state ("S3
 * bucket policy does not grant public access"), which reads as a pass to someone skimming a digest.
 */

// Built when a finding is first headed: the catalog loads then (checks/catalog.ts).
let catalog: Map<string, AnyCheck> | undefined;
const catalogCheck = (id: string) => (catalog ??= new Map(checkCatalog().map((c) => [c.id, c]))).get(id);
const SECURITY_HUB_CONTROL = /^securityhub:([A-Za-z][A-Za-z0-9]*\.\d+)$/;

export interface Titled {
  checkId: string;
  title: string;
}

/**
 * The heading of something that fails (a failing finding; a digest item, which is always one):
 * - a cloudsec check's failing finding carries its failTitle already; findings and digest items
 *   stored before checks had one carry the desired state (the check's title), which is replaced by
 *   the catalog's failTitle here, so old rows read right without a migration;
 * - a Security Hub control's title says what resources should do ("S3 general purpose buckets should
 *   block public access"), so it is led by the failed control ("Fails S3.8: …");
 * - anything else (a GuardDuty finding, whose title states the problem; a check no longer in the
 *   catalog) keeps its own title.
 */
export const problemTitle = (f: Titled): string => {
  const check = catalogCheck(f.checkId);
  if (check && (f.title === check.title || f.title.trim() === '')) return check.failTitle;
  const control = SECURITY_HUB_CONTROL.exec(f.checkId)?.[1];
  if (control) return f.title.trim() ? `Fails ${control}: ${f.title}` : `Fails Security Hub control ${control}`;
  return f.title;
};

/** The heading of any finding: what is wrong when it fails, its title otherwise. */
export const headingOf = (f: Titled & { status: FindingStatus }): string =>
  f.status === 'fail' ? problemTitle(f) : f.title;
