import { checkCatalog } from '../../core/checks/catalog';
import type { AlertResource } from '../../core/detections/define';
import type { Alert } from '../../core/detections/alert';
import { GLOBAL_REGION, SERVICES, type Finding, type Service } from '../../core/model';
import type { AlertDeps } from './alert-support';

/**
 * The findings of the resource an alert is about, from a fresh collection of its account (and
 * region, for regional services): what Re-check answers with, and where Undo finds the finding its
 * remediation request is made for.
 */

/** ASFF resource type prefixes → the service whose checks judge that resource. */
const SERVICE_OF_TYPE: ReadonlyArray<[RegExp, Service]> = [
  [/^AwsS3/, 's3'],
  [/^AwsEc2/, 'ec2'],
  [/^AwsIam/, 'iam'],
  [/^AwsCloudTrail/, 'cloudtrail'],
  [/^AwsKms/, 'kms'],
  [/^AwsGuardDuty/, 'guardduty'],
  [/^AwsRds/, 'rds'],
  [/^AwsEfs/, 'efs'],
  [/^AwsLambda/, 'lambda'],
  [/^AwsSqs/, 'sqs'],
  [/^AwsSns/, 'sns'],
  [/^AwsSecretsManager/, 'secretsmanager'],
  [/^AwsEcr/, 'ecr'],
  [/^AwsOpenSearch/, 'opensearch'],
  [/^AwsEks/, 'eks'],
  [/^AwsConfig/, 'config'],
];

/**
 * Services judged per region (as src/app/remediation/finding-recheck.ts re-reads them): only the
 * alert's region is collected. The others are collected as configured and found by id.
 */
const REGIONAL: readonly Service[] = ['ec2', 'rds', 'efs', 'eks', 'guardduty', 'config', 'accessanalyzer'];

/** The service whose checks cover the alert's resource, or null when cloudsec has none. */
export const serviceOfAlert = (alert: Pick<Alert, 'undo' | 'resource' | 'eventSource'>): Service | null => {
  const undoCheck = alert.undo ? checkCatalog().find((c) => c.id === alert.undo!.checkId) : undefined;
  if (undoCheck) return undoCheck.service;
  const byType = SERVICE_OF_TYPE.find(([re]) => re.test(alert.resource.type));
  if (byType) return byType[1];
  const prefix = alert.eventSource.split('.')[0] ?? '';
  return (SERVICES as readonly string[]).includes(prefix) && prefix !== 'securityhub' ? (prefix as Service) : null;
};

/** A resource the record did not name cannot be collected (the detection wrote `unknown`). */
export const isNamedResource = (r: AlertResource): boolean => r.id !== '' && r.id !== 'unknown';

export const sameResource = (f: Pick<Finding, 'resource'>, r: AlertResource): boolean =>
  f.resource.id === r.id ||
  (r.arn !== null && (f.resource.arn === r.arn || f.resource.id === r.arn)) ||
  f.resource.arn === r.id;

export type ResourceFindings =
  { ok: true; service: Service; findings: Finding[]; accountReadable: boolean } | { ok: false; reason: string };

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 300);

/** Collects the service again (fresh, never the cache) and keeps the findings of this resource. */
export const collectResourceFindings = async (
  deps: Pick<AlertDeps, 'scans'>,
  input: { accountId: string; resource: AlertResource; service: Service },
): Promise<ResourceFindings> => {
  const { service, resource } = input;
  const regional = REGIONAL.includes(service) && resource.region !== GLOBAL_REGION;
  let result;
  try {
    result = await deps.scans.run({
      service,
      accountIds: [input.accountId],
      ...(regional ? { regions: [resource.region] } : {}),
      fresh: true,
    });
  } catch (err) {
    return {
      ok: false,
      reason: `cloudsec could not collect ${service} in account ${input.accountId}: ${errorText(err)}`,
    };
  }
  const account = result.snapshot.accounts.find((a) => a.accountId === input.accountId);
  const findings = result.findings.filter((f) => f.accountId === input.accountId && sameResource(f, resource));
  return { ok: true, service, findings, accountReadable: account?.access.ok === true };
};
