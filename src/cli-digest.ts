import type { Command } from 'commander';
import { makeDigestService } from './app/digest';
import { makeSecurityHubFeed } from './aws/securityhub-feed';
import type { CliIo } from './cli';
import { chooseSource, DEFAULT_DB, validRegions, withSourceOptions, type SourceOptions } from './cli-source';
import { loadConfig } from './config';
import { liveSourceConfigured } from './core/detections/settings';
import { readEnv } from './env';
import { CloudsecError } from './errors';
import { demoConfigPath } from './paths';
import { openConfiguredStoreIfPresent } from './store/open-store';
import { openSqliteStore } from './store/sqlite';

/** `cloudsec digest --preview NAME`: a scheduled digest as it would be posted now, posting and storing nothing. */
export const registerDigestCommand = (program: Command, io: CliIo, setExit: (code: number) => void): void => {
  withSourceOptions(
    program
      .command('digest')
      .description('render a scheduled digest as it would be posted now, without posting or storing anything')
      .requiredOption('--preview <name>', 'the digest to preview (a name under `digests:` in cloudsec.yml)'),
  ).action(async (opts: SourceOptions & { preview: string; region?: string[] }) => {
    validRegions(opts.region);
    const env = readEnv(io.env);
    const demo = opts.demo || env.CLOUDSEC_DEMO === '1' || env.CLOUDSEC_DEMO === 'true';
    const config = loadConfig(demo ? demoConfigPath() : (opts.config ?? env.CLOUDSEC_CONFIG)).config;
    const digest = config.digests.find((d) => d.name === opts.preview);
    if (!digest) {
      const names = config.digests.map((d) => d.name);
      throw new CloudsecError(
        'usage',
        `No digest named "${opts.preview}". ${names.length > 0 ? `Digests: ${names.join(', ')}.` : 'Define digests under `digests:` in cloudsec.yml.'}`,
      );
    }
    const source = chooseSource(opts, io);
    // The delta is against the bot's stored state when its database (the configured one, PostgreSQL
    // or SQLite) is there; otherwise, and always in the demo, this is a first run in memory.
    const configured = demo
      ? null
      : await openConfiguredStoreIfPresent(io.env, {
          clock: io.clock,
          auditKey: env.CLOUDSEC_AUDIT_KEY,
          defaultSqlitePath: DEFAULT_DB,
        });
    const store = configured ?? openSqliteStore({ path: ':memory:', clock: io.clock });
    try {
      const nowhere = async (): Promise<never> => {
        throw new CloudsecError('internal', 'a preview posts nothing');
      };
      const service = makeDigestService({
        config,
        store,
        clock: io.clock,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
        source,
        securityHub: source.kind === 'live' ? makeSecurityHubFeed({ config }) : null,
        poster: { post: nowhere, attach: nowhere },
        chart: () => Buffer.alloc(0),
        knownAccounts: async () => (config.accounts ?? []).map((a) => ({ id: a.id, name: a.name })),
        remediationEnabled: config.remediation.enabled,
        owner: 'cli-preview',
        // The demo has the live lane; a deployment has it with a CloudTrail source configured.
        liveLaneOn: demo || liveSourceConfigured(config.detections),
      });
      const outcome = await service.preview(digest);
      if (outcome.kind === 'preview') io.stdout(`${outcome.text.trimEnd()}\n`);
      setExit(0);
    } finally {
      await store.close();
    }
  });
};
