import { renderFindingsMessage } from '../../../../src/core/render/blocks';
import { aFinding, buttons, minutesBefore, NOW, visibleText } from './builders';

const options = { now: NOW, remediationEnabled: false, scopeKey: 'hub-1' };
const hubFinding = (title: string, minutesOld: number, over = {}) =>
  aFinding({ source: 'securityhub', title, observedAt: minutesBefore(minutesOld), ...over });

describe('renderFindingsMessage', () => {
  it('when Security Hub findings arrive in any order, then they are listed newest first', () => {
    const data = { findings: [hubFinding('Old', 600), hubFinding('Newest', 1), hubFinding('Middle', 30)] };
    const text = visibleText(renderFindingsMessage(data, options).blocks);
    expect(text.indexOf('Newest')).toBeLessThan(text.indexOf('Middle'));
    expect(text.indexOf('Middle')).toBeLessThan(text.indexOf('Old'));
    expect(text).toContain('updated 10 h ago');
  });

  it('when findings are listed, then each carries its severity and the headline counts them', () => {
    const data = {
      findings: [hubFinding('A', 5, { severity: 'critical' }), hubFinding('B', 6, { severity: 'low' })],
      filter: { accountId: '111111111111' },
    };
    const payload = renderFindingsMessage(data, options);
    const text = visibleText(payload.blocks);
    expect(text).toContain('*2 Security Hub findings* (account `111111111111`): 1 critical · 1 low');
    expect(text).toContain(':red_circle: Critical · *A*');
    expect(payload.text).toBe('Security Hub (account 111111111111): 2 findings (1 critical, 1 low).');
  });

  it('when a Security Hub control fails, then the finding is led by the failed control, not by what resources should do', () => {
    const data = {
      findings: [
        hubFinding('S3 general purpose buckets should block public access', 5, {
          checkId: 'securityhub:S3.8',
          resource: { type: 'AwsS3Bucket', id: 'arn:aws:s3:::public-assets', arn: 'arn:aws:s3:::public-assets' },
        }),
      ],
    };
    const text = visibleText(renderFindingsMessage(data, options).blocks);
    expect(text).toContain(
      '*Fails S3.8: S3 general purpose buckets should block public access* · `arn:aws:s3:::public-assets`',
    );
  });

  it('when there are none, then it says so plainly', () => {
    const payload = renderFindingsMessage({ findings: [], filter: { severity: 'critical' } }, options);
    expect(visibleText(payload.blocks)).toContain('*No Security Hub findings* (severity critical).');
    expect(buttons(payload.blocks)).toEqual([]);
  });

  it('when more findings exist than fit, then the rest are counted and reachable', () => {
    const findings = Array.from({ length: 120 }, (_, i) => hubFinding(`F${i}`, i));
    const payload = renderFindingsMessage({ findings }, { ...options, page: { offset: 0, pageSize: 10 } });
    expect(visibleText(payload.blocks)).toContain('…and 110 more findings. Showing 1–10 of 120.');
    expect(buttons(payload.blocks).map((b) => b.action_id)).toEqual(['findings.page', 'findings.export']);
  });
});
