import { summarize } from '../../../src/core/findings';
import { md, plain, renderCheckMessage, renderHomeView, section } from '../../../src/core/render/blocks';
import {
  renderApprovalCard,
  renderRequestModal,
  renderRequestsList,
} from '../../../src/core/render/blocks/remediation';
import { renderDigestBlocks } from '../../../src/core/render/digest';
import { bold, clip, code, escapeMrkdwn, lineStart } from '../../../src/core/render/mrkdwn';
import { aDigestItem, aDigestReport, listOf } from '../../fixtures/digest-builders';
import { aCheckData, aFinding, NOW } from './blocks/builders';
import { REQUESTER, S3_BLOCK, aRequest, putPublicAccessBlock } from './remediation/builders';

/**
 * Bidirectional overrides (U+202E turns "gpj.exe" into "exe.jpg" on screen), isolates (U+2066…)
 * and zero-width characters in a bucket name, a finding or a justification make Slack show
 * something other than what is there. None may reach a Slack text; the one zero-width space
 * cloudsec puts in itself (before a leading `&gt;`, so data cannot open a block quote) stays.
 */

const RLO = '\u202E';
const ZWSP = '\u200B';
const LRI = '\u2066';
const PDI = '\u2069';
const NASTY = `evil${RLO}gpj.exe${ZWSP}-bucket${LRI}x${PDI}\u200D\uFEFF\u2060`;
const BIDI_OR_INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

/** Every string anywhere in a payload (texts, fields, labels, titles, fallback text), with its path. */
const stringsIn = (value: unknown, at = '$'): { at: string; s: string }[] => {
  if (typeof value === 'string') return [{ at, s: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringsIn(v, `${at}.${k}`));
  return [];
};

/** Strings with a forbidden character, ignoring cloudsec's own zero-width space before `&gt;`. */
const offending = (payload: unknown) =>
  stringsIn(payload).filter(({ s }) => BIDI_OR_INVISIBLE.test(s.replace(/\u200B(?=&gt;)/g, '')));

describe('mrkdwn helpers', () => {
  it.each([
    ['escapeMrkdwn', escapeMrkdwn],
    ['clip', (s: string) => clip(s, 200)],
    ['code', (s: string) => code(s)],
    ['bold', (s: string) => bold(s)],
  ])('when %s gets text with bidi and zero-width characters, then they are removed', (_name, render) => {
    const out = render(NASTY);
    expect(out).not.toMatch(BIDI_OR_INVISIBLE);
    expect(out).toContain('evilgpj.exe-bucketx');
  });

  it('when text holds a soft hyphen, a combining grapheme joiner, tag characters or a vowel separator, then they go too', () => {
    expect(escapeMrkdwn('a\u00adb\u034fc\u{E0041}\u{E007F}d\u180Ee\u3164f')).toBe('abcdef');
  });

  it('when text holds other control characters, then they go too, but newlines and tabs stay', () => {
    expect(escapeMrkdwn('a\u0007b\u001b[31mc\u0085d\ne\tf')).toBe('ab[31mcd\ne\tf');
  });

  it('when data starts with >, then the zero-width space that stops a block quote is still added', () => {
    expect(lineStart(escapeMrkdwn(`${ZWSP}> quoted`))).toBe(`${ZWSP}&gt; quoted`);
  });
});

describe('Block Kit text objects', () => {
  it('when plain_text is made from text with bidi and zero-width characters, then they are removed', () => {
    expect(plain(`Fix ${NASTY}`).text).toBe('Fix evilgpj.exe-bucketx');
  });

  it('when a mrkdwn object gets such characters, then they are removed but the quote guard stays', () => {
    expect(md(`a${RLO}b\n${ZWSP}&gt; c${ZWSP}d`).text).toBe(`ab\n${ZWSP}&gt; cd`);
    expect(section(`x${LRI}y`).text?.text).toBe('xy');
    expect(md(`${ZWSP}${ZWSP}&gt; q`).text).toBe(`${ZWSP}&gt; q`);
  });
});

describe('whole messages', () => {
  const finding = aFinding({
    resource: { type: 'AwsS3Bucket', id: NASTY, arn: `arn:aws:s3:::${NASTY}` },
    title: `S3 bucket ${NASTY} blocks public access`,
    message: `Bucket ${NASTY} is public${RLO} through its policy.`,
    evidence: { [`key${ZWSP}`]: `value${RLO}` },
  });

  it('when a check answer lists a finding whose bucket, title and message carry them, then no Slack text does', () => {
    const payload = renderCheckMessage(aCheckData([finding], { summary: summarize([finding]) }), {
      now: NOW,
      remediationEnabled: true,
      scopeKey: 'scope-1',
    });
    expect(offending(payload)).toEqual([]);
    expect(JSON.stringify(payload)).toContain('evilgpj.exe-bucketx');
  });

  it('when an approval card shows such a finding and a justification with them, then no Slack text does', () => {
    const request = aRequest({
      finding,
      justification: `Looks fine${RLO} to me${ZWSP}${LRI}, approve`,
      requester: { ...REQUESTER, name: `rita${RLO}` },
    });
    const payload = renderApprovalCard(request, { now: NOW, remediation: { ...S3_BLOCK, title: `Block ${NASTY}` } });
    expect(offending(payload)).toEqual([]);
    expect(JSON.stringify(payload)).toContain('Looks fine to me, approve');
  });

  it('when the request modal and the requests list show such a finding, then no Slack text does', () => {
    const modal = renderRequestModal({
      finding,
      remediation: { id: 's3_block_public_access', ...S3_BLOCK },
      plan: { calls: [putPublicAccessBlock], notes: [`note ${NASTY}`] },
      requiredApprovals: 1,
      callbackId: 'remediation.request_submit',
      privateMetadata: JSON.stringify({ findingId: finding.id }),
    });
    expect(offending({ ...modal, private_metadata: '' })).toEqual([]);
    const list = renderRequestsList([aRequest({ finding, justification: NASTY })], { now: NOW, filter: 'all' });
    expect(offending(list)).toEqual([]);
  });

  it('when the App Home lists such a finding for a user whose name carries them, then no Slack text does', () => {
    const view = renderHomeView({
      userName: `Dana${RLO}`,
      summaryByAccount: [
        {
          accountId: '111111111111',
          name: `acme${ZWSP}prod`,
          bySeverity: { critical: 0, high: 1, medium: 0, low: 0, informational: 0 },
          fail: 1,
          pass: 0,
          unknown: 0,
        },
      ],
      topFindings: [finding],
      lastRefreshed: NOW.toISOString(),
      now: NOW,
      remediationEnabled: true,
    });
    expect(offending(view)).toEqual([]);
  });

  it('when a digest lists a new finding whose resource and title carry them, then no Slack text does', () => {
    const item = aDigestItem({ title: `Bucket ${NASTY} is public`, resourceId: NASTY });
    const message = renderDigestBlocks(aDigestReport({ opened: listOf([item]), stillOpen: listOf([item]) }), {});
    expect(offending(message)).toEqual([]);
  });
});
