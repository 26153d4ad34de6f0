import type { ApiCall } from '../../../remediations/define';
import { clip, code, escapeMrkdwn, truncate } from '../../mrkdwn';
import { context, section, type Block } from '../kit';
import { plural, thousands } from './format';

/** Pretty JSON, or a plain statement when the input cannot be serialized (it always can when it came from the store). */
const prettyJson = (input: unknown): string => {
  try {
    return JSON.stringify(input, null, 2) ?? 'undefined';
  } catch {
    return '(this input cannot be shown as JSON)';
  }
};

/**
 * Raw text inside a ``` block: escaped (entities still decode inside code), with backticks swapped for
 * the look-alike U+02CB so data cannot close the block and continue as formatted text. Only a bounded
 * head of a huge input is escaped.
 */
const codeBlock = (raw: string, max: number): { text: string; cut: boolean } => {
  const head = raw.length > 2 * max + 16 ? raw.slice(0, 2 * max + 16) : raw;
  const escaped = escapeMrkdwn(head.replace(/`/g, '\u02CB'));
  const body = truncate(escaped, max);
  return { text: '```\n' + (body || ' ') + '\n```', cut: head !== raw || body !== escaped };
};

export interface PlanStats {
  calls: number;
  /** Characters of pretty input JSON across all calls. */
  jsonChars: number;
  backticks: boolean;
}

const jsonOf = new WeakMap<ApiCall, string>();
const jsonFor = (call: ApiCall): string => {
  let json = jsonOf.get(call);
  if (json === undefined) {
    json = prettyJson(call.input);
    jsonOf.set(call, json);
  }
  return json;
};

export const planStats = (calls: readonly ApiCall[]): PlanStats => ({
  calls: calls.length,
  jsonChars: calls.reduce((n, c) => n + jsonFor(c).length, 0),
  backticks: calls.some((c) => jsonFor(c).includes('`')),
});

/** `*2.* `UpdateAccessKey` · `iam` · `global``: which call, against what, in the order it runs. */
export const callTitle = (call: { service: string; region: string; command: string }, index: number): string =>
  `*${index + 1}.* ${code(call.command, 80)} · ${code(call.service, 30)} · ${code(call.region, 40)}`;

/** In words, what a lookup reads and which inputs come from an earlier lookup. */
const lookupNotes = (call: ApiCall, calls: readonly ApiCall[]): string[] => {
  const notes: string[] = [];
  if (call.lookup) {
    const s = call.lookup.select;
    notes.push(
      `Read only: finds access key ${s.keyNumber} of ${code(s.userName, 80)} created ${clip(s.createdAt, 40)}; ` +
        'the plan stops before any write if it is not exactly one key.',
    );
  }
  for (const [field, name] of Object.entries(call.bind ?? {})) {
    const from = calls.findIndex((c) => c.lookup?.as === name);
    notes.push(`${code(field, 60)} is filled in with what ${from >= 0 ? `call ${from + 1}` : code(name, 60)} finds.`);
  }
  return notes;
};

/** One call as one section: what it is, its input as pretty JSON (cut at `maxJson`, saying so), lookups in words. */
const callSection = (
  call: ApiCall,
  index: number,
  calls: readonly ApiCall[],
  maxJson: number,
): { block: Block; cut: boolean } => {
  const json = jsonFor(call);
  const input = codeBlock(json, maxJson);
  const lines = [callTitle(call, index), input.text];
  if (input.cut) lines.push(`_Input shown in part: the first part of ${thousands(json.length)} characters._`);
  lines.push(...lookupNotes(call, calls));
  return { block: section(lines.join('\n')), cut: input.cut };
};

/**
 * The plan as approvers see it: a heading, the first `shown` calls (each cut to share `jsonBudget`),
 * and an honest account of anything left out.
 */
export const planBlocks = (calls: readonly ApiCall[], shown: number, jsonBudget: number): Block[] => {
  if (calls.length === 0) return [section('*API calls*: none. This plan changes nothing in AWS.')];
  const stats = planStats(calls);
  const n = Math.min(shown, calls.length);
  const maxJson = Math.max(200, Math.min(2400, Math.floor(jsonBudget / Math.max(1, n))));
  const sections = calls.slice(0, n).map((c, i) => callSection(c, i, calls, maxJson));
  const notes: string[] = [];
  if (n < calls.length || sections.some((s) => s.cut))
    notes.push(
      `${n < calls.length ? `…and ${plural(calls.length - n, 'more call')} not shown here. ` : ''}` +
        `The full plan is ${plural(stats.calls, 'call')} with ${thousands(stats.jsonChars)} characters of input JSON.`,
    );
  if (stats.backticks) notes.push('Backticks in values are shown as ˋ so they cannot end the code block.');
  return [
    section(`*API calls* · ${plural(calls.length, 'call')}, in the order they run with the account's write role:`),
    ...sections.map((s) => s.block),
    ...(notes.length > 0 ? [context(...notes)] : []),
  ];
};

/** Notes from the remediation: what the calls do not cover. */
export const notesBlock = (notes: readonly string[], max = 6): Block[] => {
  if (notes.length === 0) return [];
  const lines = notes.slice(0, max).map((n) => `• ${clip(n, 240)}`);
  if (notes.length > max) lines.push(`• …and ${plural(notes.length - max, 'more note')}`);
  return [section(`*Notes*\n${lines.join('\n')}`)];
};

/**
 * The largest `n ≤ max` for which `build(n)` is acceptable, by bisection (n = 0 when nothing larger is).
 * Like `largestFitting`, but with the test passed in, so modals (whose input blocks the message limits
 * do not know) can use it too.
 */
export const largestAcceptable = <P>(max: number, build: (n: number) => P, ok: (p: P) => boolean): P => {
  let lo = 0;
  let hi = max;
  let best = build(0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const payload = build(mid);
    if (ok(payload)) {
      lo = mid;
      best = payload;
    } else hi = mid - 1;
  }
  return best;
};
