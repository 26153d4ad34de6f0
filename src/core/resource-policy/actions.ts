import { globRegex, patternCovers } from './patterns';
import { SERVICE_PROFILES, type PolicyService, type ServiceProfile } from './services';
import type { PolicyStatement } from './document';

/**
 * What a statement grants on one service's resources. Only the service's own actions apply to its
 * resources (an `sqs:SendMessage` in a bucket policy grants nothing on the bucket), so other services' actions are
 * dropped and wildcards are read as limited to the service.
 */

export interface Granted {
  actions: string[];
  notAction: boolean;
}

/** `*`, `s3:*`, `s*:Get*`, `*:GetObject`: the service part is a glob over the prefix. */
const reachesService = (pattern: string, prefix: string) => globRegex(pattern.split(':')[0]!, true).test(prefix);

/** The pattern limited to the service's own actions (only those apply to its resources). */
export const withinService = (pattern: string, prefix: string): string => {
  const colon = pattern.indexOf(':');
  return colon < 0 ? `${prefix}:*` : `${prefix}:${pattern.slice(colon + 1)}`;
};

/** What an Allow grants on this service's resources, or null when it grants none of its actions. */
export const granted = (s: PolicyStatement, profile: ServiceProfile): Granted | null => {
  const { element, values } = s.actions;
  if (element === 'Action') {
    const actions = values.filter((a) => reachesService(a, profile.prefix));
    return actions.length > 0 ? { actions, notAction: false } : null;
  }
  const excludesAll = values.some((a) => patternCovers(a, `${profile.prefix}:*`, true));
  return excludesAll ? null : { actions: values, notAction: true };
};

export const includesWrite = ({ actions, notAction }: Granted, profile: ServiceProfile): boolean =>
  profile.writeSamples.some((sample) => actions.some((a) => globRegex(a, true).test(sample)) !== notAction);

/** Whether granting `action` (a pattern such as `s3:Put*`) lets the grantee change things, per the service's samples. */
export const actionIncludesWrite = (action: string, service: PolicyService): boolean =>
  includesWrite({ actions: [action], notAction: false }, SERVICE_PROFILES[service]);
