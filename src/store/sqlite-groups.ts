import { z } from 'zod';
import { toIso } from '../core/remediations/request';
import { GroupMembersSchema } from './schemas';
import { fromJsonText, parseStored, toJsonText, type SqliteContext } from './sqlite-context';
import type { Store } from './store';

type GroupMethods = Pick<Store, 'getGroupMembers' | 'putGroupMembers' | 'invalidateGroup'>;

export const makeSqliteGroups = (ctx: SqliteContext): GroupMethods => {
  const { db } = ctx;
  const selectGroup = db.prepare<[string], { members: string; fetched_at: string }>(
    'SELECT members, fetched_at FROM slack_group_members WHERE group_id = ?',
  );
  const upsertGroup = db.prepare(
    `INSERT INTO slack_group_members (group_id, members, fetched_at) VALUES (?, ?, ?)
     ON CONFLICT (group_id) DO UPDATE SET members = excluded.members, fetched_at = excluded.fetched_at`,
  );
  const deleteGroup = db.prepare('DELETE FROM slack_group_members WHERE group_id = ?');

  return {
    getGroupMembers: async (groupId) => {
      const row = selectGroup.get(groupId);
      if (!row) return null;
      const what = `members of Slack user group ${groupId}`;
      return parseStored(
        GroupMembersSchema,
        { members: fromJsonText(row.members, what), fetchedAt: row.fetched_at },
        what,
      );
    },
    putGroupMembers: async (groupId, members, fetchedAt) => {
      upsertGroup.run(groupId, toJsonText(z.array(z.string()).parse(members)), toIso(fetchedAt));
    },
    invalidateGroup: async (groupId) => {
      deleteGroup.run(groupId);
    },
  };
};
