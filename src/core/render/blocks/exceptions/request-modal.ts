import type { CoveragePreview } from '../../../exceptions/coverage';
import type { ExceptionScope } from '../../../exceptions/model';
import { clip } from '../../mrkdwn';
import { context, divider, section, type Block } from '../kit';
import { findingBlock, type RemediableFinding } from '../remediation/finding-summary';
import { plural, thousands } from '../remediation/format';
import { defaultExpiryDate, expiryHint } from './expiry';
import { byCheckText } from './format';
import { EXCEPTION_CALLBACK_IDS, EXCEPTION_INPUTS, requestModalMetadata } from './ids';
import {
  dateField,
  exceptionModal,
  textField,
  usersField,
  type ExceptionModalBlock,
  type ExceptionModalView,
} from './modal-kit';
import { EXCEPTION_TEXT_LIMITS } from './view-state';

/** What the "Accept risk…" modal shows; the use case's preview (`previewException`) has every piece. */
export interface RequestModalData {
  /** The failing finding the modal was opened from (its id goes into private_metadata). */
  finding: RemediableFinding;
  /**
   * The scope the inputs show: the finding's own on open (account, check, region, resource); the
   * scope as typed when the modal is re-rendered after a scope field dispatched.
   */
  scope: ExceptionScope;
  /** What the scope covers among the latest findings; null when it could not be counted. */
  coverage: CoveragePreview | null;
  /** Why the scope as typed cannot be counted (parse errors, the use case's refusal), shown instead. */
  scopeProblems?: readonly string[] | undefined;
  /** The scope reaches accounts the asker may not see: findings there are not counted (none is named). */
  partial?: boolean | undefined;
  /** Why the asker may not ask for this scope, when they may not (shown as a warning). */
  whyNot?: string | null | undefined;
  /** Who opens the modal: the owner field starts with them. */
  requesterId: string;
  /** The owner chosen so far, kept across a re-render; the requester when absent. */
  ownerId?: string | null | undefined;
  /** The date the picker shows (`YYYY-MM-DD`), kept across a re-render; 30 days ahead (clipped) when absent. */
  expiryDate?: string | null | undefined;
  now: Date;
  /** `exceptions.maxDays`. */
  maxDays: number;
}

/**
 * Items joined with `separator`, as many whole items as fit in `max` characters: a cut pattern
 * would be another pattern. How many were left out is returned so the modal can say so.
 */
const joinWithin = (items: readonly string[], separator: string, max: number): { text: string; left: number } => {
  let text = '';
  for (let i = 0; i < items.length; i += 1) {
    const next = text === '' ? items[i]! : `${text}${separator}${items[i]!}`;
    if (next.length > max) return { text, left: items.length - i };
    text = next;
  }
  return { text, left: 0 };
};

const SCOPE_MAX = EXCEPTION_TEXT_LIMITS.scopeField.max;

const scopeInputs = (scope: ExceptionScope): { blocks: ExceptionModalBlock[]; left: number } => {
  const checks = joinWithin(scope.checks, ', ', SCOPE_MAX);
  const accounts = joinWithin([...(scope.accounts ?? []), ...(scope.ous ?? [])], ', ', SCOPE_MAX);
  const regions = joinWithin(scope.regions ?? [], ', ', SCOPE_MAX);
  const resources = joinWithin(scope.resources ?? [], '\n', SCOPE_MAX);
  const tags = joinWithin(
    Object.entries(scope.tags ?? {}).map(([k, v]) => `${k}=${v}`),
    '\n',
    SCOPE_MAX,
  );
  const blocks: ExceptionModalBlock[] = [
    textField({
      ...EXCEPTION_INPUTS.checks,
      label: 'Checks',
      hint: 'Check ids, or patterns where * matches anything (s3_*), separated by commas. * alone is refused: name the checks.',
      initialValue: checks.text,
      maxLength: SCOPE_MAX,
      dispatch: true,
    }),
    textField({
      ...EXCEPTION_INPUTS.accounts,
      label: 'Accounts or OUs',
      hint: '12-digit account ids, * for every account, or OU ids (ou-…, r-…), separated by commas.',
      initialValue: accounts.text,
      maxLength: SCOPE_MAX,
      dispatch: true,
    }),
    textField({
      ...EXCEPTION_INPUTS.regions,
      label: 'Regions',
      hint: 'Separated by commas; global is for account-wide resources. Empty: every region.',
      initialValue: regions.text,
      maxLength: SCOPE_MAX,
      optional: true,
      dispatch: true,
    }),
    textField({
      ...EXCEPTION_INPUTS.resources,
      label: 'Resources',
      hint: 'One ARN or name per line; * matches anything (arn:aws:s3:::logs-*). Empty: every resource.',
      initialValue: resources.text,
      multiline: true,
      maxLength: SCOPE_MAX,
      optional: true,
      dispatch: true,
    }),
    textField({
      ...EXCEPTION_INPUTS.tags,
      label: 'Tags',
      hint: 'One key=value per line (key=* for any value). A resource whose tags cloudsec has not read never matches.',
      placeholder: 'env=sandbox',
      initialValue: tags.text,
      multiline: true,
      maxLength: SCOPE_MAX,
      optional: true,
      dispatch: true,
    }),
  ];
  return { blocks, left: checks.left + accounts.left + regions.left + resources.left + tags.left };
};

