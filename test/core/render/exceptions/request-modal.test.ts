import {
  EXCEPTION_ACTION_IDS,
  EXCEPTION_CALLBACK_IDS,
  exceptionModalViolations,
  parseRequestModalMetadata,
  renderRequestModal,
  type ExceptionInputBlock,
  type ExceptionModalView,
  type RequestModalData,
} from '../../../../src/core/render/blocks/exceptions';
import type { Block } from '../../../../src/core/render/blocks';
import { FINDING_ID, HOSTILE, NOW, aFinding, coverage, expectEscapedOnce, visibleText } from './builders';

const checked = (view: ExceptionModalView) => {
  expect(exceptionModalViolations(view)).toEqual([]);
  return view;
};
const inputs = (view: ExceptionModalView) => view.blocks.filter((b): b is ExceptionInputBlock => b.type === 'input');
const input = (view: ExceptionModalView, blockId: string) => inputs(view).find((b) => b.block_id === blockId)!;
const textOf = (view: ExceptionModalView) => visibleText(view.blocks.filter((b): b is Block => b.type !== 'input'));

const finding = aFinding({ id: FINDING_ID });
const data = (over: Partial<RequestModalData> = {}): RequestModalData => ({
  finding,
  scope: {
    accounts: [finding.accountId],
    checks: [finding.checkId],
    regions: [finding.region],
    resources: [finding.resource.arn!],
  },
  coverage: coverage(),
  requesterId: 'U0REQUEST',
  now: NOW,
  maxDays: 90,
  ...over,
});

