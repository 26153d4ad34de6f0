/**
 * Refusals quote the record (a caller's label, a resource name): rendered for the presser, those
 * quotes stay text, and only the people the use case itself names are mentioned.
 */
import { askActor } from '../../../src/app/detections/alert-ask';
import { requestAlertUndo } from '../../../src/app/detections/alert-undo';
import type { AlertResult } from '../../../src/app/detections/alert-support';
import { renderAlertRefusal } from '../../../src/core/render/blocks/alerts/modals';
import { anActor } from '../../core/render/alerts/builders';
import { PEOPLE, startAlertHarness, storeAlert, type AlertHarness } from './alert-harness';

const as = (userId: string) => ({ actor: { userId, groups: [] as string[] } });

const HOSTILE = '<@U0ADMIN001> <!channel> <#C0GENERAL> <https://evil.example|log in>';

/** The `<…>` control sequences of the presser's answer. */
const controlsOf = (result: AlertResult): string[] => {
  if (result.ok) throw new Error('expected a refusal');
  return JSON.stringify(renderAlertRefusal(result)).match(/<[^<>]*>/g) ?? [];
};

describe('refusals that quote the CloudTrail record', () => {
  let h: AlertHarness;
  beforeEach(() => {
    h = startAlertHarness();
  });
  afterEach(() => h.cleanup());

  it('when nobody is known for a caller whose label looks like mentions, then the refusal quotes it as text', async () => {
    const alert = await storeAlert(h, {
      actor: anActor({ kind: 'iam-user', label: HOSTILE, personName: null, sessionName: null }),
    });
    const refused = await askActor(h.deps, { ...as(PEOPLE.alice), alertId: alert.id });
    expect(refused).toMatchObject({ ok: false, code: 'no-person' });
    expect(!refused.ok && refused.reason).toContain(HOSTILE);
    expect(controlsOf(refused)).toEqual([]);
  });

  it('when Undo cannot find a resource whose name looks like mentions, then the refusal quotes it as text', async () => {
    const resource = { type: 'AwsS3Bucket', id: `legacy${HOSTILE}`, arn: null, region: 'us-east-1' };
    const alert = await storeAlert(h, {
      resource,
      undo: {
        remediationId: 's3_block_public_access',
        checkId: 's3_bucket_public_access_blocked',
        resource,
        description: 'x',
      },
    });
    const refused = await requestAlertUndo(h.deps, {
      ...as(PEOPLE.alice),
      alertId: alert.id,
      justification: 'It should never have been opened.',
    });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toContain(HOSTILE);
    expect(controlsOf(refused as AlertResult)).toEqual([]);
  });

  it('when the actor was asked already, then the person asked is mentioned, and no one else', async () => {
    const alert = await storeAlert(h, { summary: `changed ${HOSTILE}` });
    expect(await askActor(h.deps, { ...as(PEOPLE.alice), alertId: alert.id })).toMatchObject({ ok: true });
    const again = await askActor(h.deps, { ...as(PEOPLE.bob), alertId: alert.id });
    expect(again).toMatchObject({ ok: false, code: 'already-asked', mentions: [PEOPLE.eve] });
    expect(controlsOf(again)).toEqual([`<@${PEOPLE.eve}>`]);
  });
});
