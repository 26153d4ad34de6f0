import { randomUUID } from 'node:crypto';
import type { ActionInvocation, CommandInvocation, InvocationChannel } from '../app/conversation';
import type { ChannelKind } from '../core/access/permissions';

/**
 * Slack payloads → the transport-neutral invocations of src/app/conversation.ts. Only fields Slack
 * itself fills in are read; `text` and `value` stay untrusted strings for the app to parse.
 */

export const newRequestId = (): string => randomUUID();

/**
 * Slash-command payloads name 1:1 conversations `directmessage` and private channels `privategroup`;
 * block actions carry only ids for some containers, so the id prefix decides then (D = 1:1, G =
 * private channel or group DM).
 */
export const isDirectConversation = (id: string, name?: string): boolean =>
  name === 'directmessage' || id.startsWith('D');

/**
 * The kind the channel policy sees. `dm` is only the user's own DM with the bot (`botDmId`, from
 * conversations.open; null when unknown): a DM between two people, or with someone at another
 * company, is private to its members and follows the `elsewhere` rule like any other place not
 * listed. Group DMs (`mpdm-…`) are private to their members. Anything else counts as public.
 */
export const channelKindOf = (id: string, name: string | undefined, botDmId: string | null): ChannelKind => {
  if (isDirectConversation(id, name)) return botDmId !== null && id === botDmId ? 'dm' : 'private';
  if (name === 'privategroup' || name?.startsWith('mpdm-') || id.startsWith('G')) return 'private';
  return 'public';
};

export interface SlashCommandFields {
  user_id: string;
  user_name?: string;
  team_id?: string;
  channel_id: string;
  channel_name?: string;
  text?: string;
  trigger_id?: string;
}

/** `botDmId`: the invoking user's DM with the bot, when the command came from a 1:1 conversation. */
export const commandInvocation = (
  command: SlashCommandFields,
  requestId: string,
  botDmId: string | null,
): CommandInvocation => ({
  requestId,
  actor: {
    userId: command.user_id,
    ...(command.user_name ? { userName: command.user_name } : {}),
    ...(command.team_id ? { teamId: command.team_id } : {}),
  },
  channel: { id: command.channel_id, kind: channelKindOf(command.channel_id, command.channel_name, botDmId) },
  text: (command.text ?? '').trim(),
  ...(command.trigger_id ? { triggerId: command.trigger_id } : {}),
});

/** The parts of a block_actions payload an invocation needs (Bolt's types vary by container). */
export interface BlockActionFields {
  user: { id: string; username?: string; name?: string; team_id?: string };
  team?: { id: string } | null;
  channel?: { id: string; name?: string } | null;
  trigger_id?: string;
}

export const actionInvocation = (
  body: BlockActionFields,
  action: { action_id: string; value?: unknown },
  requestId: string,
  botDmId: string | null,
): ActionInvocation => {
  const userName = body.user.username ?? body.user.name;
  const teamId = body.team?.id ?? body.user.team_id;
  const channel: InvocationChannel | null = body.channel
    ? { id: body.channel.id, kind: channelKindOf(body.channel.id, body.channel.name, botDmId) }
    : null;
  return {
    requestId,
    actor: { userId: body.user.id, ...(userName ? { userName } : {}), ...(teamId ? { teamId } : {}) },
    channel,
    actionId: action.action_id,
    // Buttons carry `value`; other elements (selects) would need their own reading, and none is registered.
    value: typeof action.value === 'string' ? action.value : '',
    ...(body.trigger_id ? { triggerId: body.trigger_id } : {}),
  };
};
