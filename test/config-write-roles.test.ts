import { parseConfig } from '../src/config';
import { CloudsecError } from '../src/errors';

/** The fix role and the optional undo role in cloudsec.yml. */

const messageOf = (yaml: string): string => {
  try {
    parseConfig(yaml, 'cloudsec.yml');
  } catch (err) {
    if (err instanceof CloudsecError) return err.message;
    throw err;
  }
  throw new Error('expected the configuration to be refused');
};

const account = (lines: string[]) =>
  ['accounts:', '  - id: "123456789012"', '    name: prod', ...lines.map((l) => `    ${l}`)].join('\n');

describe('parseConfig: write and undo roles', () => {
  it('when an account names a write role and an undo role, then both are kept', () => {
    const config = parseConfig(
      account([
        'writeRoleArn: arn:aws:iam::123456789012:role/cloudsec-write',
        'undoRoleArn: arn:aws:iam::123456789012:role/cloudsec-undo',
      ]),
      'cloudsec.yml',
    );
    expect(config.accounts![0]).toMatchObject({
      writeRoleArn: 'arn:aws:iam::123456789012:role/cloudsec-write',
      undoRoleArn: 'arn:aws:iam::123456789012:role/cloudsec-undo',
    });
  });

  it('when the organization names a write role and an undo role, then both are kept', () => {
    const config = parseConfig(
      'organization:\n  roleName: cloudsec-read\n  writeRoleName: cloudsec-write\n  undoRoleName: cloudsec-undo',
      'cloudsec.yml',
    );
    expect(config.organization).toEqual({
      roleName: 'cloudsec-read',
      writeRoleName: 'cloudsec-write',
      undoRoleName: 'cloudsec-undo',
    });
  });

  it.each([
    [
      'an undo role in another account',
      account(['undoRoleArn: arn:aws:iam::999999999999:role/cloudsec-undo']),
      'accounts[0].undoRoleArn: undoRoleArn must be a role in the same account as id',
    ],
    [
      'a write role in another account',
      account(['writeRoleArn: arn:aws:iam::999999999999:role/cloudsec-write']),
      'accounts[0].writeRoleArn: writeRoleArn must be a role in the same account as id',
    ],
    [
      'the same role for fixes and undos',
      account([
        'writeRoleArn: arn:aws:iam::123456789012:role/cloudsec-write',
        'undoRoleArn: arn:aws:iam::123456789012:role/cloudsec-write',
      ]),
      'accounts[0].undoRoleArn: must be a different role from writeRoleArn',
    ],
    [
      'an undo role that is not an ARN',
      account(['undoRoleArn: cloudsec-undo']),
      'accounts[0].undoRoleArn: expected an IAM role ARN',
    ],
    [
      'the same organization role for fixes and undos',
      'organization:\n  roleName: cloudsec-read\n  writeRoleName: cloudsec-write\n  undoRoleName: cloudsec-write',
      'organization.undoRoleName: must be a different role from writeRoleName',
    ],
    [
      'an organization undo role name that IAM would refuse',
      'organization:\n  roleName: cloudsec-read\n  undoRoleName: "cloudsec undo"',
      'organization.undoRoleName: expected an IAM role name',
    ],
  ])('when a config has %s, then it is refused at that path', (_what, yaml, expected) => {
    expect(messageOf(yaml)).toContain(expected);
  });
});
