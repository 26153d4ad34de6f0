import {
  parseDecisionReason,
  parseExtendModal,
  parseRequestModal,
  parseScopeInputs,
  renderRequestModal,
  type ExceptionInputBlock,
} from '../../../../src/core/render/blocks/exceptions';
import type { ExceptionScope } from '../../../../src/core/exceptions/model';
import { FINDING_ID, NOW, aFinding, coverage } from './builders';

type Fields = Partial<{
  checks: string | null;
  accounts: string | null;
  regions: string | null;
  resources: string | null;
  tags: string | null;
  reason: string | null;
  owner: string | null;
  expiry: string | null;
}>;

const VALID: Fields = {
  checks: 's3_bucket_public_access_blocked',
  accounts: '111111111111',
  regions: 'us-east-1',
  resources: 'arn:aws:s3:::acme-logs',
  reason: 'Static website bucket, public by design (SEC-123).',
  owner: 'U0OWNER1',
  expiry: '2026-12-01',
};

/** `view.state` as Slack sends it; a field set to undefined is left out (Slack omits untouched optional inputs). */
const state = (over: Fields = {}) => {
  const f = { ...VALID, ...over };
  const values: Record<string, Record<string, unknown>> = {};
  const text = (blockId: string, v: string | null | undefined) => {
    if (v !== undefined) values[blockId] = { 'exception.preview': { type: 'plain_text_input', value: v } };
  };
  text('scope_checks', f.checks);
  text('scope_accounts', f.accounts);
  text('scope_regions', f.regions);
  text('scope_resources', f.resources);
  text('scope_tags', f.tags);
  if (f.reason !== undefined) values['reason'] = { value: { type: 'plain_text_input', value: f.reason } };
  if (f.owner !== undefined) values['owner'] = { value: { type: 'users_select', selected_user: f.owner } };
  if (f.expiry !== undefined) values['expiry'] = { value: { type: 'datepicker', selected_date: f.expiry } };
  return { values };
};

