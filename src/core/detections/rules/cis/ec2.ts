import { valueAt, type CloudTrailRecord } from '../../record';
import { clip, ec2Items, isJson, type Json } from '../shared/helpers';

/**
 * Reading EC2's CloudTrail shapes: lists are `{ "items": [ … ] }` (an empty one may be `{}`), ports
 * and protocols are numbers or strings, and the response carries the ids of what was created.
 */

/** The object items of an EC2 list (shared/helpers.ts' ec2Items); null when the list itself cannot be read. */
const ec2Objects = (v: unknown): Json[] | null => ec2Items(v)?.filter(isJson) ?? null;

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

const PROTOCOLS: Record<string, string> = { '-1': 'all traffic', '6': 'tcp', '17': 'udp', '1': 'icmp' };

const portsOf = (p: Json): string => {
  const protocol = text(p['ipProtocol']) ?? '?';
  const name = PROTOCOLS[protocol] ?? protocol;
  if (protocol === '-1' || protocol === 'all') return 'all traffic';
  const from = text(p['fromPort']);
  const to = text(p['toPort']);
  if (from === undefined) return name;
  return from === to || to === undefined ? `${name} ${from}` : `${name} ${from}-${to}`;
};

const peersOf = (p: Json): string[] =>
  [
    ...(ec2Objects(p['ipRanges']) ?? []).map((x) => text(x['cidrIp'])),
    ...(ec2Objects(p['ipv6Ranges']) ?? []).map((x) => text(x['cidrIpv6'])),
    ...(ec2Objects(p['groups']) ?? []).map((x) => text(x['groupId'])),
    ...(ec2Objects(p['prefixListIds']) ?? []).map((x) => text(x['prefixListId'])),
  ].filter((x): x is string => x !== undefined);

const MAX_RULES = 5;

/** One line per permission of an Authorize/Revoke request ("tcp 22 from 0.0.0.0/0"), or why there is none. */
export const permissionLines = (r: CloudTrailRecord, direction: 'from' | 'to'): string[] => {
  const perms = ec2Objects(valueAt(r.requestParameters, 'ipPermissions'));
  if (perms === null)
    return [
      'cloudsec could not read the rules from the record (requestParameters.ipPermissions has an unexpected shape).',
    ];
  if (perms.length === 0) return [];
  const lines = perms.slice(0, MAX_RULES).map((p) => {
    const peers = peersOf(p);
    return `${portsOf(p)} ${direction} ${peers.length > 0 ? clip(peers.join(', '), 120) : 'peers the record does not list'}`;
  });
  return perms.length > MAX_RULES ? [...lines, `…and ${perms.length - MAX_RULES} more`] : lines;
};
