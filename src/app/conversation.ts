import type { HomeView, MessagePayload } from '../core/render/blocks';
import type { ChannelKind } from '../core/access/permissions';

/**
 * The seam between the use cases and a transport. Slack (Bolt) and the console demo both turn
 * their input into these values and give the app a Responder; everything behind it is shared.
 */

export interface InvocationActor {
  userId: string;
  userName?: string;
  teamId?: string;
  /**
   * `cli` for the live console: the person at the terminal (named by their OS user in `userName`)
   * holding the roles of `userId`. Records then never say a Slack user did it. Slack by default.
   */
  kind?: 'slack-user' | 'cli';
}

/** How an invocation's actor is written down (audit log, requests, approvals). */
export const recordedFields = (actor: InvocationActor): { name?: string; kind?: 'slack-user' | 'cli' } => ({
  ...(actor.userName ? { name: actor.userName } : {}),
  ...(actor.kind ? { kind: actor.kind } : {}),
});

/** The audit log's actor for an invocation. */
export const recordedActor = (actor: InvocationActor) => ({
  kind: actor.kind ?? ('slack-user' as const),
  id: actor.userId,
  ...(actor.userName ? { name: actor.userName } : {}),
});

export interface InvocationChannel {
  id: string;
  kind: ChannelKind;
}

/** A `/cloudsec …` command as typed. */
export interface CommandInvocation {
  /** Correlates logs and audit entries of one interaction. */
  requestId: string;
  actor: InvocationActor;
  channel: InvocationChannel;
  /** The text after `/cloudsec`. */
  text: string;
  /** Lets the command open a modal (valid for 3 seconds). */
  triggerId?: string;
}

/** A button press. `value` is untrusted: handlers read only an id or a small validated object from it. */
export interface ActionInvocation {
  requestId: string;
  actor: InvocationActor;
  channel: InvocationChannel | null;
  actionId: string;
  value: string;
  /** Lets the handler open a modal (valid for 3 seconds). */
  triggerId?: string;
}

/** A Slack modal (views.open), built by the pure renderers. */
export type { ModalView } from '../core/render/blocks/remediation';
import type { ModalView } from '../core/render/blocks/remediation';

/**
 * One element's state in a submitted modal, as Slack sends it: `value` for text inputs,
 * `selected_user` for a users_select, `selected_date` (YYYY-MM-DD) for a datepicker,
 * `selected_option` for a static select. Parsers validate what they read (zod); nothing else is trusted.
 */
export interface ViewStateValue {
  type?: string;
  value?: string | null;
  selected_user?: string | null;
  selected_date?: string | null;
  selected_option?: { value?: string } | null;
}

/** A submitted modal: `values` is Slack's view.state.values (block_id → action_id → element state). */
export interface ViewSubmission {
  requestId: string;
  actor: InvocationActor;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, ViewStateValue>>;
}

/**
 * What a modal submission leads to: field errors shown in the modal (it stays open), or work to
 * run after Slack has been answered (the modal closes at once).
 */
export type ViewSubmissionResult = { errors: Record<string, string> } | { work: () => Promise<void> };

export interface MessageRef {
  channel: string;
  ts: string;
}

/** Messages not tied to one interaction: approval cards in channels, their threads, DMs to requesters. */
export interface Messenger {
  post(channel: string, message: MessagePayload, options?: { threadTs?: string }): Promise<MessageRef | null>;
  update(ref: MessageRef, message: MessagePayload): Promise<void>;
  /** A direct message from the app to a user; its ref (when known) lets it be updated later. */
  dm(userId: string, message: MessagePayload): Promise<MessageRef | null | undefined>;
}

export type Visibility = 'ephemeral' | 'in_channel';

export interface FileUpload {
  filename: string;
  title: string;
  content: string;
}

/** How an answer reaches the person who asked. */
export interface Responder {
  /**
   * Sends a message. `replace: true` replaces the message this interaction last sent (the
   * "scanning…" placeholder, or the message whose button was pressed).
   */
  send(message: MessagePayload, options?: { visibility?: Visibility; replace?: boolean }): Promise<void>;
  /** Shares a file with the user (full finding lists). */
  upload(file: FileUpload): Promise<void>;
  /** Opens a modal for the interaction that carried a trigger id. */
  openModal?(view: ModalView): Promise<void>;
}

/** What the transports call. */
export interface CloudsecApp {
  handleCommand(invocation: CommandInvocation, responder: Responder): Promise<void>;
  handleAction(invocation: ActionInvocation, responder: Responder): Promise<void>;
  /** The App Home view for a user who opened the home tab. */
  homeView(actor: InvocationActor): Promise<HomeView>;
  /** `subteam_updated` / `subteam_members_changed`: forget cached memberships. */
  handleSubteamEvent(event: unknown): Promise<void>;
  /** Action ids the app handles, so transports register exactly these. */
  readonly actionIds: readonly string[];
  handleViewSubmission(submission: ViewSubmission): Promise<ViewSubmissionResult>;
  /** Modal callback ids the app handles. */
  readonly callbackIds: readonly string[];
}
