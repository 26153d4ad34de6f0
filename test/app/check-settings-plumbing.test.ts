import { parseConfig } from '../../src/config';
import { composeApp, noGroups, noWriteExecutor } from '../../src/compose';
import { observeScope } from '../../src/app/digest/observe';
import type { DigestDeps } from '../../src/app/digest/ports';
import type { SnapshotSource } from '../../src/app/snapshot-source';
import type { Finding } from '../../src/core/model';
import { openSqliteStore } from '../../src/store/sqlite';
import { DigestConfigSchema } from '../../src/digest-config';
import { NOW, aSnapshot, anAccount, anAuthorizationDetails } from '../fixtures/snapshot-builders';
import {
  ADMINISTRATOR_ACCESS,
  administratorAccessPolicy,
  anAccountWithAuthorization,
  anIamRole,
} from '../fixtures/iam-builders';

/** One account whose BreakGlassAdmin role holds AdministratorAccess. */
const source: SnapshotSource = {
  kind: 'recorded',
  load: async () =>
    aSnapshot([
      anAccount({
        iam: anAccountWithAuthorization({
          roles: [anIamRole({ name: 'BreakGlassAdmin', attachedPolicies: [ADMINISTRATOR_ACCESS] })],
          awsManagedPolicies: [...anAuthorizationDetails().awsManagedPolicies!, administratorAccessPolicy()],
        }).iam,
      }),
    ]),
};

const configWith = (breakGlass: string[]) =>
  parseConfig(`checks:\n  iam:\n    breakGlassRoles: ${JSON.stringify(breakGlass)}\n`, 'cloudsec.yml');

const breakGlassSeverity = (findings: readonly Finding[]) =>
  findings.find((f) => f.checkId === 'iam_principal_full_admin' && f.resource.id === 'role/BreakGlassAdmin')?.severity;

describe('cloudsec.yml checks: reaches every place checks are judged', () => {
  it('when Slack or the console scan through the composed app, then the break-glass list applies', async () => {
    const judged = async (breakGlass: string[]) => {
      const store = openSqliteStore({ path: ':memory:', clock: () => NOW });
      const { deps } = composeApp({
        config: configWith(breakGlass),
        store,
        source,
        groups: noGroups,
        clock: () => NOW,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
        metrics: { commandCompleted: () => undefined },
        executor: noWriteExecutor,
        dryRun: true,
        messenger: { post: async () => ({ channel: 'C1', ts: '1' }) } as never,
      });
      const outcome = await deps.scans.run({ service: 'iam' });
      store.close?.();
      return breakGlassSeverity(outcome.findings);
    };

    expect(await judged(['BreakGlass*'])).toBe('low');
    expect(await judged([])).toBe('high');
  });

  it('when a digest observes its scope, then the break-glass list applies too', async () => {
    const digest = DigestConfigSchema.parse({ name: 'daily', channel: 'C0SEC', schedule: '0 9 * * *' });
    const observed = async (breakGlass: string[]) => {
      const deps = {
        config: configWith(breakGlass),
        source,
        securityHub: null,
        store: null,
        clock: () => NOW,
      } as unknown as DigestDeps;
      const observation = await observeScope(deps, digest, () => true, null, NOW);
      return breakGlassSeverity(observation.findings);
    };

    expect(await observed(['breakglassadmin'])).toBe('low');
    expect(await observed([])).toBe('high');
  });
});
