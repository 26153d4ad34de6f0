import { CloudsecError } from '../errors';

/**
 * The workspace cloudsec is installed in, and the check that a request comes from it.
 *
 * A valid signature proves only that Slack sent the request for this app. The same app may be
 * installed in another workspace (the signing secret is per app, not per install), and in a Slack
 * Connect channel people of another company can press cloudsec's buttons: their payload names their
 * own team. Role bindings name user ids, but an outsider's request should not even reach them.
 *
 * Enterprise Grid: a workspace-level install in a Grid org also sees people whose home workspace is
 * another workspace of the same org (org-wide shared channels). They carry the org's enterprise id,
 * which auth.test reports for the install, so a request whose enterprise id is the install's is from
 * the same company and is let in; any other enterprise id, or one where the install has none, is not.
 */

export interface InstalledWorkspace {
  teamId: string;
  /** Set when the workspace belongs to an Enterprise Grid org. */
  enterpriseId?: string;
}

export const installedWorkspace = (
  identity: { teamId?: string | undefined; enterpriseId?: string | undefined },
  configuredTeamId: string | undefined,
): InstalledWorkspace => {
  if (configuredTeamId && identity.teamId && configuredTeamId !== identity.teamId)
    throw new CloudsecError(
      'config',
      `SLACK_TEAM_ID is ${configuredTeamId}, but SLACK_BOT_TOKEN belongs to workspace ${identity.teamId}. ` +
        'Set SLACK_TEAM_ID to the workspace the app is installed in, or unset it.',
    );
  const teamId = configuredTeamId ?? identity.teamId;
  if (!teamId)
    throw new CloudsecError(
      'config',
      'The workspace cloudsec is installed in is unknown (auth.test named none). Set SLACK_TEAM_ID to its id (T…).',
    );
  return { teamId, ...(identity.enterpriseId ? { enterpriseId: identity.enterpriseId } : {}) };
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads an id field: absent or null is "not said"; anything but a non-empty string is malformed. */
const idField = (holder: unknown, key: string, into: string[]): boolean => {
  if (!isObject(holder)) return true;
  const value = holder[key];
  if (value === undefined || value === null) return true;
  if (typeof value !== 'string' || value === '') return false;
  into.push(value);
  return true;
};

/**
 * Why a parsed Slack payload is not from the installed workspace, or null when it is. Every team
 * and enterprise id the payload names is read: the top-level ones (commands, events), `team` and
 * `enterprise` (interactivity), the acting user's `team_id`, and the events' `authorizations`.
 */
export const workspaceRefusal = (body: unknown, installed: InstalledWorkspace): string | null => {
  if (!isObject(body)) return 'the request is not a Slack payload';
  const teams: string[] = [];
  const enterprises: string[] = [];
  const holders: Array<[unknown, string, string[]]> = [
    [body, 'team_id', teams],
    [body, 'enterprise_id', enterprises],
    [body['team'], 'id', teams],
    [body['enterprise'], 'id', enterprises],
    [body['user'], 'team_id', teams],
    [body['user'], 'enterprise_id', enterprises],
  ];
  const authorizations = body['authorizations'];
  if (authorizations !== undefined && !Array.isArray(authorizations)) return 'the request has malformed authorizations';
  for (const auth of Array.isArray(authorizations) ? authorizations : []) {
    holders.push([auth, 'team_id', teams], [auth, 'enterprise_id', enterprises]);
  }
  for (const [holder, key, into] of holders) {
    if (!idField(holder, key, into)) return `the request has a malformed ${key}`;
  }

  if (teams.length === 0 && enterprises.length === 0) return 'the request names no workspace';
  const otherOrg = enterprises.find((e) => e !== installed.enterpriseId);
  if (otherOrg) return `the request comes from organization ${otherOrg}, not the one cloudsec is installed in`;
  const otherTeam = teams.find((t) => t !== installed.teamId);
  if (!otherTeam) return null;
  // Only reached when every enterprise id named is the install's own: a sibling workspace of the org.
  if (installed.enterpriseId && enterprises.length > 0) return null;
  return `the request comes from workspace ${otherTeam}, not ${installed.teamId}`;
};
