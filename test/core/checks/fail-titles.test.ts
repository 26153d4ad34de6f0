import { CHECKS } from '../../../src/core/checks';

describe('the catalog: failing titles', () => {
  it.each(CHECKS.map((c) => [c.id, c] as const))(
    'when %s fails, then it has a title of its own for that (non-empty, one line, not its desired-state title)',
    (_, check) => {
      expect(check.failTitle.trim()).not.toBe('');
      expect(check.failTitle).not.toMatch(/[\r\n]/);
      expect(check.failTitle.trim()).not.toBe(check.title.trim());
      // The heading is bold in Slack and bounded at 120 characters there.
      expect(check.failTitle.length).toBeLessThanOrEqual(120);
    },
  );

  it('when two checks fail, then their failing titles tell them apart', () => {
    const titles = CHECKS.map((c) => c.failTitle);
    expect(new Set(titles).size).toBe(titles.length);
  });
});
