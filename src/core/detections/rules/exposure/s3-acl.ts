import type { AclGrant } from '../../../model';
import { ALL_USERS_URI, AUTHENTICATED_USERS_URI, publicGrants, type PublicGrant } from '../../../s3-public';
import { headerText, oneOrMany } from './common';
import { isJson, type Json } from '../shared/helpers';

/**
 * The ACL a PutBucketAcl record sets, read into the grants the S3 checks judge (s3-public's
 * `publicGrants`), so a detection and a check agree on what "public" means. CloudTrail records the
 * three ways S3 accepts an ACL: a canned ACL header (`"x-amz-acl": ["public-read"]`), grant headers
 * (`"x-amz-grant-read": ["uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""]`), or the XML
 * body as JSON (`AccessControlPolicy.AccessControlList.Grant`, one grant or a list, each with a
 * `Grantee` of `xsi:type` Group / CanonicalUser / AmazonCustomerByEmail).
 */

export type NewAcl =
  { status: 'public'; grants: PublicGrant[] } | { status: 'none' } | { status: 'unreadable'; reason: string };

const group = (uri: string, permission: string): AclGrant => ({ granteeType: 'Group', granteeUri: uri, permission });

/** S3's canned ACLs (Access control list overview → Canned ACL) as the grants they add beyond the owner's. */
const CANNED: Record<string, AclGrant[]> = {
  private: [],
  'public-read': [group(ALL_USERS_URI, 'READ')],
  'public-read-write': [group(ALL_USERS_URI, 'READ'), group(ALL_USERS_URI, 'WRITE')],
  'authenticated-read': [group(AUTHENTICATED_USERS_URI, 'READ')],
  'aws-exec-read': [],
  'bucket-owner-read': [],
  'bucket-owner-full-control': [],
  'log-delivery-write': [],
};

const GRANT_HEADERS: Record<string, string> = {
  'x-amz-grant-read': 'READ',
  'x-amz-grant-write': 'WRITE',
  'x-amz-grant-read-acp': 'READ_ACP',
  'x-amz-grant-write-acp': 'WRITE_ACP',
  'x-amz-grant-full-control': 'FULL_CONTROL',
};

const URI_IN_HEADER = /uri\s*=\s*"?([^",\s]+)"?/gi;

const headerGrants = (rp: Json): AclGrant[] =>
  Object.entries(GRANT_HEADERS).flatMap(([header, permission]) =>
    oneOrMany(rp[header])
      .filter((v): v is string => typeof v === 'string')
      .flatMap((v) => [...v.matchAll(URI_IN_HEADER)].map((m) => group(m[1]!, permission))),
  );

type BodyGrants = { ok: true; grants: AclGrant[] } | { ok: false; reason: string };

const bodyGrants = (policy: unknown): BodyGrants => {
  if (!isJson(policy)) return { ok: false, reason: 'AccessControlPolicy is not an object' };
  const list = policy.AccessControlList;
  // An AccessControlList element without grants leaves only the owner (S3 adds nothing public).
  if (list === undefined || list === null || list === '') return { ok: true, grants: [] };
  if (!isJson(list)) return { ok: false, reason: 'AccessControlList is not an object' };
  const grants: AclGrant[] = [];
  for (const raw of oneOrMany(list.Grant)) {
    if (!isJson(raw) || !isJson(raw.Grantee) || typeof raw.Permission !== 'string')
      return { ok: false, reason: 'a Grant has no readable Grantee and Permission' };
    const grantee = raw.Grantee;
    const type = grantee['xsi:type'] ?? grantee.type ?? grantee.Type;
    const uri = grantee.URI ?? grantee.uri;
    grants.push({
      granteeType: typeof type === 'string' ? type : typeof uri === 'string' ? 'Group' : 'unknown',
      ...(typeof uri === 'string' ? { granteeUri: uri } : {}),
      permission: raw.Permission,
    });
  }
  return { ok: true, grants };
};

/** The public grants the record's new ACL holds, none, or why the ACL could not be read. */
export const newBucketAcl = (rp: Json | null | undefined): NewAcl => {
  if (!rp) return { status: 'unreadable', reason: 'the record has no requestParameters' };
  const grants: AclGrant[] = [];
  let read = false;
  const canned = rp['x-amz-acl'];
  if (canned !== undefined) {
    const name = headerText(canned)?.trim().toLowerCase();
    const cannedGrants = name === undefined ? undefined : CANNED[name];
    if (cannedGrants === undefined)
      return { status: 'unreadable', reason: `unknown canned ACL ${JSON.stringify(canned)}` };
    grants.push(...cannedGrants);
    read = true;
  }
  if (Object.keys(GRANT_HEADERS).some((h) => rp[h] !== undefined)) {
    grants.push(...headerGrants(rp));
    read = true;
  }
  if (rp.AccessControlPolicy !== undefined) {
    const body = bodyGrants(rp.AccessControlPolicy);
    if (!body.ok) return { status: 'unreadable', reason: body.reason };
    grants.push(...body.grants);
    read = true;
  }
  if (!read) return { status: 'unreadable', reason: 'it holds no canned ACL, grant header or AccessControlPolicy' };
  const open = publicGrants(grants);
  return open.length > 0 ? { status: 'public', grants: open } : { status: 'none' };
};
