import { parseArgs } from 'node:util';
import { suggest } from '../core/suggest';

/** Slack escapes &, < and > in command text; undo that before parsing. */
const unescapeSlack = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Splits command text on whitespace, keeping "quoted strings" (straight or curly quotes) together. */
export const tokenize = (text: string): string[] => {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|“([^”]*)”|(\S+)/g;
  for (const m of unescapeSlack(text).matchAll(pattern)) tokens.push(m[1] ?? m[2] ?? m[3] ?? '');
  return tokens;
};

export type FlagSpec = Record<string, { type: 'boolean' | 'string' }>;

export type ParsedTokens =
  | { ok: true; positionals: string[]; flags: Record<string, string | boolean | undefined> }
  | { ok: false; error: string };

/** "Unknown option '--frseh'" with the closest flag the command has, if one is close enough to be the typo. */
const unknownFlagMessage = (message: string, flags: FlagSpec): string => {
  const given = /^Unknown option '(-{1,2})([^'=]*)/.exec(message);
  const near = given ? suggest(given[2]!, Object.keys(flags)) : undefined;
  return near ? `${message} — did you mean \`--${near}\`?` : message;
};

/** Positionals and `--flags`; an unknown flag is an error naming it (and the flag meant) rather than being ignored. */
export const parseTokens = (tokens: string[], flags: FlagSpec): ParsedTokens => {
  try {
    const { values, positionals } = parseArgs({ args: tokens, options: flags, allowPositionals: true, strict: true });
    return { ok: true, positionals, flags: values as Record<string, string | boolean | undefined> };
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    const code = (err as { code?: unknown }).code;
    return {
      ok: false,
      error: code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? unknownFlagMessage(message, flags) : message,
    };
  }
};
