import type { NetworkAcl, NetworkAclEntry } from './model';
import { isWorldCidr, normalizeProtocol } from './security-groups';

/**
 * Which traffic from the whole internet a network ACL lets in (CIS v3.0.0 5.1, Security Hub EC2.21).
 *
 * A network ACL is evaluated the way the VPC evaluates it: inbound entries in ascending rule number,
 * and the first entry that matches a packet decides (allow or deny); the `*` entry (rule 32767) denies
 * whatever nothing matched. A packet from "anywhere" is matched by an entry only if the entry's range
 * holds every address, so an entry for part of the internet (203.0.113.0/24) is passed over: it
 * neither opens the port to everyone nor stops a later 0.0.0.0/0 allow for everybody else. (Several
 * partial denies that together cover the whole internet would close the port; they are not added up,
 * so such an ACL is reported open: a false alarm, never a missed opening.)
 */

export type NaclFamily = 'ipv4' | 'ipv6';

/** CIS counts TCP, UDP and "all protocols" entries for the administration ports. */
const PROTOCOLS = ['tcp', 'udp'] as const;
export type NaclProtocol = (typeof PROTOCOLS)[number];

const MAX_PORT = 65535;

/** Remote server administration ports, named as CIS 5.1 and EC2.21 name them. */
export const ADMIN_PORTS: Readonly<Record<number, string>> = { 22: 'SSH', 3389: 'RDP' };

/** One way in: `port` over `protocol` from the whole internet of `family`, let in by `entry`. */
export interface NaclOpening {
  port: number;
  protocol: NaclProtocol;
  family: NaclFamily;
  entry: NetworkAclEntry;
}

const sourceOf = (entry: NetworkAclEntry, family: NaclFamily): string | null =>
  family === 'ipv4' ? entry.cidrBlock : entry.ipv6CidrBlock;

const coversProtocol = (entry: NetworkAclEntry, protocol: NaclProtocol): boolean => {
  const p = normalizeProtocol(entry.protocol);
  return p === '-1' || p === protocol;
};

/**
 * Entries for all protocols have no port range. A TCP/UDP entry without one is read as every port:
 * AWS always sends the range for these protocols, and a check must not pass on unusual data.
 */
const coversPort = (entry: NetworkAclEntry, port: number): boolean => {
  if (normalizeProtocol(entry.protocol) === '-1') return true;
  const from = entry.fromPort === null || entry.fromPort < 0 ? 0 : entry.fromPort;
  const to = entry.toPort === null || entry.toPort < 0 ? MAX_PORT : entry.toPort;
  return from <= port && port <= to;
};

/** The entry that decides a packet from anywhere of `family` to `port` over `protocol`, if any. */
const decidingEntry = (
  inbound: readonly NetworkAclEntry[],
  family: NaclFamily,
  protocol: NaclProtocol,
  port: number,
): NetworkAclEntry | null =>
  inbound.find((e) => coversProtocol(e, protocol) && coversPort(e, port) && isWorldCidr(sourceOf(e, family))) ?? null;

/** Every way the whole internet (either address family) reaches one of `ports` through the ACL. */
export const naclWorldOpenings = (acl: Pick<NetworkAcl, 'entries'>, ports: readonly number[]): NaclOpening[] => {
  const inbound = acl.entries.filter((e) => !e.egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
  const openings: NaclOpening[] = [];
  for (const port of ports)
    for (const family of ['ipv4', 'ipv6'] as const)
      for (const protocol of PROTOCOLS) {
        const entry = decidingEntry(inbound, family, protocol, port);
        if (entry?.ruleAction === 'allow') openings.push({ port, protocol, family, entry });
      }
  return openings;
};

/** `22 (SSH)`, or the bare number for a port without a name. */
export const portName = (port: number): string => (ADMIN_PORTS[port] ? `${port} (${ADMIN_PORTS[port]})` : String(port));

/**
 * `port 22 (SSH) over tcp and udp from 0.0.0.0/0 (rule 100)`, for one-sentence messages: the
 * openings one entry makes for one port are named once, with their protocols together.
 */
export const describeOpenings = (openings: readonly NaclOpening[]): string => {
  const byEntry = new Map<string, { opening: NaclOpening; protocols: NaclProtocol[] }>();
  for (const o of openings) {
    const key = `${o.port}|${o.family}|${o.entry.ruleNumber}`;
    const seen = byEntry.get(key);
    if (seen) seen.protocols.push(o.protocol);
    else byEntry.set(key, { opening: o, protocols: [o.protocol] });
  }
  return [...byEntry.values()]
    .map(
      ({ opening: o, protocols }) =>
        `port ${portName(o.port)} over ${protocols.join(' and ')} from ${sourceOf(o.entry, o.family) ?? '?'} (rule ${o.entry.ruleNumber})`,
    )
    .join(', ');
};

/** What a finding keeps about each opening: enough to find the entry in the console. */
export const openingEvidence = (openings: readonly NaclOpening[]) =>
  openings.map((o) => ({
    port: o.port,
    protocol: o.protocol,
    source: sourceOf(o.entry, o.family),
    ruleNumber: o.entry.ruleNumber,
    entryProtocol: o.entry.protocol,
  }));
