import { PageActionValueSchema, renderCheckMessage } from '../../../../src/core/render/blocks';
import { MESSAGE_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import { aCheckData, aFinding, aPass, anUnknown, buttons, minutesBefore, NOW, visibleText } from './builders';
import { PUBLIC_BUCKET, PUBLIC_SENTENCE, TITLES, expectProblemHeading } from '../../../fixtures/failing-titles';

const options = { now: NOW, remediationEnabled: true, scopeKey: 'scope-1' };

const manyFailing = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    aFinding({
      severity: i % 3 === 0 ? 'critical' : 'medium',
      resource: { type: 'AwsS3Bucket', id: `bucket-${i}`, arn: null },
    }),
  );

describe('renderCheckMessage', () => {
  it('when findings fail, then the headline counts them by severity next to passing and unknown', () => {
    const data = aCheckData([
      aFinding({ severity: 'critical' }),
      aFinding({ severity: 'high' }),
      aFinding({ severity: 'high' }),
      aPass(),
      anUnknown('s3:GetBucketPolicy'),
    ]);
    const text = visibleText(renderCheckMessage(data, options).blocks);
    expect(text).toContain('*3 failing* (1 critical · 2 high) · 1 passing · 1 unknown');
    expect(text).toContain('cloudsec check: s3');
  });

  it('when the data was collected 4 minutes before now, then the message says so', () => {
    const text = visibleText(renderCheckMessage(aCheckData([aPass()]), options).blocks);
    expect(text).toContain('Data from 4 min ago (collected 2026-11-01 11:56 UTC) · 1 account');
  });

  it.each([
    [0, 'just now'],
    [59, '59 min ago'],
    [180, '3 h ago'],
    [60 * 72, '3 days ago'],
  ])('when the data is %i minutes old, then its age reads "%s"', (minutes, age) => {
    const data = aCheckData([aPass()], { generatedAt: minutesBefore(minutes) });
    expect(visibleText(renderCheckMessage(data, options).blocks)).toContain(`Data from ${age}`);
  });

  it('when the data is the demo estate, then the message says it is not real; otherwise it does not', () => {
    expect(visibleText(renderCheckMessage(aCheckData([aPass()], { demo: true }), options).blocks)).toContain(
      'Demo data',
    );
    expect(renderCheckMessage(aCheckData([aPass()], { demo: true }), options).text).toMatch(/^\[DEMO DATA\]/);
    expect(visibleText(renderCheckMessage(aCheckData([aPass()]), options).blocks)).not.toContain('Demo data');
  });

  it('when findings fail, then each leads with what is wrong and the resource, then account, region and its sentence, under its severity', () => {
    const data = aCheckData([
      aFinding({ severity: 'high', title: 'High thing', message: 'High sentence.' }),
      aFinding({
        severity: 'critical',
        title: 'Critical thing',
        resource: { type: 'AwsEc2SecurityGroup', id: 'sg-0abc', arn: null },
        region: 'eu-west-1',
        message: 'Opens all ports.',
      }),
    ]);
    const text = visibleText(renderCheckMessage(data, options).blocks);
    expect(text).toContain('*Critical thing* · `sg-0abc`\nacme-prod (111111111111) · eu-west-1\nOpens all ports.');
    expect(text.indexOf('*Critical* · 1 failing')).toBeLessThan(text.indexOf('*High* · 1 failing'));
    expect(text.indexOf('Critical thing')).toBeLessThan(text.indexOf('High thing'));
  });

  it.each(Object.entries(TITLES))(
    'when a public bucket fails (%s title), then it is headed by what is wrong with the bucket, never by the desired state',
    (_, titles) => {
      const data = aCheckData([
        aFinding({
          ...titles,
          resource: { type: 'AwsS3Bucket', id: PUBLIC_BUCKET, arn: null },
          message: PUBLIC_SENTENCE,
        }),
      ]);
      expectProblemHeading(visibleText(renderCheckMessage(data, options).blocks));
    },
  );

  it('when remediation is enabled, then only findings with a remediation get a Remediate button carrying their id', () => {
    const fixable = aFinding();
    const manual = aFinding({ remediationId: null });
    const payload = renderCheckMessage(aCheckData([fixable, manual]), options);
    expect(buttons(payload.blocks)).toEqual([
      {
        type: 'button',
        text: expect.objectContaining({ text: 'Remediate' }),
        action_id: 'remediation.request',
        value: fixable.id,
      },
    ]);
  });

  it('when remediation is disabled, then no finding has a button', () => {
    const payload = renderCheckMessage(aCheckData([aFinding(), aFinding()]), { ...options, remediationEnabled: false });
    expect(buttons(payload.blocks)).toEqual([]);
  });

  it('when checks could not run, then the message names the permissions to grant with exact counts', () => {
    const data = aCheckData([
      anUnknown('s3:GetBucketPolicy'),
      anUnknown('s3:GetBucketPolicy', { accountId: '222222222222' }),
      anUnknown('iam:GenerateCredentialReport'),
      anUnknown(null, { message: 'Could not check: trail main delivers to a bucket in another account.' }),
    ]);
    const text = visibleText(renderCheckMessage(data, options).blocks);
    expect(text).toContain('*4 could not be checked.*');
    expect(text).toContain('Missing permissions: grant them to the role cloudsec uses');
    expect(text).toContain('• `s3:GetBucketPolicy`: 2 checks (acme-prod (111111111111), 222222222222)');
    expect(text).toContain('• `iam:GenerateCredentialReport`: 1 check (acme-prod (111111111111))');
    expect(text).toContain(
      '• Other reasons: 1 check:\n    ◦ Could not check: trail main delivers to a bucket in another account.',
    );
  });

  it('when checks could not run for reasons no permission fixes, then nobody is told to grant one, and each cause says its next step', () => {
    const failed = (errorKind: string, n: number) =>
      Array.from({ length: n }, () =>
        anUnknown(null, { evidence: { errorKind, errorCode: 'X', operation: 'GetBucketPolicy' } }),
      );
    const data = aCheckData([
      ...failed('throttled', 2),
      ...failed('unreachable', 1),
      ...failed('region-unavailable', 1),
      ...failed('unsupported', 1),
      ...failed('malformed', 1),
      ...failed('other', 1),
    ]);
    const text = visibleText(renderCheckMessage(data, options).blocks);
    expect(text).toContain('*7 could not be checked.*');
    expect(text).not.toMatch(/grant/i);
    expect(text).toContain('• AWS throttled the calls: 2 checks. Next: run the check again later.');
    expect(text).toContain(
      '• AWS could not be reached (network, DNS, timeout): 1 check. Next: check network access to AWS',
    );
    expect(text).toContain('• Region not enabled for the account: 1 check. Next: enable it');
    expect(text).toContain('• Not offered in that region: 1 check.');
    expect(text).toContain("• AWS's answer could not be read: 1 check.");
    expect(text).toContain('• AWS calls failed: 1 check.');
  });

  it('when a stored unknown finding predates the error kinds (a permission named for every failure), then it is still counted under its permission', () => {
    const text = visibleText(
      renderCheckMessage(
        aCheckData([
          anUnknown('s3:GetBucketPolicy', {
            evidence: { missingPermission: 's3:GetBucketPolicy', errorCode: 'SlowDown' },
          }),
        ]),
        options,
      ).blocks,
    );
    expect(text).toContain('• `s3:GetBucketPolicy`: 1 check');
  });

  it('when everything passes, then it says so and offers no paging', () => {
    const payload = renderCheckMessage(aCheckData([aPass(), aPass()]), options);
    const text = visibleText(payload.blocks);
    expect(text).toContain('*Nothing failing* · 2 passing · 0 unknown');
    expect(text).toContain('All 2 checks pass.');
    expect(buttons(payload.blocks)).toEqual([]);
  });

  it('when 172 findings fail, then the first page says how many more there are and offers the rest', () => {
    const payload = renderCheckMessage(aCheckData(manyFailing(172)), options);
    const shown = buttons(payload.blocks).filter((b) => b.action_id === 'remediation.request').length;
    const text = visibleText(payload.blocks);
    expect(shown).toBeGreaterThan(5);
    expect(text).toContain(`…and ${172 - shown} more failing findings. Showing 1–${shown} of 172.`);
    const next = buttons(payload.blocks).find((b) => b.action_id === 'findings.page');
    expect(PageActionValueSchema.parse(JSON.parse(next!.value!))).toEqual({ s: 'scope-1', o: shown });
    expect(buttons(payload.blocks).find((b) => b.action_id === 'findings.export')?.value).toBe('{"s":"scope-1"}');
    expect(limitViolations(payload, MESSAGE_BUDGET)).toEqual([]);
  });

  it('when a page size is given, then no more than that many findings are shown', () => {
    const payload = renderCheckMessage(aCheckData(manyFailing(30)), { ...options, page: { offset: 0, pageSize: 4 } });
    expect(buttons(payload.blocks).filter((b) => b.action_id === 'remediation.request')).toHaveLength(4);
    expect(visibleText(payload.blocks)).toContain('…and 26 more failing findings. Showing 1–4 of 30.');
  });

  it('when the last page is shown, then there is no Next page but the download stays', () => {
    const payload = renderCheckMessage(aCheckData(manyFailing(10)), { ...options, page: { offset: 8, pageSize: 5 } });
    expect(visibleText(payload.blocks)).toContain('Showing 9–10 of 10.');
    expect(buttons(payload.blocks).map((b) => b.action_id)).toEqual([
      'remediation.request',
      'remediation.request',
      'findings.export',
    ]);
  });

  it('when a page starts mid-severity, then the heading says how many of that severity are on this page', () => {
    const payload = renderCheckMessage(aCheckData(manyFailing(9)), { ...options, page: { offset: 1, pageSize: 2 } });
    expect(visibleText(payload.blocks)).toContain('*Critical* · 3 failing · 2 on this page');
  });

  it('when the offset is past the end (a stale button), then it says nothing is left and how many there are', () => {
    const payload = renderCheckMessage(aCheckData(manyFailing(3)), { ...options, page: { offset: 50, pageSize: 5 } });
    expect(visibleText(payload.blocks)).toContain(
      'Nothing left to show from position 4: there are 3 failing findings in all.',
    );
  });

  it('when names carry Slack markup, then they are shown escaped and cannot mention or link', () => {
    const data = aCheckData(
      [
        aFinding({
          resource: { type: 'AwsS3Bucket', id: '<!channel>', arn: null },
          title: '<@U123> & co',
          message: 'see <https://evil.example|your bank>',
        }),
      ],
      { accounts: [{ id: '111111111111', name: '<!here>' }] },
    );
    const text = visibleText(renderCheckMessage(data, options).blocks);
    expect(text).toContain('*&lt;@U123&gt; &amp; co* · `&lt;!channel&gt;`\n&lt;!here&gt; (111111111111)');
    expect(text).toContain('see &lt;https://evil.example|your bank&gt;');
    expect(text).not.toMatch(/[<>]/);
  });

  it('when an account could not be entered, then the message says which and why', () => {
    const data = aCheckData([aPass()], {
      accounts: [{ id: '333333333333', name: 'sandbox', reachable: false, error: 'AccessDenied: not authorized' }],
    });
    expect(visibleText(renderCheckMessage(data, options).blocks)).toContain(
      'Account `333333333333` (sandbox) could not be entered: AccessDenied: not authorized',
    );
  });

  it('when the fallback text is built, then it carries the counts and no resource names', () => {
    const payload = renderCheckMessage(
      aCheckData([aFinding({ severity: 'critical', resource: { type: 't', id: 'secret-bucket', arn: null } })]),
      options,
    );
    expect(payload.text).toBe(
      'cloudsec check (s3): 1 failing (1 critical), 0 passing, 0 unknown; data from 4 min ago.',
    );
  });

  it('when the scope key cannot fit in a button value, then rendering refuses rather than cut it', () => {
    expect(() => renderCheckMessage(aCheckData([]), { ...options, scopeKey: 'k'.repeat(2000) })).toThrow(RangeError);
  });
});
