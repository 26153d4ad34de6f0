import type { HomeView, MessagePayload } from '../core/render/blocks';
import type { ChannelKind } from '../core/permissions';

/**
 * The seam between the use cases and a transport. Slack (Bolt) and the console demo both turn
 * their input into these values and give the app a Responder; everything behind it is shared.
 */

export interface InvocationActor {
  userId: string;
  userName?: string;
  teamId?: string;
}

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
}

/** A button press. `value` is untrusted: handlers read only an id or a small validated object from it. */
export interface ActionInvocation {
  requestId: string;
  actor: InvocationActor;
  channel: InvocationChannel | null;
  actionId: string;
  value: string;
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
}
