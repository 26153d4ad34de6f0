import { renderErrorMessage, renderHelpMessage, renderScanningMessage } from '../../../../src/core/render/blocks';
import { SERVICES } from '../../../../src/core/model';
import { MESSAGE_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import { visibleText } from './builders';

describe('renderScanningMessage', () => {
  it('when a scan starts, then the message says what is being scanned', () => {
    const payload = renderScanningMessage({ services: ['s3'] });
    expect(visibleText(payload.blocks)).toContain('*Scanning s3…*');
    expect(payload.text).toBe('Scanning s3…');
  });

  it('when accounts finish, then the update shows how many of how many', () => {
    const payload = renderScanningMessage({
      services: [...SERVICES],
      accounts: { done: 2, total: 5 },
    });
    const text = visibleText(payload.blocks);
    expect(text).toContain('Scanning all services…');
    expect(text).toContain('▓▓▓▓▓▓▓▓░░░░░░░░░░░░  2 of 5 accounts scanned');
    expect(payload.text).toBe('Scanning all services… 2 of 5 accounts scanned.');
  });
});

describe('renderErrorMessage', () => {
  it('when an error has a suggestion, then both are shown, the user text escaped', () => {
    const payload = renderErrorMessage({
      title: 'Unknown subcommand',
      message: '"chek <all>" is not a cloudsec command.',
      suggestion: 'Did you mean /cloudsec check all?',
    });
    const text = visibleText(payload.blocks);
    expect(text).toContain(':warning: *Unknown subcommand*\n"chek &lt;all&gt;" is not a cloudsec command.');
    expect(text).toContain(':bulb: Did you mean /cloudsec check all?');
    expect(payload.text).toBe('Unknown subcommand: "chek &lt;all&gt;" is not a cloudsec command.');
  });

  it('when there is no suggestion, then there is no suggestion line', () => {
    const payload = renderErrorMessage({ title: 'Oops', message: 'Failed.' });
    expect(payload.blocks).toHaveLength(1);
  });
});

describe('renderHelpMessage', () => {
  const commands = [
    { usage: '/cloudsec check <service|all> [account]', description: 'Run the checks.', allowed: true },
    { usage: '/cloudsec findings [critical|high]', description: 'Security Hub findings.', allowed: true },
    { usage: '/cloudsec approve <id>', description: 'Approve a remediation.', allowed: false },
  ];

  it('when the user may run some commands, then those are listed with usage and description', () => {
    const text = visibleText(renderHelpMessage({ commands }).blocks);
    expect(text).toContain('`/cloudsec check &lt;service|all&gt; [account]`\nRun the checks.');
    expect(text).toContain('`/cloudsec findings [critical|high]`\nSecurity Hub findings.');
  });

  it('when a command needs another role, then it is listed apart as locked', () => {
    const text = visibleText(renderHelpMessage({ commands }).blocks);
    expect(text).toContain(':lock: Needs a role you do not have: `/cloudsec approve &lt;id&gt;`');
    expect(text.indexOf('Needs a role')).toBeGreaterThan(text.indexOf('Security Hub findings.'));
  });

  it('when there are more commands than fit, then the message stays within limits and counts the rest', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({
      usage: `/cloudsec cmd${i} ${'x'.repeat(150)}`,
      description: 'd'.repeat(290),
      allowed: true,
    }));
    const payload = renderHelpMessage({ commands: many });
    expect(limitViolations(payload, MESSAGE_BUDGET)).toEqual([]);
    expect(visibleText(payload.blocks)).toMatch(/…and \d+ more commands\./);
  });
});
