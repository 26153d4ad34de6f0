import { z } from 'zod';
import { toIso } from '../core/remediations/request';
import type { PgContext } from './pg-context';
import { GroupMembersSchema } from './schemas';
import { fromJsonText, parseStored, toJsonText } from './stored-values';
import type { Store } from './store';

type GroupMethods = Pick<Store, 'getGroupMembers' | 'putGroupMembers' | 'invalidateGroup'>;

/** The Slack user-group cache in PostgreSQL, the same as src/store/sqlite-groups.ts (one statement each). */
export const makePgGroups = (ctx: PgContext): GroupMethods => {
  const { pool } = ctx;
  return {
    getGroupMembers: async (groupId) => {
      const { rows } = await pool.query<{ members: string; fetched_at: string }>(
        'SELECT members, fetched_at FROM slack_group_members WHERE group_id = $1',
        [groupId],
      );
      const row = rows[0];
      if (!row) return null;
      const what = `members of Slack user group ${groupId}`;
      return parseStored(
        GroupMembersSchema,
        { members: fromJsonText(row.members, what), fetchedAt: row.fetched_at },
        what,
      );
    },
    putGroupMembers: async (groupId, members, fetchedAt) => {
      await pool.query(
        `INSERT INTO slack_group_members (group_id, members, fetched_at) VALUES ($1, $2, $3)
         ON CONFLICT (group_id) DO UPDATE SET members = excluded.members, fetched_at = excluded.fetched_at`,
        [groupId, toJsonText(z.array(z.string()).parse(members)), toIso(fetchedAt)],
      );
    },
    invalidateGroup: async (groupId) => {
      await pool.query('DELETE FROM slack_group_members WHERE group_id = $1', [groupId]);
    },
  };
};
