import { parseConfig } from '../src/config';
import { CloudsecError } from '../src/errors';

/** The message parseConfig throws for `yaml`, or a failure when it does not throw. */
const errorFor = (yaml: string): string => {
  try {
    parseConfig(yaml, 'cloudsec.yml');
  } catch (err) {
    if (err instanceof CloudsecError) return err.message;
    throw err;
  }
  throw new Error('expected the configuration to be rejected');
};

describe('cloudsec.yml checks: section', () => {
  it('when the section is absent, then no role is break-glass (nothing is exempted)', () => {
    expect(parseConfig('regions: [eu-west-1]\n', 'cloudsec.yml').checks).toEqual({ iam: { breakGlassRoles: [] } });
    expect(parseConfig('checks: {}\n', 'cloudsec.yml').checks).toEqual({ iam: { breakGlassRoles: [] } });
  });

  it('when break-glass roles are listed by name and pattern, then they are kept as written', () => {
    const config = parseConfig(
      ['checks:', '  iam:', '    breakGlassRoles:', '      - BreakGlassAdmin', '      - "emergency-*"'].join('\n'),
      'cloudsec.yml',
    );

    expect(config.checks.iam.breakGlassRoles).toEqual(['BreakGlassAdmin', 'emergency-*']);
  });

  it('when an entry is not a role name, then the error names its exact path', () => {
    const message = errorFor(
      ['checks:', '  iam:', '    breakGlassRoles:', '      - BreakGlassAdmin', '      - "role/with slash"'].join('\n'),
    );

    expect(message).toContain('cloudsec.yml: checks.iam.breakGlassRoles[1]: expected an IAM role name or pattern');
  });

  it('when an entry is "*" alone, then it is refused: it would hide every admin role', () => {
    expect(errorFor('checks:\n  iam:\n    breakGlassRoles: ["*"]\n')).toContain(
      'checks.iam.breakGlassRoles[0]: a pattern of "*" alone would match every role',
    );
  });

  it('when an entry is a number, then the error says a role name was expected', () => {
    expect(errorFor('checks:\n  iam:\n    breakGlassRoles: [42]\n')).toContain(
      'checks.iam.breakGlassRoles[0]: expected an IAM role name or pattern such as BreakGlassAdmin',
    );
  });

  it('when breakGlassRoles is one string rather than a list, then the error names the field', () => {
    expect(errorFor('checks:\n  iam:\n    breakGlassRoles: BreakGlassAdmin\n')).toMatch(
      /checks\.iam\.breakGlassRoles: expected a list of IAM role names or patterns/,
    );
  });

  it('when a key is misspelt, then it is refused rather than silently ignored', () => {
    expect(errorFor('checks:\n  iam:\n    breakglassRoles: [BreakGlassAdmin]\n')).toMatch(
      /checks\.iam: .*breakglassRoles/,
    );
    expect(errorFor('checks:\n  s3: {}\n')).toMatch(/checks: .*s3/);
  });
});
