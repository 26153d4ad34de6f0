import { z } from 'zod';
import type { Alert } from '../../../detections/alert';
import type { Finding } from '../../../model';
import { MESSAGE_BUDGET } from '../../limits';
import { bold, clip, code, lineStart } from '../../mrkdwn';
import { ageOf } from '../age';
import { accountLabel, findingSection, SEVERITY_EMOJI, severityLabel, type AccountNames } from '../finding';
import { actions, button, context, header, section, type Block, type MessagePayload } from '../kit';
import { largestFitting } from '../paging';
import { fallbackText, plural, thousands } from '../remediation/format';
import { STATUS_EMOJI, STATUS_LABEL, userRef } from './format';

/**
 * `/cloudsec alerts` (a page of alerts, newest first, with Next page) and the answer to Re-check
 * (the findings of the alert's resource, failing ones with their buttons as findings show them).
 */

/** Next page of `/cloudsec alerts`: value `{"f":filter,"o":offset}`. */
export const ALERT_LIST_PAGE_ACTION = 'alerts.page';
export const ALERT_LIST_PAGE_SIZE = 20;

export const AlertListPageValueSchema = z.object({
  f: z.enum(['open', 'mine', 'all']),
  o: z.number().int().min(0).max(100_000),
});
export type AlertListPageValue = z.infer<typeof AlertListPageValueSchema>;

export const parseAlertListPage = (value: string): AlertListPageValue | null => {
  try {
    const parsed = AlertListPageValueSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

const TITLES: Record<AlertListPageValue['f'], string> = {
  open: 'Open alerts',
  mine: 'Alerts assigned to you or asking you',
  all: 'Alerts',
};

const EMPTY: Record<AlertListPageValue['f'], string> = {
  open: 'No open alert. :tada:',
  mine: 'No alert is assigned to you, and nobody asked you about one.',
  all: 'No alert yet.',
};

export const alertListSection = (alert: Alert, now: Date, names: AccountNames): Block => {
  const lines = [
    `${SEVERITY_EMOJI[alert.severity]} ${bold(alert.title, 150)} · ${STATUS_EMOJI[alert.status]} ${STATUS_LABEL[alert.status]}` +
      (alert.count > 1 ? ` · seen ${thousands(alert.count)} times` : ''),
    lineStart(clip(alert.summary.replace(/\s+/g, ' '), 300)),
    [
      accountLabel(alert.accountId, names),
      clip(alert.region, 30),
      `by ${code(alert.actor.label, 80)}`,
      ageOf(alert.eventTime, now),
      ...(alert.assigneeId ? [`assigned to ${userRef(alert.assigneeId)}`] : []),
      ...(alert.askedUserId && alert.answer === null ? [`waiting for ${userRef(alert.askedUserId)}`] : []),
    ].join(' · '),
    `${severityLabel(alert.severity)} · alert ${code(alert.id, 80)}`,
  ];
  return section(lines.join('\n'));
};

export const renderAlertList = (
  alerts: readonly Alert[],
  options: { filter: AlertListPageValue['f']; offset: number; now: Date; names: AccountNames; truncated?: boolean },
): MessagePayload => {
  const total = alerts.length;
  const title = TITLES[options.filter];
  if (total === 0) return { text: EMPTY[options.filter], blocks: [header(title), section(EMPTY[options.filter])] };
  const offset = Math.min(Math.max(0, options.offset), Math.max(0, total - 1));
  const page = alerts.slice(offset, offset + ALERT_LIST_PAGE_SIZE);
  const build = (n: number): MessagePayload => {
    const end = offset + n;
    const next =
      end < total
        ? button(
            'Next page',
            ALERT_LIST_PAGE_ACTION,
            JSON.stringify({ f: options.filter, o: end } satisfies AlertListPageValue),
          )
        : undefined;
    return {
      text: fallbackText(`${title}: ${thousands(total)}.`),
      blocks: [
        header(title),
        context(
          `${plural(total, 'alert')}${options.truncated ? ' (the newest)' : ''} · newest first · ` +
            `showing ${thousands(offset + 1)}–${thousands(end)}`,
        ),
        ...page.slice(0, n).map((a) => alertListSection(a, options.now, options.names)),
        ...(next ? [actions(next)] : []),
      ],
    };
  };
  return largestFitting(page.length, build, MESSAGE_BUDGET).payload;
};

/** Re-check's answer: failing findings first, with their Remediate / Accept risk controls. */
export const renderRecheckAnswer = (
  alert: Alert,
  findings: readonly Finding[],
  options: { note: string; names: AccountNames; remediationEnabled: boolean; acceptRisk: boolean },
): MessagePayload => {
  const failing = findings.filter((f) => f.status !== 'pass');
  const head: Block[] = [
    header(`Re-check: ${alert.resource.id}`.slice(0, 150)),
    section(
      `${findings.length > 0 && failing.length === 0 ? ':white_check_mark: ' : ''}${lineStart(clip(options.note, 500))}`,
    ),
  ];
  const build = (n: number): MessagePayload => ({
    text: fallbackText(`Re-check of ${alert.resource.id}: ${options.note}`),
    blocks: [
      ...head,
      ...failing.slice(0, n).map((f) =>
        findingSection(f, options.names, {
          remediationEnabled: options.remediationEnabled,
          acceptRisk: options.acceptRisk,
          showSeverity: true,
        }),
      ),
      ...(n < failing.length ? [context(`…and ${plural(failing.length - n, 'more finding')}`)] : []),
      context(`Collected just now · alert ${code(alert.id, 80)}`),
    ],
  });
  return largestFitting(Math.min(failing.length, 20), build, MESSAGE_BUDGET).payload;
};
