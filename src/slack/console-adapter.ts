import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { CloudsecApp, InvocationActor, InvocationChannel, Responder } from '../app/conversation';
import { renderBlocksAsText, type ConsoleButton } from './console-render';

export interface ConsoleOptions {
  input: Readable;
  write: (text: string) => void;
  actor: InvocationActor;
  /** Where "uploaded" files are written. */
  exportDir: string;
  banner?: string;
}

const HELP =
  'Type a command as in Slack (/cloudsec help, /cloudsec check s3, …), a number to press that button, ' +
  '"home" for the App Home tab, or "exit".';

/**
 * Slack in a terminal: the same CloudsecApp, with Block Kit shown as text and buttons pressed by
 * number. Reads lines from `input` one at a time (so a script can drive it) and waits for each
 * answer before reading the next.
 */
export const runConsole = async (app: CloudsecApp, options: ConsoleOptions): Promise<void> => {
  const channel: InvocationChannel = { id: 'D0CONSOLE', kind: 'dm' };
  let buttons: ConsoleButton[] = [];
  const show = (surface: Parameters<typeof renderBlocksAsText>[0]) => {
    const rendering = renderBlocksAsText(surface);
    buttons = rendering.buttons;
    options.write(`\n${rendering.text.trimEnd()}\n`);
  };
  const responder: Responder = {
    send: async (message) => show(message),
    upload: async (file) => {
      fs.mkdirSync(options.exportDir, { recursive: true });
      const target = path.join(options.exportDir, path.basename(file.filename));
      fs.writeFileSync(target, file.content);
      options.write(`\n[file] ${file.title}: written to ${target}\n`);
    },
  };

  options.write(`${options.banner ?? 'cloudsec console'}\n${HELP}\n`);
  const lines = readline.createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (/^(exit|quit)$/i.test(line)) break;
    const requestId = randomUUID();
    if (/^\d+$/.test(line)) {
      const button = buttons.find((b) => b.number === Number(line));
      if (!button) {
        options.write(`No button ${line} on the last message${buttons.length ? ` (1-${buttons.length})` : ''}.\n`);
        continue;
      }
      options.write(`> pressed [${button.number}] ${button.label}\n`);
      await app.handleAction(
        { requestId, actor: options.actor, channel, actionId: button.actionId, value: button.value ?? '' },
        responder,
      );
    } else if (/^home$/i.test(line)) {
      show(await app.homeView(options.actor));
    } else {
      const command = line.match(/^\/?cloudsec\b\s*(.*)$/i);
      if (!command) {
        options.write(`${HELP}\n`);
        continue;
      }
      await app.handleCommand({ requestId, actor: options.actor, channel, text: command[1] ?? '' }, responder);
    }
  }
  lines.close();
};
