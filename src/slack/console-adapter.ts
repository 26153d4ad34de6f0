import os from 'node:os';
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
  ViewStateValue,
  ViewSubmission,
} from '../app/conversation';
import type { Block } from '../core/render/blocks';
import { fileIn, makePrivateDir, writePrivateFile } from '../private-files';
import { renderBlocksAsText, type ConsoleButton } from './console-render';

const help = (impersonation: boolean) =>
  'Type a command as in Slack (/cloudsec help, /cloudsec check s3, …), a number to press that button, ' +
  `"home" for the App Home tab, ${impersonation ? '"as U0LEAD" to act as another Slack user, ' : ''}or "exit".`;

const IMPERSONATION_REFUSED =
  'The console cannot act as another Slack user here (only in the demo or with CLOUDSEC_DRY_RUN=1): ' +
  'an approval would be recorded as theirs. Start it with CLOUDSEC_CONSOLE_USER set to the user whose roles you need.\n';

/** Who is at the keyboard, for the audit log; an account without a passwd entry (a container) is named by its uid. */
export const terminalUserName = (): string => {
  try {
    return os.userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
};

/**
 * The console's actor. Outside the demo it is the person at the terminal (`cli`, named by their OS
 * user), holding the roles that the bindings give `slackUserId` (CLOUDSEC_CONSOLE_USER): records say
 * `cli:U0OPS (alice)`, never that a Slack user clicked something. The demo keeps its fictional
 * Slack users.
 */
export const consoleActor = (opts: { slackUserId: string; demo: boolean; osUser?: string }): InvocationActor =>
  opts.demo
    ? { userId: opts.slackUserId, userName: 'demo' }
    : { userId: opts.slackUserId, userName: opts.osUser ?? terminalUserName(), kind: 'cli' };

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
  /**
   * Whether "as U…" may switch the Slack user whose roles apply: only in the demo and in dry run,
   * where nothing is written to AWS. Off by default.
   */
  allowImpersonation?: boolean;
  /** Where "uploaded" files are written (0600, in a 0700 folder). */
  exportDir: string;
  banner?: string;
}

interface ModalInput {
  blockId: string;
  actionId: string;
  label: string;
  /** What Slack would submit for the element left as it was opened; null when it starts empty. */
  initial: ViewStateValue | null;
  optional: boolean;
}

type InputBlock = {
  type?: string;
  block_id?: string;
  optional?: boolean;
  label?: { text?: string };
  element?: {
    type?: string;
    action_id?: string;
    initial_value?: string;
    initial_user?: string;
    initial_date?: string;
    initial_option?: { value?: string };
  };
};

/** The state Slack would send for an element that was not touched. */
const initialState = (element: NonNullable<InputBlock['element']>): ViewStateValue | null => {
  const type = element.type;
  if (element.initial_user) return { type, selected_user: element.initial_user };
  if (element.initial_date) return { type, selected_date: element.initial_date };
  if (element.initial_option?.value) return { type, selected_option: { value: element.initial_option.value } };
  if (element.initial_value) return { type, value: element.initial_value };
  return null;
};

/** The modal's input elements, in order. */
const inputsOf = (view: ModalView): ModalInput[] =>
  (view.blocks as InputBlock[]).flatMap((block) =>
    block.type === 'input' && block.block_id && block.element?.action_id
      ? [
          {
            blockId: block.block_id,
            actionId: block.element.action_id,
            label: block.label?.text ?? block.block_id,
            initial: initialState(block.element),
            optional: block.optional === true,
          },
        ]
      : [],
  );

/** The input the console's one line goes to: the first that starts empty and must be filled. */
const typedInput = (inputs: readonly ModalInput[]): ModalInput | undefined =>
  inputs.find((i) => i.initial === null && !i.optional) ?? inputs[0];

const shownState = (state: ViewStateValue | null): string =>
  state?.value ?? state?.selected_user ?? state?.selected_date ?? state?.selected_option?.value ?? '(empty)';

/**
 * How the console asks for a modal: a modal with one input just asks for it; one with several (the
 * "Accept risk…" scope, owner and date) says what each other input will be submitted as, then which
 * one the line answers.
 */
const modalPrompt = (view: ModalView): string => {
  const inputs = inputsOf(view);
  const typed = typedInput(inputs);
  if (inputs.length <= 1 || !typed) return 'Type your answer on one line (or "cancel"):\n';
  const others = inputs.filter((i) => i !== typed).map((i) => `  ${i.label}: ${shownState(i.initial)}`);
  return `Submitted as shown:\n${others.join('\n')}\nType "${typed.label}" on one line (or "cancel"):\n`;
};

/**
 * The console asks one line per modal: it goes to the first input that starts empty (the reason, the
 * justification), and every other input is submitted as the modal opened it (pre-filled scope, owner,
 * date), which is what a Slack user who only types the one required field would send.
 */
const submissionOf = (view: ModalView, line: string): ViewSubmission['values'] | null => {
  const inputs = inputsOf(view);
  const typed = typedInput(inputs);
  if (!typed) return null;
  const values: ViewSubmission['values'] = {};
  for (const input of inputs) {
    const state = input === typed ? { type: 'plain_text_input', value: line } : input.initial;
    if (state) values[input.blockId] = { [input.actionId]: state };
  }
  return values;
};

/**
 * Slack in a terminal: the same CloudsecApp, with Block Kit shown as text, buttons pressed by
 * number and a modal's input typed as the next line. Reads `input` one line at a time (so a
 * script can drive it) and waits for each answer before reading the next.
 */
export const runConsole = async (app: CloudsecApp, options: ConsoleOptions): Promise<void> => {
  const { screen } = options;
  const channel: InvocationChannel = { id: 'D0CONSOLE', kind: 'dm' };
  const impersonation = options.allowImpersonation === true;
  let actor = options.actor;
  let modal: ModalView | null = null;
  const responder: Responder = {
    send: async (message) => screen.show(message),
    upload: async (file) => {
      makePrivateDir(options.exportDir, { tighten: true });
      const target = fileIn(options.exportDir, file.filename);
      writePrivateFile(target, file.content);
      screen.write(`\n[file] ${file.title}: written to ${target}\n`);
    },
    openModal: async (view) => {
      modal = view;
      screen.show({ blocks: view.blocks as Block[] }, `[dialog] ${view.title.text}`);
      screen.write(modalPrompt(view));
    },
  };

  const submitModal = async (view: ModalView, line: string) => {
    const values = submissionOf(view, line);
    if (!values) return;
    const result = await app.handleViewSubmission({
      requestId: randomUUID(),
      actor,
      callbackId: view.callback_id,
      privateMetadata: view.private_metadata ?? '',
      values,
    });
    if ('errors' in result && Object.keys(result.errors).length > 0) {
      modal = view;
      screen.write(`${Object.values(result.errors).join('\n')}\nType your answer again (or "cancel"):\n`);
    } else if ('work' in result) {
      await result.work();
    }
  };

  screen.write(`${options.banner ?? 'cloudsec console'}\n${help(impersonation)}\n`);
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
    if (as && !impersonation) {
      screen.write(IMPERSONATION_REFUSED);
    } else if (as) {
      const userId = as[1]!.toUpperCase();
      // The terminal user stays who is recorded (cli); only the roles change.
      actor = actor.kind === 'cli' ? { ...actor, userId } : { userId, userName: userId };
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
        screen.write(`${help(impersonation)}\n`);
        continue;
      }
      await app.handleCommand({ requestId, actor, channel, text: command[1] ?? '', triggerId: requestId }, responder);
    }
  }
  lines.close();
};
