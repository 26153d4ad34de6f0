import fc from 'fast-check';
import { renderCheckMessage, renderHomeView, type Block, type MessagePayload } from '../../src/core/render/blocks';
import { escapeMrkdwn } from '../../src/core/render/mrkdwn';
import { stripHidden } from '../../src/core/invisible-text';
import { reduceMrkdwn, renderBlocksAsText } from '../../src/slack/console-render';
import { aCheckData, aFinding, NOW } from '../core/render/blocks/builders';

const md = (text: string) => ({ type: 'mrkdwn' as const, text });
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const payload = (...blocks: Block[]): MessagePayload => ({ text: 'fallback', blocks });

describe('reduceMrkdwn', () => {
  it('when text has a labelled link, then the terminal shows the label and the address', () => {
    expect(reduceMrkdwn('see <https://docs.aws.amazon.com/s3|the S3 docs>')).toBe(
      'see the S3 docs (https://docs.aws.amazon.com/s3)',
    );
  });

  it('when text has mentions and special mentions, then they read as @names', () => {
    expect(reduceMrkdwn('<@U123> <@U456|dana> <#C1|general> <!here> <!subteam^S1|@sec>')).toBe(
      '@U123 @dana #general @here @sec',
    );
  });

  it('when text is bold, then the asterisks go; code spans keep their backticks', () => {
    expect(reduceMrkdwn('*3 failing* (1 critical) · `my_bucket`')).toBe('3 failing (1 critical) · `my_bucket`');
  });

  it('when text holds escaped data that looks like markup, then it is shown literally, not as a link', () => {
    expect(reduceMrkdwn(escapeMrkdwn('<https://evil|x> & <!channel>'))).toBe('<https://evil|x> & <!channel>');
  });

  it('when any data is escaped and reduced, then the terminal shows exactly the original text, less hidden characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const plainData = s.replace(/[*:\u200B]/g, '');
        expect(reduceMrkdwn(escapeMrkdwn(plainData))).toBe(stripHidden(plainData));
      }),
    );
  });
});

describe('renderBlocksAsText', () => {
  it('when a header is rendered, then it is underlined to its length', () => {
    expect(renderBlocksAsText(payload({ type: 'header', text: plain('cloudsec check: s3') })).text).toBe(
      'cloudsec check: s3\n==================\n',
    );
  });

  it('when fields are rendered, then they sit in two aligned columns', () => {
    const { text } = renderBlocksAsText(
      payload({
        type: 'section',
        fields: [md('*acme-prod*'), md('3 failing'), md('*sandbox-long-name*'), md('0 failing')],
      }),
    );
    expect(text).toBe('acme-prod            3 failing\nsandbox-long-name    0 failing\n');
  });

  it('when context and dividers are rendered, then they are plain lines', () => {
    const { text } = renderBlocksAsText(
      payload({ type: 'context', elements: [md('Data from 4 min ago'), md('2 accounts')] }, { type: 'divider' }),
    );
    expect(text).toBe(`Data from 4 min ago  2 accounts\n\n${'─'.repeat(40)}\n`);
  });

  it('when buttons appear, then each is numbered in reading order and listed with its action and value', () => {
    const { text, buttons } = renderBlocksAsText(
      payload(
        {
          type: 'section',
          text: md('Finding'),
          accessory: { type: 'button', text: plain('Remediate'), action_id: 'remediation.request', value: 'f_1' },
        },
        {
          type: 'actions',
          elements: [
            { type: 'button', text: plain('Next page'), action_id: 'findings.page', value: '{"s":"k","o":20}' },
            { type: 'button', text: plain('Download all (CSV)'), action_id: 'findings.export' },
          ],
        },
      ),
    );
    expect(text).toBe('Finding\n  [1] Remediate\n\n[2] Next page   [3] Download all (CSV)\n');
    expect(buttons).toEqual([
      { number: 1, actionId: 'remediation.request', value: 'f_1', label: 'Remediate' },
      { number: 2, actionId: 'findings.page', value: '{"s":"k","o":20}', label: 'Next page' },
      { number: 3, actionId: 'findings.export', value: null, label: 'Download all (CSV)' },
    ]);
  });

  it('when a real check answer is rendered, then a user reads the finding and can press its button', () => {
    const f = aFinding({ resource: { type: 'AwsS3Bucket', id: 'a&b<c>', arn: null }, severity: 'critical' });
    const { text, buttons } = renderBlocksAsText(
      renderCheckMessage(aCheckData([f]), { now: NOW, remediationEnabled: true, scopeKey: 'k' }),
    );
    expect(text).toContain('1 failing (1 critical) · 0 passing · 0 unknown');
    expect(text).toContain('🔴 Critical · 1 failing');
    expect(text).toContain('S3 bucket does not block public access · `a&b<c>`\nacme-prod (111111111111) · us-east-1');
    expect(text).not.toContain('S3 bucket blocks public access');
    expect(buttons).toEqual([{ number: 1, actionId: 'remediation.request', value: f.id, label: 'Remediate' }]);
  });

  it('when a Home view is rendered, then it reads like a message', () => {
    const view = renderHomeView({
      summaryByAccount: [],
      topFindings: [],
      lastRefreshed: null,
      now: NOW,
      remediationEnabled: false,
    });
    expect(renderBlocksAsText(view).text).toMatch(/^cloudsec · security posture\n=+\n/);
  });

  it('when a payload has no blocks, then its fallback text is shown', () => {
    expect(renderBlocksAsText({ text: '*Done* &amp; dusted', blocks: [] }).text).toBe('Done & dusted\n');
  });
});
