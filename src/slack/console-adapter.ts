import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type {
  CloudsecApp,
  InvocationActor,
  InvocationChannel,
  Messenger,
  ModalView,
  Responder,
} from '../app/conversation';
import type { Block } from '../core/render/blocks';
import { renderBlocksAsText, type ConsoleButton } from './console-render';

const HELP =
  'Type a command as in Slack (/cloudsec help, /cloudsec check s3, …), a number to press that button, ' +
  '"home" for the App Home tab, "as U0LEAD" to act as another Slack user, or "exit".';

/**
 * The terminal's side of Slack: everything shown is printed, and the buttons of the message shown
 * last can be pressed by number. Created before the app (which posts approval cards through its
 * messenger) and then driven by runConsole.
 */
export const makeConsoleScreen = (write: (text: string) => void) => {
  let buttons: ConsoleButton[] = [];
  let posted = 0;
  const show = (surface: { text?: string; blocks: readonly Block[] }, heading?: string) => {
    const rendering = renderBlocksAsText(surface);
    // A message without buttons (a DM, a thread reply) leaves the last buttons pressable.
    if (rendering.buttons.length > 0) buttons = rendering.buttons;
    write(`\n${heading ? `${heading}\n` : ''}${rendering.text.trimEnd()}\n`);
  };
  const messenger: Messenger = {
    post: async (channel, message, options = {}) => {
      show(message, options.threadTs ? `[thread in ${channel}]` : `[posted in ${channel}]`);
      return { channel, ts: String(++posted) };
    },
    update: async (ref, message) => show(message, `[message ${ref.ts} in ${ref.channel} updated]`),
    dm: async (userId, message) => {
      show(message, `[DM to ${userId}]`);
      return { channel: `D-${userId}`, ts: String(++posted) };
    },
  };
  return { show, messenger, buttons: () => buttons, write };
};
export type ConsoleScreen = ReturnType<typeof makeConsoleScreen>;

export interface ConsoleOptions {
  input: Readable;
  screen: ConsoleScreen;
  actor: InvocationActor;
  /** Where "uploaded" files are written. */
  exportDir: string;
  banner?: string;
}

/** The first input element of a modal: the console asks for it as a line of text. */
const firstInput = (view: ModalView) => {
  for (const block of view.blocks as { type?: string; block_id?: string; element?: { action_id?: string } }[]) {
    if (block.type === 'input' && block.block_id && block.element?.action_id) {
      return { blockId: block.block_id, actionId: block.element.action_id };
    }
  }
  return null;
};

/**
 * Slack in a terminal: the same CloudsecApp, with Block Kit shown as text, buttons pressed by
 * number and a modal's input typed as the next line. Reads `input` one line at a time (so a
 * script can drive it) and waits for each answer before reading the next.
 */
export const runConsole = async (app: CloudsecApp, options: ConsoleOptions): Promise<void> => {
  const { screen } = options;
  const channel: InvocationChannel = { id: 'D0CONSOLE', kind: 'dm' };
  let actor = options.actor;
  let modal: ModalView | null = null;
  const responder: Responder = {
    send: async (message) => screen.show(message),
    upload: async (file) => {
      fs.mkdirSync(options.exportDir, { recursive: true });
      const target = path.join(options.exportDir, path.basename(file.filename));
      fs.writeFileSync(target, file.content);
      screen.write(`\n[file] ${file.title}: written to ${target}\n`);
    },
    openModal: async (view) => {
      modal = view;
      screen.show({ blocks: view.blocks as Block[] }, `[dialog] ${view.title.text}`);
      screen.write('Type your answer on one line (or "cancel"):\n');
    },
  };

  const submitModal = async (view: ModalView, line: string) => {
    const input = firstInput(view);
    if (!input) return;
    const result = await app.handleViewSubmission({
      requestId: randomUUID(),
      actor,
      callbackId: view.callback_id,
      privateMetadata: view.private_metadata ?? '',
      values: { [input.blockId]: { [input.actionId]: { value: line } } },
    });
    if ('errors' in result && Object.keys(result.errors).length > 0) {
      modal = view;
      screen.write(`${Object.values(result.errors).join('\n')}\nType your answer again (or "cancel"):\n`);
    } else if ('work' in result) {
      await result.work();
    }
  };

  screen.write(`${options.banner ?? 'cloudsec console'}\n${HELP}\n`);
  const lines = readline.createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (/^(exit|quit)$/i.test(line)) break;
    if (modal) {
      const open: ModalView = modal;
      modal = null;
      if (/^cancel$/i.test(line)) screen.write('Dialog closed.\n');
      else await submitModal(open, line);
      continue;
    }
    const requestId = randomUUID();
    const as = line.match(/^as\s+([UW][A-Z0-9]{2,})$/i);
    if (as) {
      actor = { userId: as[1]!.toUpperCase(), userName: as[1]!.toUpperCase() };
      screen.write(`You are now ${actor.userId}.\n`);
    } else if (/^\d+$/.test(line)) {
      const button = screen.buttons().find((b) => b.number === Number(line));
      if (!button) {
        const count = screen.buttons().length;
        screen.write(`No button ${line} on the last message${count ? ` (1-${count})` : ''}.\n`);
        continue;
      }
      screen.write(`> pressed [${button.number}] ${button.label}\n`);
      await app.handleAction(
        { requestId, actor, channel, actionId: button.actionId, value: button.value ?? '', triggerId: requestId },
        responder,
      );
    } else if (/^home$/i.test(line)) {
      screen.show(await app.homeView(actor));
    } else {
      const command = line.match(/^\/?cloudsec\b\s*(.*)$/i);
      if (!command) {
        screen.write(`${HELP}\n`);
        continue;
      }
      await app.handleCommand({ requestId, actor, channel, text: command[1] ?? '', triggerId: requestId }, responder);
    }
  }
  lines.close();
};