describe('renderRequestModal', () => {
  it('when opened on a failing finding, then the finding is summarized and the scope is pre-filled from it', () => {
    const view = checked(renderRequestModal(data()));
    expect(view.callback_id).toBe(EXCEPTION_CALLBACK_IDS.requestModal);
    expect(parseRequestModalMetadata(view.private_metadata)).toEqual({ findingId: FINDING_ID });
    expect(textOf(view)).toContain('`acme-logs` · account `111111111111` · `us-east-1`');
    const initial = (id: string) => (input(view, id).element as { initial_value?: string }).initial_value;
    expect(initial('scope_checks')).toBe('s3_bucket_public_access_blocked');
    expect(initial('scope_accounts')).toBe('111111111111');
    expect(initial('scope_regions')).toBe('us-east-1');
    expect(initial('scope_resources')).toBe('arn:aws:s3:::acme-logs');
    expect(initial('scope_tags')).toBeUndefined();
  });

  it('when the scope fields change, then they dispatch exception.preview on Enter so the count can be updated', () => {
    const view = renderRequestModal(data());
    for (const id of ['scope_checks', 'scope_accounts', 'scope_regions', 'scope_resources', 'scope_tags']) {
      const block = input(view, id);
      expect(block.dispatch_action).toBe(true);
      expect(block.element).toMatchObject({
        type: 'plain_text_input',
        action_id: EXCEPTION_ACTION_IDS.preview,
        dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
      });
    }
    for (const id of ['reason', 'owner', 'expiry']) expect(input(view, id).dispatch_action).toBeUndefined();
  });

  it('when opened, then checks and accounts are required, regions, resources and tags optional', () => {
    const view = renderRequestModal(data());
    expect(input(view, 'scope_checks').optional).toBeUndefined();
    expect(input(view, 'scope_accounts').optional).toBeUndefined();
    for (const id of ['scope_regions', 'scope_resources', 'scope_tags']) expect(input(view, id).optional).toBe(true);
  });

  it('when opened, then the reason is a required multiline field, the owner starts as the requester and the expiry 30 days ahead', () => {
    const view = renderRequestModal(data());
    expect(input(view, 'reason').element).toMatchObject({
      type: 'plain_text_input',
      action_id: 'value',
      multiline: true,
      min_length: 10,
      max_length: 2000,
      focus_on_load: true,
    });
    expect(input(view, 'owner').element).toMatchObject({ type: 'users_select', initial_user: 'U0REQUEST' });
    expect(input(view, 'expiry').element).toMatchObject({ type: 'datepicker', initial_date: '2026-12-01' });
    expect(input(view, 'expiry').hint?.text).toContain('At most 90 days: 2027-01-30 at the latest');
  });

  it('when maxDays is shorter than 30, then the proposed expiry is the last day allowed', () => {
    const view = renderRequestModal(data({ maxDays: 14 }));
    expect(input(view, 'expiry').element).toMatchObject({ initial_date: '2026-11-15' });
    expect(input(view, 'expiry').hint?.text).toContain('At most 14 days: 2026-11-15 at the latest (until 12:00 UTC');
  });

  it('when re-rendered after a change, then the chosen owner and date are kept', () => {
    const view = renderRequestModal(data({ ownerId: 'U0OTHER', expiryDate: '2026-12-24' }));
    expect(input(view, 'owner').element).toMatchObject({ initial_user: 'U0OTHER' });
    expect(input(view, 'expiry').element).toMatchObject({ initial_date: '2026-12-24' });
  });

  it('when the requester id is not a Slack user id, then the owner starts empty rather than break the view', () => {
    const view = checked(renderRequestModal(data({ requesterId: 'alice (cli)' })));
    expect(input(view, 'owner').element).not.toHaveProperty('initial_user');
  });

  it('when the preview is given, then the count and the split by check are shown', () => {
    const text = textOf(renderRequestModal(data()));
    expect(text).toContain(
      'This would cover *12 failing findings* now (by check: 10 × `s3_bucket_public_access_blocked`, 2 × `s3_bucket_versioning_enabled`).',
    );
    expect(text).not.toContain('could not be decided');
  });

  it('when some findings are undecided or accounts unseen, then the preview says so', () => {
    const text = textOf(renderRequestModal(data({ coverage: coverage({ undecided: 4 }), partial: true })));
    expect(text).toContain('4 more could not be decided (tags or OU unknown)');
    expect(text).toContain('The scope reaches accounts you cannot see');
  });

  it('when the scope covers nothing, then the preview says no failing finding', () => {
    const text = textOf(renderRequestModal(data({ coverage: coverage({ count: 0, byCheck: {} }) })));
    expect(text).toContain('This would cover *no failing finding* now.');
  });

  it('when the scope as typed is invalid, then the problems replace the count', () => {
    const text = textOf(
      renderRequestModal(data({ coverage: null, scopeProblems: ['Checks: name at least one', HOSTILE] })),
    );
    expect(text).toContain(':warning: *The scope as typed cannot be counted.*');
    expect(text).toContain('• Checks: name at least one');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('This would cover');
  });

  it('when the asker may not ask for this scope, then the modal says why', () => {
    const text = textOf(renderRequestModal(data({ whyNot: 'You may not request exceptions on 222222222222.' })));
    expect(text).toContain(
      ':no_entry: *You cannot ask for this scope*: You may not request exceptions on 222222222222.',
    );
  });

  it('when the scope has tags, OUs and several patterns, then each field shows them the way the parser reads them', () => {
    const view = renderRequestModal(
      data({
        scope: {
          accounts: ['111111111111'],
          ous: ['ou-ab12-cdefgh34'],
          checks: ['s3_*', 'ec2_*'],
          resources: ['arn:aws:s3:::logs-*', 'my bucket, with comma'],
          tags: { env: 'dev', team: '*' },
        },
      }),
    );
    const initial = (id: string) => (input(view, id).element as { initial_value?: string }).initial_value;
    expect(initial('scope_checks')).toBe('s3_*, ec2_*');
    expect(initial('scope_accounts')).toBe('111111111111, ou-ab12-cdefgh34');
    expect(initial('scope_regions')).toBeUndefined();
    expect(initial('scope_resources')).toBe('arn:aws:s3:::logs-*\nmy bucket, with comma');
    expect(initial('scope_tags')).toBe('env=dev\nteam=*');
  });

  it('when the scope would not fit in the fields, then whole entries are left out and the modal says so', () => {
    const resources = Array.from({ length: 200 }, (_, i) => `arn:aws:s3:::bucket-${i}-${'x'.repeat(40)}`);
    const view = checked(renderRequestModal(data({ scope: { accounts: ['*'], checks: ['s3_*'], resources } })));
    const value = (input(view, 'scope_resources').element as { initial_value?: string }).initial_value!;
    expect(value.length).toBeLessThanOrEqual(3000);
    expect(value.split('\n').every((line) => resources.includes(line))).toBe(true);
    const left = 200 - value.split('\n').length;
    expect(textOf(view)).toContain(`${left} entries of the scope did not fit in the fields and are left out.`);
  });

  it('when the finding carries hostile text, then the modal escapes it and stays within limits', () => {
    const hostile = aFinding({
      id: FINDING_ID,
      title: HOSTILE,
      message: HOSTILE.repeat(100),
      resource: { type: 'AwsS3Bucket', id: HOSTILE, arn: null },
      evidence: { [HOSTILE]: HOSTILE },
    });
    const view = checked(renderRequestModal(data({ finding: hostile })));
    const json = JSON.stringify(view.blocks.filter((b) => b.type !== 'input'));
    expectEscapedOnce(json);
  });

  it('when the finding id is not one cloudsec makes, then it is a programming error', () => {
    expect(() => renderRequestModal(data({ finding: aFinding({ id: 'nope' }) }))).toThrow(RangeError);
  });
});