/** "This would cover N failing findings now (by check: …)", or why it cannot be said. */
const previewBlock = (data: RequestModalData): Block => {
  const problems = data.scopeProblems ?? [];
  if (problems.length > 0 || data.coverage === null) {
    const listed = problems
      .slice(0, 5)
      .map((p) => `• ${clip(p, 300)}`)
      .join('\n');
    return section(
      `:warning: *The scope as typed cannot be counted.*${listed ? `\n${listed}` : ''}` +
        (problems.length > 5 ? `\n…and ${thousands(problems.length - 5)} more` : ''),
    );
  }
  const c = data.coverage;
  const lines = [
    c.count === 0
      ? ':mag: This would cover *no failing finding* now.'
      : `:mag: This would cover *${plural(c.count, 'failing finding')}* now (by check: ${byCheckText(c.byCheck)}).`,
  ];
  if (c.undecided > 0)
    lines.push(
      `${thousands(c.undecided)} more could not be decided (tags or OU unknown): they stay visible until cloudsec can tell.`,
    );
  if (data.partial)
    lines.push(
      'The scope reaches accounts you cannot see; their findings are not counted here, but it covers them too.',
    );
  return section(lines.join('\n'));
};

/**
 * The modal behind "Accept risk…": the finding, the scope pre-filled and editable (pressing Enter in
 * a scope field dispatches `exception.preview`, and the handler re-renders this with a new count),
 * what it would cover, the reason, the owner and the expiry. Nothing is stored until it is submitted.
 */
export const renderRequestModal = (data: RequestModalData): ExceptionModalView => {
  const scope = scopeInputs(data.scope);
  const blocks: ExceptionModalBlock[] = [
    section('You are asking to accept the risk of this failing finding:'),
    findingBlock(data.finding, { evidenceKeys: 4 }),
    divider(),
    section(
      '*Scope*: what the acceptance covers. Every field given must match. Widen it with patterns to cover ' +
        'similar findings; press Enter in a field to count again.',
    ),
    ...scope.blocks,
    ...(scope.left > 0
      ? [context(`${plural(scope.left, 'entry', 'entries')} of the scope did not fit in the fields and are left out.`)]
      : []),
    previewBlock(data),
    ...(data.whyNot ? [section(`:no_entry: *You cannot ask for this scope*: ${clip(data.whyNot, 600)}`)] : []),
    divider(),
    textField({
      ...EXCEPTION_INPUTS.reason,
      label: 'Why is this risk accepted?',
      hint: `Approvers read this next to the scope. ${EXCEPTION_TEXT_LIMITS.reason.min} to ${thousands(EXCEPTION_TEXT_LIMITS.reason.max)} characters.`,
      placeholder: 'e.g. Static website bucket, public by design; reviewed in SEC-123.',
      multiline: true,
      minLength: EXCEPTION_TEXT_LIMITS.reason.min,
      maxLength: EXCEPTION_TEXT_LIMITS.reason.max,
      focus: true,
    }),
    usersField({
      ...EXCEPTION_INPUTS.owner,
      label: 'Owner of the risk',
      hint: 'Reminded before it expires, and asked to extend or fix it.',
      initialUser: data.ownerId ?? data.requesterId,
    }),
    dateField({
      ...EXCEPTION_INPUTS.expiry,
      label: 'Accepted until',
      hint: expiryHint(data.now, data.maxDays),
      initialDate: data.expiryDate ?? defaultExpiryDate(data.now, data.maxDays),
    }),
    context(
      'Nothing is hidden until someone other than you approves it. A covered finding that gets worse is shown again.',
    ),
  ];
  return exceptionModal({
    callbackId: EXCEPTION_CALLBACK_IDS.requestModal,
    title: 'Accept risk',
    submit: 'Ask for approval',
    close: 'Cancel',
    privateMetadata: requestModalMetadata(data.finding.id),
    blocks,
  });
};