const parse = (over: Fields = {}, maxDays = 90) => parseRequestModal(state(over), NOW, maxDays);
const errorsOf = (over: Fields, maxDays = 90) => {
  const r = parse(over, maxDays);
  if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.input)}`);
  return r.errors;
};

describe('parseRequestModal', () => {
  it('when every field is valid, then it returns the scope, the trimmed reason, the owner and the end of the chosen day (UTC)', () => {
    expect(parse({ reason: '  Static website bucket, public by design (SEC-123).\n' })).toEqual({
      ok: true,
      input: {
        scope: {
          accounts: ['111111111111'],
          checks: ['s3_bucket_public_access_blocked'],
          regions: ['us-east-1'],
          resources: ['arn:aws:s3:::acme-logs'],
        },
        reason: 'Static website bucket, public by design (SEC-123).',
        ownerId: 'U0OWNER1',
        expiresAt: '2026-12-01T23:59:59.999Z',
      },
    });
  });

  it('when given view.state.values rather than view.state, then it reads the same fields', () => {
    const r = parseRequestModal(state().values, NOW, 90);
    expect(r.ok).toBe(true);
  });

  it('when the scope is widened to patterns, OUs, several regions and tags, then each is read into the scope', () => {
    const r = parse({
      checks: 's3_*, ec2_instance_imdsv2_required  s3_*',
      accounts: '111111111111, 222222222222 ou-ab12-cdefgh34',
      regions: 'us-east-1,eu-west-1 global',
      resources: 'arn:aws:s3:::logs-*\n\n  my bucket, with comma  \n',
      tags: 'env=dev\nteam = *\nnote=a=b',
    });
    expect(r).toMatchObject({
      ok: true,
      input: {
        scope: {
          checks: ['s3_*', 'ec2_instance_imdsv2_required'],
          accounts: ['111111111111', '222222222222'],
          ous: ['ou-ab12-cdefgh34'],
          regions: ['us-east-1', 'eu-west-1', 'global'],
          resources: ['arn:aws:s3:::logs-*', 'my bucket, with comma'],
          tags: { env: 'dev', team: '*', note: 'a=b' },
        },
      },
    });
  });

  it('when optional fields are empty or left out, then the scope covers every region and resource', () => {
    for (const empty of [undefined, null, '', '  \n ']) {
      const r = parse({ regions: empty, resources: empty, tags: empty });
      expect(r).toMatchObject({ ok: true, input: { scope: { accounts: ['111111111111'], checks: [VALID.checks] } } });
      if (r.ok) {
        expect(r.input.scope).not.toHaveProperty('regions');
        expect(r.input.scope).not.toHaveProperty('resources');
        expect(r.input.scope).not.toHaveProperty('tags');
      }
    }
  });

  it('when accounts are * (with others), then the scope is every account', () => {
    expect(parse({ accounts: '111111111111, *' })).toMatchObject({ ok: true, input: { scope: { accounts: ['*'] } } });
  });

  it('when a resource pattern is * alone, then it means every resource, as an empty field does', () => {
    const r = parse({ resources: '*' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.input.scope).not.toHaveProperty('resources');
  });

  it('when checks are empty, then the checks field says to name one', () => {
    for (const empty of [undefined, null, '', ' , ']) {
      expect(errorsOf({ checks: empty })).toEqual({
        scope_checks: 'Name at least one check id or pattern (for example s3_bucket_public_access_blocked or s3_*).',
      });
    }
  });

  it('when the checks are * alone, then it is refused as too broad unless explicitly allowed', () => {
    for (const broad of ['*', '**', 's3_*, *']) {
      expect(errorsOf({ checks: broad })['scope_checks']).toMatch(/^"\*" alone would accept every check/);
    }
    expect(parseRequestModal(state({ checks: '*' }), NOW, 90, { allowAllChecks: true })).toMatchObject({
      ok: true,
      input: { scope: { checks: ['*'] } },
    });
  });

  it('when a pattern is longer than 512 characters, then the field names it', () => {
    expect(errorsOf({ checks: `s3_${'x'.repeat(600)}` })['scope_checks']).toMatch(/longer than 512 characters\.$/);
    expect(errorsOf({ resources: `arn:${'x'.repeat(600)}` })['scope_resources']).toMatch(/longer than 512/);
  });

  it('when accounts are empty or not account ids, then the accounts field says what is expected', () => {
    expect(errorsOf({ accounts: '' })).toEqual({
      scope_accounts:
        'Name the accounts (12-digit ids), * for every account, or OU ids (ou-…, r-…) the acceptance covers.',
    });
    expect(errorsOf({ accounts: '111111111111, 12345' })).toEqual({
      scope_accounts: '"12345" is not a 12-digit account id, * (every account), or an OU or root id (ou-…, r-…).',
    });
  });

  it('when a region is misspelled, then the regions field names it', () => {
    expect(errorsOf({ regions: 'us-east-1 us-east1' })).toEqual({
      scope_regions: '"us-east1" is not a region name (for example us-east-1, or global for account-wide resources).',
    });
  });

  it('when a tag line is not key=value or a key repeats, then the tags field says which', () => {
    expect(errorsOf({ tags: 'env=dev\nteam' })).toEqual({
      scope_tags: 'Line 2, "team", is not key=value (write key=* for any value).',
    });
    expect(errorsOf({ tags: '=dev' })['scope_tags']).toMatch(/^Line 1/);
    expect(errorsOf({ tags: 'env=dev\nenv=prod' })).toEqual({ scope_tags: 'The tag "env" is given twice.' });
  });

  it('when a scope field is longer than Slack allows, then it says the limit', () => {
    expect(errorsOf({ resources: 'a\n'.repeat(1600) })).toEqual({
      scope_resources: 'Please keep it to 3,000 characters.',
    });
  });

  it('when the reason is empty, short or long, then the reason field says why', () => {
    for (const empty of [undefined, null, '', '  \n ']) {
      expect(errorsOf({ reason: empty })).toEqual({
        reason: 'Say why this risk is accepted: approvers read it, and it stays with the exception.',
      });
    }
    expect(errorsOf({ reason: 'because' })).toEqual({ reason: 'Please write at least 10 characters (you wrote 7).' });
    expect(errorsOf({ reason: 'a'.repeat(2001) })).toEqual({
      reason: 'Please keep it to 2,000 characters (you wrote 2,001).',
    });
  });

  it('when the owner is missing or not a Slack user id, then the owner field asks for one', () => {
    for (const bad of [undefined, null, '', 'alice', '<!channel>']) {
      expect(errorsOf({ owner: bad })).toEqual({
        owner: 'Choose the owner of the risk: a Slack user, who is reminded before it expires.',
      });
    }
  });

  it('when the expiry is missing, not a date, past or beyond maxDays, then the expiry field says so', () => {
    expect(errorsOf({ expiry: undefined })).toEqual({
      expiry: 'Choose the day the acceptance ends (at most 90 days from now).',
    });
    expect(errorsOf({ expiry: '2027-02-30' })).toEqual({
      expiry: '"2027-02-30" is not a date: choose one in the date picker.',
    });
    expect(errorsOf({ expiry: 'tomorrow' })['expiry']).toMatch(/is not a date/);
    expect(errorsOf({ expiry: '2026-10-31' })).toEqual({
      expiry: '2026-10-31 is in the past: an accepted risk must end today or later.',
    });
    expect(errorsOf({ expiry: '2027-01-31' })).toEqual({
      expiry:
        '2027-01-31 is more than 90 days away: choose 2027-01-30 at the latest, and extend it then if the risk is still accepted.',
    });
  });

  it('when today is chosen, then it ends tonight (UTC)', () => {
    expect(parse({ expiry: '2026-11-01' })).toMatchObject({
      ok: true,
      input: { expiresAt: '2026-11-01T23:59:59.999Z' },
    });
  });

  it('when the last allowed day is chosen, then it ends exactly maxDays from now, which the core accepts', () => {
    expect(parse({ expiry: '2027-01-30' })).toMatchObject({
      ok: true,
      input: { expiresAt: '2027-01-30T12:00:00.000Z' },
    });
    expect(parse({ expiry: '2026-11-15' }, 14)).toMatchObject({
      ok: true,
      input: { expiresAt: '2026-11-15T12:00:00.000Z' },
    });
  });

  it('when several fields are wrong, then each gets its own error at once', () => {
    expect(
      Object.keys(errorsOf({ checks: '', accounts: 'x', reason: '', owner: null, expiry: '2020-01-01' })).sort(),
    ).toEqual(['expiry', 'owner', 'reason', 'scope_accounts', 'scope_checks']);
  });

  it('when the view state is malformed, then every required field gets an error and nothing throws', () => {
    const required = ['expiry', 'owner', 'reason', 'scope_accounts', 'scope_checks'];
    for (const bad of [undefined, null, 'x', 42, [], { values: 'x' }, { values: {} }, { values: { reason: 'x' } }]) {
      const r = parseRequestModal(bad, NOW, 90);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(required);
    }
  });

  it('when fields have the wrong types, then they are errors under those fields', () => {
    const s = state();
    s.values['scope_checks'] = { 'exception.preview': { value: 42 } };
    s.values['owner'] = { value: { selected_user: ['U0OWNER1'] } };
    s.values['expiry'] = { value: 'not an object' };
    s.values['reason'] = { value: { value: { nested: true } } };
    s.values['scope_tags'] = { 'exception.preview': null };
    const r = parseRequestModal(s, NOW, 90);
    expect(r).toEqual({
      ok: false,
      errors: {
        scope_checks: 'This field could not be read; close the dialog and open it again.',
        scope_tags: 'This field could not be read; close the dialog and open it again.',
        reason: 'This field could not be read; close the dialog and open it again.',
        owner: 'This field could not be read; close the dialog and open it again.',
        expiry: 'This field could not be read; close the dialog and open it again.',
      },
    });
  });

  it('when the field sits under another action id, then it is missing, not read from elsewhere', () => {
    const s = state();
    s.values['reason'] = { other: { type: 'plain_text_input', value: 'A perfectly good reason here.' } };
    expect(parseRequestModal(s, NOW, 90)).toMatchObject({ ok: false, errors: { reason: expect.any(String) } });
  });
});

describe('parseScopeInputs', () => {
  it('when the modal opens with a scope and nothing is edited, then submitting reads the same scope back', () => {
    const scopes: ExceptionScope[] = [
      {
        accounts: ['111111111111'],
        checks: ['s3_bucket_public_access_blocked'],
        regions: ['us-east-1'],
        resources: ['arn:aws:s3:::acme-logs'],
      },
      { accounts: ['*'], checks: ['s3_*', 'iam_*'] },
      { ous: ['ou-ab12-cdefgh34', 'r-ab12'], checks: ['ec2_*'], tags: { env: 'dev', team: '*' } },
      {
        accounts: ['111111111111'],
        ous: ['ou-ab12-cdefgh34'],
        checks: ['x'],
        resources: ['a b, c', 'arn:aws:iam::1:user/x=y'],
      },
    ];
    for (const scope of scopes) {
      const view = renderRequestModal({
        finding: aFinding({ id: FINDING_ID }),
        scope,
        coverage: coverage(),
        requesterId: 'U0REQUEST',
        now: NOW,
        maxDays: 90,
      });
      // What Slack sends for inputs left as they opened (the console adapter does the same).
      const values: Record<string, Record<string, unknown>> = {};
      for (const b of view.blocks.filter((x): x is ExceptionInputBlock => x.type === 'input')) {
        const e = b.element as { action_id: string; initial_value?: string };
        if (e.initial_value !== undefined) values[b.block_id] = { [e.action_id]: { value: e.initial_value } };
      }
      expect(parseScopeInputs({ values })).toEqual({ ok: true, scope });
    }
  });

  it('when only the scope is malformed, then only scope fields have errors', () => {
    expect(parseScopeInputs({ values: {} })).toEqual({
      ok: false,
      errors: {
        scope_checks: expect.stringMatching(/^Name at least one check/),
        scope_accounts: expect.stringMatching(/^Name the accounts/),
      },
    });
  });
});

describe('parseExtendModal', () => {
  const ext = (expiry: string | undefined, reason: string | undefined) => ({
    values: {
      ...(expiry !== undefined ? { expiry: { value: { type: 'datepicker', selected_date: expiry } } } : {}),
      ...(reason !== undefined ? { reason: { value: { type: 'plain_text_input', value: reason } } } : {}),
    },
  });
  const current = '2026-12-01T12:00:00.000Z';

  it('when a later date and a reason are given, then it returns the new expiry', () => {
    expect(parseExtendModal(ext('2026-12-20', ' Migration slipped (PROJ-88). '), NOW, 90, current)).toEqual({
      ok: true,
      input: { expiresAt: '2026-12-20T23:59:59.999Z', reason: 'Migration slipped (PROJ-88).' },
    });
  });

  it('when the new date is not after the current expiry, then the expiry field says so', () => {
    expect(parseExtendModal(ext('2026-11-20', 'Migration slipped (PROJ-88).'), NOW, 90, current)).toEqual({
      ok: false,
      errors: { expiry: 'Choose a day after the current expiry (2026-12-01): an extension moves it later.' },
    });
  });

  it('when the current expiry cannot be read, then no date counts as later', () => {
    expect(parseExtendModal(ext('2026-12-20', 'Migration slipped (PROJ-88).'), NOW, 90, 'garbage').ok).toBe(false);
  });

  it('when the date is beyond maxDays or the reason missing, then each field says so', () => {
    expect(parseExtendModal(ext('2027-06-01', undefined), NOW, 90, current)).toEqual({
      ok: false,
      errors: {
        expiry: expect.stringMatching(/more than 90 days away/),
        reason: 'Say why the risk is still accepted: approvers read it.',
      },
    });
  });

  it('when the state is malformed, then it is errors, never a throw', () => {
    for (const bad of [undefined, null, 'x', { values: [] }]) {
      expect(parseExtendModal(bad, NOW, 90, current).ok).toBe(false);
    }
  });
});

describe('parseDecisionReason', () => {
  const reason = (value: unknown) => ({ values: { reason: { value: { type: 'plain_text_input', value } } } });

  it('when a reason is typed, then it comes back trimmed', () => {
    expect(parseDecisionReason(reason('  Fix it instead.  '))).toEqual({ ok: true, value: 'Fix it instead.' });
  });

  it('when it is empty, short, long or malformed, then the reason field says so', () => {
    expect(parseDecisionReason(reason(''))).toEqual({
      ok: false,
      errors: { reason: 'Give a reason: the requester and the owner read it.' },
    });
    expect(parseDecisionReason(reason('no'))).toEqual({
      ok: false,
      errors: { reason: 'Please write at least 5 characters (you wrote 2).' },
    });
    expect(parseDecisionReason(reason('a'.repeat(1001)))).toEqual({
      ok: false,
      errors: { reason: 'Please keep it to 1,000 characters (you wrote 1,001).' },
    });
    expect(parseDecisionReason(reason(7))).toEqual({
      ok: false,
      errors: { reason: 'This field could not be read; close the dialog and open it again.' },
    });
    expect(parseDecisionReason(null).ok).toBe(false);
  });
});
