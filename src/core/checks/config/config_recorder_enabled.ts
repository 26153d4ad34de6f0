import { defineCheck, fail, pass, unknownFrom, type CheckResult } from '../define';
import { regionSettingResource } from '../../resources';
import {
  GLOBAL_REGION,
  type AccountSnapshot,
  type ConfigRecorder,
  type ConfigRecorderStatus,
  type ConfigRegion,
  type ResourceRef,
} from '../../model';

/**
 * Service-linked recorders (another AWS service records for its own use, recording scope INTERNAL)
 * deliver nothing to the account: only the customer-managed recorder can satisfy CIS 3.3.
 */
export const customerRecorders = (recorders: readonly ConfigRecorder[]): ConfigRecorder[] =>
  recorders.filter((r) => r.servicePrincipal === null && r.recordingScope !== 'INTERNAL');

/** Whether the recorder records every supported resource type; null when AWS did not say. */
const recordsAll = (r: ConfigRecorder): boolean | null => {
  if (r.strategy === 'ALL_SUPPORTED_RESOURCE_TYPES' || r.allSupported === true) return true;
  if (r.strategy !== null || r.allSupported === false) return false;
  return null;
};

const unknownText = (resource: ResourceRef, region: string, message: string, evidence = {}): CheckResult => ({
  status: 'unknown',
  resource,
  region,
  message,
  evidence,
});

type Verdict = { result: CheckResult; recordsGlobal: boolean | null };

/**
 * One region: a customer-managed recorder that records every supported resource type, is recording,
 * and whose last recording did not fail. Also says whether that region records the global (IAM)
 * resource types, which the account needs in one region only.
 */
const judgeRegion = (account: AccountSnapshot, region: string, config: ConfigRegion): Verdict => {
  const resource = regionSettingResource(account, region, 'config-recorder');
  const none = { recordsGlobal: false };
  if (!config.recorders.ok)
    return { result: unknownFrom(resource, region, config.recorders.error), recordsGlobal: null };
  const ours = customerRecorders(config.recorders.value);
  const recorder = ours[0];
  if (recorder === undefined) {
    const linked = config.recorders.value.map((r) => r.servicePrincipal ?? r.name);
    const detail =
      linked.length > 0
        ? ` (only service-linked recorders for ${linked.join(', ')}, which record for that service, not for the account)`
        : '';
    return {
      ...none,
      result: fail(resource, region, `AWS Config is off in ${region}: there is no configuration recorder${detail}.`, {
        recorder: null,
        serviceLinkedRecorders: linked,
      }),
    };
  }
  const base = {
    recorder: recorder.name,
    allSupported: recorder.allSupported,
    strategy: recorder.strategy,
    includeGlobalResourceTypes: recorder.includeGlobalResourceTypes,
  };
  const all = recordsAll(recorder);
  if (all === null) {
    return {
      recordsGlobal: null,
      result: unknownText(
        resource,
        region,
        `Could not check: AWS did not say which resource types recorder ${recorder.name} in ${region} records.`,
        base,
      ),
    };
  }
  if (!config.recorderStatuses.ok) {
    return { recordsGlobal: null, result: unknownFrom(resource, region, config.recorderStatuses.error) };
  }
  const status: ConfigRecorderStatus | undefined = config.recorderStatuses.value.find((s) => s.name === recorder.name);
  if (status === undefined || status.recording === null) {
    return {
      recordsGlobal: null,
      result: unknownText(
        resource,
        region,
        `Could not check: AWS did not say whether recorder ${recorder.name} in ${region} is recording.`,
        base,
      ),
    };
  }
  const evidence = {
    ...base,
    recording: status.recording,
    lastStatus: status.lastStatus,
    lastErrorCode: status.lastErrorCode,
  };
  const healthy = status.recording && status.lastStatus !== 'Failure';
  const recordsGlobal = healthy && all && recorder.includeGlobalResourceTypes === true;
  const problems = [
    ...(all ? [] : [`records only selected resource types (${recorder.strategy ?? 'allSupported off'})`]),
    ...(status.recording ? [] : ['is stopped']),
    ...(status.lastStatus === 'Failure'
      ? [`failed its last recording (${status.lastErrorCode ?? 'no error code'})`]
      : []),
  ];
  // Recording global types is judged account-wide, so a region that is fine otherwise says whether it does.
  const unknownGlobal = recorder.includeGlobalResourceTypes === null && healthy && all;
  if (problems.length > 0) {
    return {
      recordsGlobal,
      result: fail(
        resource,
        region,
        `AWS Config in ${region} does not record the account's resources: recorder ${recorder.name} ${problems.join(' and ')}.`,
        evidence,
      ),
    };
  }
  return {
    recordsGlobal: unknownGlobal ? null : recordsGlobal,
    result: pass(
      resource,
      region,
      `AWS Config records every supported resource type in ${region} (recorder ${recorder.name}).`,
      evidence,
    ),
  };
};

/**
 * The global resource types (IAM users, groups, roles, policies) need recording in one region only
 * (recording them everywhere duplicates every item): one account-level result says whether some
 * healthy recorder does.
 */
const judgeGlobal = (account: AccountSnapshot, verdicts: [string, Verdict][]): CheckResult => {
  const resource = regionSettingResource(account, GLOBAL_REGION, 'config-global-resources');
  const recording = verdicts.filter(([, v]) => v.recordsGlobal === true).map(([region]) => region);
  if (recording.length > 0) {
    return pass(
      resource,
      GLOBAL_REGION,
      `AWS Config records the global IAM resource types in ${recording.join(', ')}.`,
      { regions: recording },
    );
  }
  const undecided = verdicts.filter(([, v]) => v.recordsGlobal === null).map(([region]) => region);
  if (undecided.length > 0) {
    return unknownText(
      resource,
      GLOBAL_REGION,
      `Could not check: no region is known to record the global IAM resource types, and ${undecided.join(', ')} could not be read.`,
      { unreadRegions: undecided },
    );
  }
  return fail(
    resource,
    GLOBAL_REGION,
    `AWS Config records the global IAM resource types (users, groups, roles, policies) in none of the ${verdicts.length} scanned region${verdicts.length === 1 ? '' : 's'}: changes to IAM are not recorded.`,
    { regions: verdicts.map(([region]) => region) },
  );
};

export default defineCheck({
  id: 'config_recorder_enabled',
  service: 'config',
  severity: 'medium',
  title: 'AWS Config records all resources',
  failTitle: 'AWS Config is not recording all resources',
  rationale:
    'AWS Config keeps the configuration history of every resource: what changed, when, and what it looked like before, which an investigation and many compliance rules depend on. It is regional, and the global IAM resource types must be recorded in one region.',
  remediationText:
    'In each region: AWS Config console → Settings → Edit: record all resource types (and, in one region, the global IAM resource types), with a delivery channel to an S3 bucket; or `aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=<role> --recording-group allSupported=true,includeGlobalResourceTypes=true` then `aws configservice start-configuration-recorder --configuration-recorder-name default`. With AWS Organizations, deploy it to every account with a CloudFormation StackSet or AWS Control Tower.',
  frameworks: { cis: '3.3', securityHub: 'Config.1' },
  requires: ['config'],
  remediation: null,
  evaluate: ({ account }) => {
    const verdicts = Object.entries(account.config).map(
      ([region, config]) => [region, judgeRegion(account, region, config)] as [string, Verdict],
    );
    if (verdicts.length === 0) return [];
    return [...verdicts.map(([, v]) => v.result), judgeGlobal(account, verdicts)];
  },
});
