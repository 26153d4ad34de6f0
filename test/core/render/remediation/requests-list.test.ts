import { renderRequestsList } from '../../../../src/core/render/blocks/remediation';
import { MESSAGE_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import type { RemediationRequest } from '../../../../src/core/remediations/request';
import { aFinding, visibleText } from '../blocks/builders';
import { NOW, aRequest, minutesBefore } from './builders';

const idOf = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const list = (requests: RemediationRequest[], filter: 'pending' | 'mine' | 'all' = 'all', total?: number) => {
  const payload = renderRequestsList(requests, { now: NOW, filter, ...(total !== undefined ? { total } : {}) });
  expect(limitViolations(payload, MESSAGE_BUDGET)).toEqual([]);
  return { text: visibleText(payload.blocks), fallback: payload.text };
};

describe('renderRequestsList', () => {
  it('when there are requests, then they are listed newest first with status, finding, requester and age', () => {
    const older = aRequest({ id: idOf(1), createdAt: minutesBefore(120), status: 'denied' });
    const newer = aRequest({
      id: idOf(2),
      createdAt: minutesBefore(3),
      finding: aFinding({ title: 'Trail is logging', resource: { type: 'AwsCloudTrailTrail', id: 'main', arn: null } }),
    });
    const { text, fallback } = list([older, newer]);
    expect(text.indexOf(idOf(2))).toBeLessThan(text.indexOf(idOf(1)));
    expect(text).toContain(
      ':hourglass_flowing_sand: *Waiting for approval* · 0 of 1 approval · *Trail is logging*\n' +
        '`main` · account `111111111111` · `us-east-1`\n' +
        `Requested by <@U0REQUEST> 3 min ago · \`s3_block_public_access\` · \`${idOf(2)}\``,
    );
    expect(text).toContain(':no_entry: *Denied* · *S3 bucket does not block public access*');
    expect(text).toContain('Requested by <@U0REQUEST> 2 h ago');
    expect(text).toContain('2 requests · 1 waiting for approval · 1 denied · newest first');
    expect(fallback).toBe('Remediation requests: 2 requests.');
  });

  it('when nothing matches, then each filter says so in its own words', () => {
    expect(list([], 'pending').text).toContain('No request is waiting for approval.');
    expect(list([], 'mine').text).toContain('You have not asked for any remediation yet.');
    expect(list([], 'all').text).toContain('No remediation has been requested yet.');
    expect(list([], 'mine').text).toContain('Your remediation requests');
  });

  it('when the caller fetched only the newest, then the list says how many exist in all', () => {
    const requests = [1, 2, 3].map((n) => aRequest({ id: idOf(n), createdAt: minutesBefore(n) }));
    const { text } = list(requests, 'pending', 40);
    expect(text).toContain('40 requests · newest first');
    expect(text).toContain('Showing the newest 3 of 40; 37 older requests are not shown.');
  });

  it('when more requests exist than fit, then shown plus not shown equals the total', () => {
    const requests = Array.from({ length: 120 }, (_, n) => aRequest({ id: idOf(n), createdAt: minutesBefore(n) }));
    const { text } = list(requests);
    const shown = (text.match(/^Requested by /gm) ?? []).length;
    const match = /Showing the newest (\d+) of 120; (\d+) older requests are not shown\./.exec(text);
    expect(Number(match?.[1])).toBe(shown);
    expect(shown + Number(match?.[2])).toBe(120);
    expect(text).toContain(`\`${idOf(0)}\``);
  });
});
