import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './fixtures/cli';
import { aSnapshot, anAccount, anAuthorizationDetails } from './fixtures/snapshot-builders';
import {
  ADMINISTRATOR_ACCESS,
  administratorAccessPolicy,
  anAccountWithAuthorization,
  anIamRole,
} from './fixtures/iam-builders';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-break-glass-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A snapshot file whose account has two admin roles, one of them a break-glass role. */
const writeSnapshot = (): string => {
  const iam = anAccountWithAuthorization({
    roles: [
      anIamRole({ name: 'BreakGlassAdmin', attachedPolicies: [ADMINISTRATOR_ACCESS] }),
      anIamRole({ name: 'ops-admin', attachedPolicies: [ADMINISTRATOR_ACCESS] }),
    ],
    awsManagedPolicies: [...anAuthorizationDetails().awsManagedPolicies!, administratorAccessPolicy()],
  }).iam;
  const file = path.join(dir, 'snapshot.json');
  fs.writeFileSync(file, JSON.stringify(aSnapshot([anAccount({ iam })])));
  return file;
};

const adminRoles = async (argv: string[]) => {
  const run = await runCli(['check', 'iam', '--snapshot', writeSnapshot(), '--format', 'json', ...argv]);
  expect(run.stderr).toBe('');
  const { findings } = run.json() as { findings: { checkId: string; resource: { id: string }; severity: string }[] };
  return findings
    .filter((f) => f.checkId === 'iam_principal_full_admin' && f.resource.id.startsWith('role/'))
    .map((f) => `${f.resource.id}:${f.severity}`)
    .sort();
};

describe('cloudsec check with break-glass roles configured', () => {
  it('when cloudsec.yml lists a break-glass role, then check --snapshot reports it apart, at low severity', async () => {
    const config = path.join(dir, 'cloudsec.yml');
    fs.writeFileSync(config, 'checks:\n  iam:\n    breakGlassRoles: ["BreakGlass*"]\n');

    expect(await adminRoles(['--config', config])).toEqual(['role/BreakGlassAdmin:low', 'role/ops-admin:high']);
  });

  it('when no configuration lists it, then every admin role is high', async () => {
    const config = path.join(dir, 'cloudsec.yml');
    fs.writeFileSync(config, 'regions: [eu-west-1]\n');

    expect(await adminRoles(['--config', config])).toEqual(['role/BreakGlassAdmin:high', 'role/ops-admin:high']);
  });
});
