import type { Finding } from '../../../model';
import { bold, clip, code, lineStart } from '../../mrkdwn';
import { SEVERITY_EMOJI, severityLabel } from '../finding';
import { section, type Block } from '../kit';
import { entriesSummary } from './format';
import { problemTitle } from '../../headline';

/** What the renderers read from a finding. */
export type RemediableFinding = Pick<
  Finding,
  'id' | 'checkId' | 'severity' | 'accountId' | 'region' | 'resource' | 'title' | 'message' | 'evidence'
>;

/** "acme-logs in 111111111111 / us-east-1": one line for lists and fallback text. */
export const whereLine = (f: RemediableFinding): string =>
  `${code(f.resource.id, 140)} · account ${code(f.accountId, 40)} · ${code(f.region, 30)}`;

/**
 * The finding as approvers need it: severity and title, the resource and where it is, the engine's
 * sentence, and the evidence it recorded (the first few fields).
 */
export const findingBlock = (f: RemediableFinding, opts: { evidenceKeys?: number } = {}): Block => {
  const lines = [
    `${SEVERITY_EMOJI[f.severity]} *${severityLabel(f.severity)}* · ${bold(problemTitle(f), 150) || code(f.checkId, 120)}`,
    `${whereLine(f)} · ${clip(f.resource.type, 40) || 'resource'}`,
  ];
  const message = clip(f.message, 400);
  if (message) lines.push(lineStart(message));
  const evidence = entriesSummary(f.evidence, opts.evidenceKeys ?? 6);
  if (evidence) lines.push(`_Evidence_: ${evidence}`);
  return section(lines.join('\n'));
};
