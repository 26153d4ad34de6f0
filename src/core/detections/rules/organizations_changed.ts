import { defineDetection, type DetectionMatch } from '../define';
import type { CloudTrailRecord } from '../record';
import { accountResource, type Describe, eventListDetection, unread } from './cis/common';
import { clip, firstText } from './shared/helpers';

/**
 * CIS 4.15: changes to the organization: its accounts, OUs and policies (SCPs and the like). The
 * resource is the account an event is about when the request names one, else the account the call
 * was made in (the management account, or the member that left). Organizations is global.
 */

const named = (r: CloudTrailRecord, field: string[], what: string): { label: string; missing: string[] } => {
  const v = firstText(r.requestParameters, field);
  return v
    ? { label: `${what} \`${clip(v)}\``, missing: [] }
    : {
        label: `${what} (not named in the record)`,
        missing: [unread(`which ${what}`, `requestParameters.${field.join('.')}`)],
      };
};

const about =
  (
    words: (r: CloudTrailRecord) => { summary: string; missing: string[] },
    extra: Partial<DetectionMatch> = {},
    accountField?: string[],
  ): Describe =>
  (r) => {
    const { summary, missing } = words(r);
    const target = accountField ? firstText(r.requestParameters, accountField) : undefined;
    return { summary, resource: accountResource(r, target), details: missing, ...extra };
  };

const policy = (verb: string) =>
  about((r) => {
    const p = named(r, ['policyId'], 'policy');
    return { summary: `${verb} ${p.label}`, missing: p.missing };
  });

const targeted = (verb: string, preposition: string, extra: Partial<DetectionMatch> = {}) =>
  about((r) => {
    const p = named(r, ['policyId'], 'policy');
    const t = named(r, ['targetId'], 'target');
    return { summary: `${verb} ${p.label} ${preposition} ${t.label}`, missing: [...p.missing, ...t.missing] };
  }, extra);

const ou = (verb: string) =>
  about((r) => {
    const u = named(r, ['organizationalUnitId'], 'organizational unit');
    return { summary: `${verb} ${u.label}`, missing: u.missing };
  });

const handshake = (verb: string) =>
  about((r) => {
    const h = named(r, ['handshakeId'], 'handshake');
    return { summary: `${verb} ${h.label}`, missing: h.missing };
  });

const detection = eventListDetection('organizations.amazonaws.com', {
  AcceptHandshake: handshake('accepted'),
  DeclineHandshake: handshake('declined'),
  AttachPolicy: targeted('attached', 'to'),
  // Detaching a service control policy lifts the guardrail it put on every account below the target.
  DetachPolicy: targeted('detached', 'from', { severity: 'high' }),
  CreatePolicy: about((r) => {
    const name = firstText(r.requestParameters, ['name']);
    const type = firstText(r.requestParameters, ['type']);
    return {
      summary: `created ${type ? `${clip(type, 40)} ` : ''}policy ${name ? `\`${clip(name)}\`` : '(not named in the record)'}`,
      missing: name ? [] : [unread('the policy name', 'requestParameters.name')],
    };
  }),
  UpdatePolicy: policy('changed'),
  DeletePolicy: policy('deleted'),
  EnablePolicyType: about((r) => {
    const type = named(r, ['policyType'], 'policy type');
    return { summary: `enabled ${type.label} in the organization`, missing: type.missing };
  }),
  DisablePolicyType: about(
    (r) => {
      const type = named(r, ['policyType'], 'policy type');
      return { summary: `disabled ${type.label}: every policy of that type stops applying`, missing: type.missing };
    },
    { severity: 'high' },
  ),
  CreateAccount: about((r) => {
    const name = firstText(r.requestParameters, ['accountName']);
    return {
      summary: `created account ${name ? `\`${clip(name)}\`` : '(not named in the record)'} in the organization`,
      missing: name ? [] : [unread('the account name', 'requestParameters.accountName')],
    };
  }),
  InviteAccountToOrganization: about(
    (r) => {
      const t = named(r, ['target', 'id'], 'account');
      return { summary: `invited ${t.label} to join the organization`, missing: t.missing };
    },
    {},
    ['target', 'id'],
  ),
  MoveAccount: about(
    (r) => {
      const a = named(r, ['accountId'], 'account');
      const to = firstText(r.requestParameters, ['destinationParentId']);
      return {
        summary: `moved ${a.label}${to ? ` to \`${clip(to)}\`` : ''}: the policies it inherits changed`,
        missing: a.missing,
      };
    },
    {},
    ['accountId'],
  ),
  RemoveAccountFromOrganization: about(
    (r) => {
      const a = named(r, ['accountId'], 'account');
      return {
        summary: `removed ${a.label} from the organization: its guardrails no longer apply`,
        missing: a.missing,
      };
    },
    { severity: 'high' },
    ['accountId'],
  ),
  LeaveOrganization: about(
    () => ({ summary: 'took this account out of its organization: its guardrails no longer apply', missing: [] }),
    { severity: 'high' },
  ),
  DeleteOrganization: about(() => ({ summary: 'deleted the organization', missing: [] }), { severity: 'high' }),
  CreateOrganizationalUnit: about((r) => {
    const name = firstText(r.requestParameters, ['name']);
    return {
      summary: `created organizational unit ${name ? `\`${clip(name)}\`` : '(not named in the record)'}`,
      missing: name ? [] : [unread('the unit name', 'requestParameters.name')],
    };
  }),
  UpdateOrganizationalUnit: ou('renamed'),
  DeleteOrganizationalUnit: ou('deleted'),
});

export default defineDetection({
  id: 'organizations_changed',
  title: 'AWS Organizations changed',
  severity: 'medium',
  rationale:
    'The organization holds the guardrails every account inherits (service control policies) and decides which accounts are yours; moving, removing or detaching lifts those guardrails.',
  events: detection.events,
  cis: '4.15',
  // Security Hub has no CloudWatch.N control for this one (CloudWatch.15 is about alarm actions).
  mitre: { id: 'T1666', name: 'Modify Cloud Resource Hierarchy' },
  match: detection.match,
});
