import type { AccountSnapshot, AccountSnapshotWith, RdsInstance, RdsSnapshot, ResourceRef } from '../../../model';
import { regionSettingResource, withTags } from '../../../resources';
import { fail, pass, withFact, type CheckResult } from '../../define';

/**
 * What the RDS checks share: resource references in Security Hub's vocabulary (with the resource's
 * tags when they were read, for accepted-risk scopes), and the walk over every region's DB
 * instances. (A folder of its own: every file directly in checks/rds is a check.)
 */

type AccountRef = Pick<AccountSnapshot, 'accountId' | 'partition'>;

/** RDS ARNs are `arn:<partition>:rds:<region>:<account>:<type>:<identifier>`. */
const rdsArn = (account: AccountRef, region: string, type: string, id: string) =>
  `arn:${account.partition}:rds:${region}:${account.accountId}:${type}:${id}`;

export const rdsInstanceResource = (
  account: AccountRef,
  region: string,
  i: Pick<RdsInstance, 'id' | 'arn' | 'tags'>,
): ResourceRef =>
  withTags({ type: 'AwsRdsDbInstance', id: i.id, arn: i.arn ?? rdsArn(account, region, 'db', i.id) }, i.tags);

export const rdsSnapshotResource = (
  account: AccountRef,
  region: string,
  s: Pick<RdsSnapshot, 'id' | 'arn' | 'kind' | 'tags'>,
): ResourceRef =>
  withTags(
    s.kind === 'cluster'
      ? { type: 'AwsRdsDbClusterSnapshot', id: s.id, arn: s.arn ?? rdsArn(account, region, 'cluster-snapshot', s.id) }
      : { type: 'AwsRdsDbSnapshot', id: s.id, arn: s.arn ?? rdsArn(account, region, 'snapshot', s.id) },
    s.tags,
  );

/** `orders-db (postgres)`: the identifier people use, and the engine that tells RDS from Aurora or DocumentDB. */
export const instanceLabel = (i: Pick<RdsInstance, 'id' | 'engine'>): string =>
  i.engine ? `${i.id} (${i.engine})` : i.id;

/** What every instance finding carries, whatever the check. */
export const instanceEvidence = (i: RdsInstance): Record<string, unknown> => ({
  engine: i.engine,
  clusterId: i.clusterId,
  status: i.status,
});

/**
 * One result per DB instance in every scanned region, from `judge`; a region whose listing could not
 * be read is one `unknown` result naming the refused permission, never a region with no instances.
 */
export const eachInstance = (
  account: AccountSnapshotWith<'rds'>,
  judge: (instance: RdsInstance, region: string, resource: ResourceRef) => CheckResult,
): CheckResult[] =>
  Object.entries(account.rds).flatMap(([region, rds]) =>
    withFact(rds.instances, regionSettingResource(account, region, 'rds-instances'), region, (instances) =>
      instances.map((i) => judge(i, region, rdsInstanceResource(account, region, i))),
    ),
  );

/** An instance whose answer lacked the field a check reads: missing evidence, named. */
export const fieldNotReported = (
  instance: RdsInstance,
  region: string,
  resource: ResourceRef,
  field: string,
  question: string,
): CheckResult => ({
  status: 'unknown',
  resource,
  region,
  message: `Could not check: DescribeDBInstances did not report ${field} for RDS DB instance ${instanceLabel(instance)}, so ${question} is unknown; collect again.`,
  evidence: { ...instanceEvidence(instance), missingField: field },
});

/**
 * A check that reads one boolean setting of each instance: `true` passes, `false` fails, and a
 * setting AWS did not report is unknown.
 */
export const judgeFlag =
  (read: (i: RdsInstance) => boolean | null, field: string, words: { question: string; on: string; off: string }) =>
  (instance: RdsInstance, region: string, resource: ResourceRef): CheckResult => {
    const value = read(instance);
    if (value === null) return fieldNotReported(instance, region, resource, field, words.question);
    const evidence = { ...instanceEvidence(instance), [lowerFirst(field)]: value };
    const label = instanceLabel(instance);
    return value
      ? pass(resource, region, `RDS DB instance ${label} ${words.on}.`, evidence)
      : fail(resource, region, `RDS DB instance ${label} ${words.off}.`, evidence);
  };

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
