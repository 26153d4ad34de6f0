import type { CollectError } from '../snapshot/fact';
import type { ConditionClause } from './document';
import type { PublicPolicyGrant, RestrictedPolicyGrant } from './evaluate';

/**
 * Sentences for findings, so every check words a policy verdict the same way:
 * "statement 'AllowAll' lets anyone (Principal "*") sqs:SendMessage".
 */

export const describeActions = (g: { actions: string[]; notAction: boolean }): string =>
  g.notAction ? `every action except ${g.actions.join(', ')}` : g.actions.join(', ');

/** `StringEqualsIfExists aws:SourceAccount 111122223333` */
export const describeClause = (c: ConditionClause): string => `${c.operator} ${c.key} ${c.values.join(', ')}`;

const clauses = (cs: ConditionClause[]) => cs.map(describeClause).join(' and ');

/** "statement 'AllowAll' lets anyone (Principal "*") sqs:SendMessage; its condition … does not narrow who may call" */
export const describePublicGrant = (g: PublicPolicyGrant): string =>
  `statement '${g.statement}' lets anyone (${g.principal}) ${describeActions(g)}` +
  (g.conditions.length > 0 ? `; its condition ${clauses(g.conditions)} does not narrow who may call` : '') +
  (g.partlyDeniedBy.length > 0
    ? ` (Deny ${g.partlyDeniedBy.map((s) => `'${s}'`).join(', ')} covers only part of it)`
    : '');

export const describePublicGrants = (grants: PublicPolicyGrant[]): string => grants.map(describePublicGrant).join('; ');

/**
 * "statement 'Share' lets AWS arn:aws:iam::999988887777:root sqs:SendMessage (account 999988887777 is outside
 * the estate)", "statement 'Events' lets Service events.amazonaws.com sns:Publish without aws:SourceArn or
 * aws:SourceAccount (a confused deputy risk)", "statement 'OrgOnly' lets anyone … only when StringEquals …".
 */
export const describeRestrictedGrant = (g: RestrictedPolicyGrant): string => {
  const head = `statement '${g.statement}' lets ${g.principals.join(', ')} ${describeActions(g)}`;
  const when = g.narrowedBy.length > 0 ? ` only when ${clauses(g.narrowedBy)}` : '';
  const denied =
    g.limitedBy === 'deny'
      ? `, but ${g.deniedBy
          .map((d) => `Deny '${d.statement}' takes it away${d.except.length > 0 ? ` where ${clauses(d.except)}` : ''}`)
          .join(', ')}`
      : '';
  const shared = g.sharedWith.length > 0 ? ` (shared with ${g.sharedWith.join(', ')}, outside the estate)` : '';
  const deputy = g.unscopedService
    ? ' without aws:SourceArn or aws:SourceAccount, so the service could be made to use it for another account (confused deputy)'
    : '';
  return head + when + denied + shared + deputy;
};

/** Why a piece of evidence is missing, as a clause: "GetBucketPolicyStatus was refused (cloudsec needs s3:GetBucketPolicyStatus)". */
export const describeUnreadable = (e: CollectError): string => {
  switch (e.kind) {
    case 'access-denied':
      return `${e.operation} was refused (cloudsec needs ${e.permission})`;
    case 'malformed':
      // The collector's own messages already name the call ("GetBucketPolicyStatus answered a <html> document …").
      return e.message.startsWith(e.operation)
        ? e.message
        : `${e.operation} answered something cloudsec could not read (${e.message})`;
    case 'throttled':
      return `${e.operation} was throttled (${e.code})`;
    default:
      return `${e.operation} failed (${e.code})`;
  }
};
