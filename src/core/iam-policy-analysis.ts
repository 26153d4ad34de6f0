/**
 * Reading IAM policy documents, which reach the core as `unknown`: collectors parse them, but a document
 * that did not parse is kept as its raw (possibly URL-encoded) string, and a hand-written snapshot may
 * hold anything. Nothing here throws.
 */

export type PolicyStatement = Record<string, unknown>;

export type ReadPolicy = { ok: true; statements: PolicyStatement[] } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const tryJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** IAM returns documents URL-encoded (RFC 3986); a collector that failed to decode leaves that string. */
const parseText = (text: string): unknown => {
  const direct = tryJson(text);
  if (direct !== undefined) return direct;
  try {
    return tryJson(decodeURIComponent(text));
  } catch {
    return undefined;
  }
};

/** The document's statements, whether `Statement` is one object or an array of them. */
export const readPolicyStatements = (document: unknown): ReadPolicy => {
  const doc = typeof document === 'string' ? parseText(document) : document;
  if (!isRecord(doc)) return { ok: false, reason: 'the policy document is not a JSON object' };
  const raw = doc['Statement'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? undefined : [raw];
  if (!list) return { ok: false, reason: 'the policy document has no Statement' };
  if (!list.every(isRecord)) return { ok: false, reason: 'a statement of the policy document is not an object' };
  return { ok: true, statements: list };
};

const values = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** `*:*` is not a documented form, but treating it as `*` costs nothing and errs on the safe side. */
const ALL_ACTIONS = new Set(['*', '*:*']);

/**
 * An Allow statement whose `Action` includes `*` and whose `Resource` includes `*`: full administrator.
 *
 * Deliberate limits (as in AWS Config's iam-policy-no-statements-with-admin-access, which backs IAM.1):
 * - `NotAction` is ignored: `Allow` + `NotAction: [x]` + `Resource: *` grants almost everything, but not
 *   `*:*`, and flagging it would call least-privilege "deny-list" policies admin. Likewise `NotResource`.
 * - `Condition` does not clear a statement: conditions are often trivially met, and the grant is still full.
 */
export const isFullAdminStatement = (s: PolicyStatement): boolean =>
  s['Effect'] === 'Allow' && values(s['Action']).some((a) => ALL_ACTIONS.has(a)) && values(s['Resource']).includes('*');

export type FullAdminAnalysis =
  { ok: true; fullAdmin: boolean; statements: { index: number; sid: string | null }[] } | { ok: false; reason: string };

/** Which statements of a document grant `*` on `*`, or why the document could not be read. */
export const analyzeFullAdmin = (document: unknown): FullAdminAnalysis => {
  const read = readPolicyStatements(document);
  if (!read.ok) return read;
  const statements = read.statements.flatMap((s, index) =>
    isFullAdminStatement(s) ? [{ index, sid: typeof s['Sid'] === 'string' ? s['Sid'] : null }] : [],
  );
  return { ok: true, fullAdmin: statements.length > 0, statements };
};

const sidOf = (s: PolicyStatement): string | null => (typeof s['Sid'] === 'string' ? s['Sid'] : null);

/**
 * An unconditional Deny of every action on every resource. An explicit Deny beats any Allow, so a
 * principal holding one keeps no permission, whatever else it is granted. A Deny that is conditional,
 * uses NotAction or NotResource, or names fewer actions does not count: it narrows the grant at most,
 * and a principal left with IAM writes can lift its own restriction.
 */
export const isDenyAllStatement = (s: PolicyStatement): boolean =>
  s['Effect'] === 'Deny' &&
  s['Condition'] === undefined &&
  s['NotAction'] === undefined &&
  s['NotResource'] === undefined &&
  values(s['Action']).some((a) => ALL_ACTIONS.has(a)) &&
  values(s['Resource']).includes('*');

export type StatementRef = { index: number; sid: string | null };

export type AdminGrantAnalysis =
  { ok: true; grants: StatementRef[]; denyAll: StatementRef[] } | { ok: false; reason: string };

/** Which statements of a document grant `*` on `*` and which deny everything, or why it could not be read. */
export const analyzeAdminGrant = (document: unknown): AdminGrantAnalysis => {
  const read = readPolicyStatements(document);
  if (!read.ok) return read;
  const pick = (test: (s: PolicyStatement) => boolean) =>
    read.statements.flatMap((s, index) => (test(s) ? [{ index, sid: sidOf(s) }] : []));
  return { ok: true, grants: pick(isFullAdminStatement), denyAll: pick(isDenyAllStatement) };
};

export type TrustAnalysis = { ok: true; servicesOnly: boolean; services: string[] } | { ok: false; reason: string };

/** `{"Service": "ec2.amazonaws.com"}` or `{"Service": [ … ]}`, and nothing else beside it. */
const isServiceOnlyPrincipal = (principal: unknown): boolean => {
  if (!isRecord(principal) || Object.keys(principal).length !== 1) return false;
  const service = principal['Service'];
  const list: unknown[] = Array.isArray(service) ? service : [service];
  return list.length > 0 && list.every((s) => typeof s === 'string' && s !== '');
};

/**
 * Who a role's trust policy lets assume it. `servicesOnly` holds when every Allow statement names AWS
 * services alone (`"Principal": {"Service": …}`): then only those services can act as the role. Any other
 * principal (an account, a user, a federated identity, `*`) or `NotPrincipal` makes it false, and so does
 * a policy without Allow statements (nothing to go by).
 */
export const analyzeTrust = (document: unknown): TrustAnalysis => {
  const read = readPolicyStatements(document);
  if (!read.ok) return read;
  const allows = read.statements.filter((s) => s['Effect'] === 'Allow');
  const servicesOnly =
    allows.length > 0 && allows.every((s) => s['NotPrincipal'] === undefined && isServiceOnlyPrincipal(s['Principal']));
  const services = [
    ...new Set(allows.flatMap((s) => (isRecord(s['Principal']) ? values(s['Principal']['Service']) : []))),
  ];
  return { ok: true, servicesOnly, services };
};
