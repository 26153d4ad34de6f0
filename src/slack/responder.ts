import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { FileUpload, ModalView, Responder, Visibility } from '../app/conversation';
import type { MessagePayload } from '../core/render/blocks';

/**
 * How answers reach Slack.
 *
 * Commands and buttons on messages come with a response_url: answers go there (Bolt's `respond`),
 * ephemeral unless asked otherwise, and `replace` swaps the message this interaction last sent.
 * Slack accepts at most 5 posts to one response_url within 30 minutes, so progress updates must be
 * few.
 *
 * Buttons in App Home have no response_url; their answers go to the user's DM with the app (the
 * app's Messages tab), which is as private as an ephemeral message, and `replace` edits the last
 * one posted there.
 *
 * Files always go to that DM: an export of findings must not land in a shared channel, and the
 * bot may not be a member of the channel the command came from.
 */
export interface SlackResponder extends Responder {
  /** How many messages were sent, so an error can replace a "scanning…" placeholder rather than pile up under it. */
  readonly sent: number;
}

export interface ResponderDeps {
  respond: RespondFn | undefined;
  client: WebClient;
  userId: string;
  /** From a button press: lets the app open a modal. */
  triggerId?: string | undefined;
}

export const makeResponder = ({ respond, client, userId, triggerId }: ResponderDeps): SlackResponder => {
  let sent = 0;
  let lastDm: { channel: string; ts: string } | null = null;

  const sendToDm = async (message: MessagePayload, replace: boolean) => {
    if (replace && lastDm) {
      await client.chat.update({ channel: lastDm.channel, ts: lastDm.ts, text: message.text, blocks: message.blocks });
      return;
    }
    // A user id as the channel posts into the app's DM with that user.
    const posted = await client.chat.postMessage({ channel: userId, text: message.text, blocks: message.blocks });
    if (posted.channel && posted.ts) lastDm = { channel: posted.channel, ts: posted.ts };
  };

  return {
    get sent() {
      return sent;
    },
    async send(message: MessagePayload, options: { visibility?: Visibility; replace?: boolean } = {}) {
      const replace = options.replace ?? false;
      if (respond) {
        await respond({
          response_type: options.visibility ?? 'ephemeral',
          replace_original: replace,
          text: message.text,
          blocks: message.blocks,
        });
      } else {
        await sendToDm(message, replace);
      }
      sent += 1;
    },
    async openModal(view: ModalView) {
      if (!triggerId) throw new Error('this interaction cannot open a modal (no trigger id)');
      await client.views.open({
        trigger_id: triggerId,
        view: view as unknown as Parameters<WebClient['views']['open']>[0]['view'],
      });
    },
    async upload(file: FileUpload) {
      const dm = await client.conversations.open({ users: userId });
      const channelId = dm.channel?.id;
      if (!channelId) throw new Error('conversations.open returned no channel id');
      await client.files.uploadV2({
        channel_id: channelId,
        filename: file.filename,
        title: file.title,
        content: file.content,
      });
    },
  };
};
