import { Option, type Command } from 'commander';
import { parseQueueUrl } from './aws/events/queue-arn';
import type { CliIo } from './cli';
import { loadConfig } from './config';
import { readEnv } from './env';
import { DETECTIONS } from './core/detections';
import { detectionCatalog, type DetectionCatalog } from './core/detections/catalog';
import type { DetectionDefinition } from './core/detections/define';
import { DEFAULT_TEMPLATE_OPTIONS, renderCloudFormation } from './core/detections/eventbridge-template';
import { buildEventPatterns, patternLength } from './core/detections/pattern';
import { detectionSettingsProblems } from './core/detections/settings-check';
import { terminalLine } from './core/render/plain';
import type { DetectionsConfig } from './core/detections/settings';
import { CloudsecError } from './errors';
import { renderReplayText, replayFile } from './cli-detections-test';

/**
 * `cloudsec detections list [--format text|json] [--config FILE]`: the CloudTrail detections with
 * what cloudsec.yml makes of them (on/off, staged, severity, thresholds, exclusions and reasons).
 *
 * `cloudsec detections test FILE [--format text|json] [--config FILE]`: what a file of records would
 * raise (src/cli-detections-test.ts).
 *
 * `cloudsec detections pattern [--format json|cloudformation] [--config FILE]`: the EventBridge
 * rule patterns forwarding exactly what the enabled detections read, or a CloudFormation template
 * with the queue, its dead-letter queue, the queue policy and the rules.
 *
 * Both read cloudsec.yml's `detections:` and refuse (exit 2) a configuration the bot would
 * misread: invalid YAML or values, a rule id no detection has, counting settings on a rule that
 * does not count.
 */

interface DetectionsOptions {
  config?: string;
}

const settingsFor = (opts: DetectionsOptions, io: CliIo, detections: readonly DetectionDefinition[]) => {
  const env = readEnv(io.env);
  const settings = loadConfig(opts.config ?? env.CLOUDSEC_CONFIG).config.detections;
  const problems = detectionSettingsProblems(detections, settings);
  if (problems.length > 0) throw new CloudsecError('config', `cloudsec.yml ${problems.join('; ')}.`);
  return settings;
};

const table = (rows: string[][]): string => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
};

const stateOf = (d: DetectionCatalog['detections'][number]): string =>
  !d.enabled ? 'off' : d.staged ? 'staged' : 'on';

const eventsText = (d: DetectionCatalog['detections'][number]): string => {
  const names = d.eventNames;
  if (names.includes('*')) return 'any event';
  return names.length <= 2 ? names.join(', ') : `${names.slice(0, 2).join(', ')} +${names.length - 2}`;
};

const exclusionText = (e: Record<string, string>): string => {
  const fields = Object.entries(e)
    .filter(([k]) => k !== 'reason')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return terminalLine(`${fields}: ${e.reason ?? ''}`, 300);
};

export const renderDetectionCatalogText = (catalog: DetectionCatalog): string => {
  const rows = [
    ['ID', 'SEVERITY', 'STATE', 'CIS', 'MITRE', 'UNDO', 'EVENTS', 'TITLE'],
    ...catalog.detections.map((d) => [
      d.id,
      d.severity,
      stateOf(d),
      d.cis ?? '-',
      d.mitre.id,
      d.remediation ?? '-',
      eventsText(d),
      d.title,
    ]),
  ];
  const on = catalog.detections.filter((d) => d.enabled).length;
  const lines = [
    table(rows),
    '',
    `${catalog.detections.length} detections, ${on} on, ${catalog.detections.length - on} off`,
  ];
  const counting = catalog.detections.filter((d) => d.enabled && d.counting);
  if (counting.length > 0) {
    lines.push('', 'Counting rules (alert at THRESHOLD matches of one key within WINDOW):');
    for (const d of counting) lines.push(`  ${d.id}: ${d.counting!.threshold} in ${d.counting!.windowMinutes} min`);
  }
  const excluded = catalog.detections.filter((d) => d.exclude.length > 0);
  if (catalog.exclude.length > 0 || excluded.length > 0) {
    lines.push('', 'Exclusions:');
    for (const e of catalog.exclude) lines.push(`  every detection: ${exclusionText(e)}`);
    for (const d of excluded) for (const e of d.exclude) lines.push(`  ${d.id}: ${exclusionText(e)}`);
  }
  return `${lines.join('\n')}\n`;
};

const templateOptionsOf = (settings: DetectionsConfig) => {
  const sqs = settings.sources.sqs;
  if (!sqs) return DEFAULT_TEMPLATE_OPTIONS;
  const queue = parseQueueUrl(sqs.queueUrl);
  return {
    // A FIFO queue cannot be an EventBridge-fed standard queue of this template: keep the default name then.
    queueName: queue && !queue.name.endsWith('.fifo') ? queue.name : DEFAULT_TEMPLATE_OPTIONS.queueName,
    maxReceiveCount: sqs.maxReceives,
    visibilityTimeoutSeconds: sqs.visibilityTimeoutSeconds,
  };
};

export const registerDetectionsCommand = (
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  detections: readonly DetectionDefinition[] = DETECTIONS,
): void => {
  const group = program
    .command('detections')
    .description('the CloudTrail detections of the live lane (list them, print the EventBridge pattern)');

  group
    .command('list')
    .description('list the detections with what cloudsec.yml makes of them')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--config <file>', 'configuration file (default ./cloudsec.yml, or CLOUDSEC_CONFIG)')
    .action((opts: DetectionsOptions & { format: 'text' | 'json' }) => {
      const catalog = detectionCatalog(detections, settingsFor(opts, io, detections));
      io.stdout(opts.format === 'json' ? `${JSON.stringify(catalog, null, 2)}\n` : renderDetectionCatalogText(catalog));
      setExit(0);
    });

  group
    .command('test')
    .description(
      'run a file of CloudTrail records (a CloudTrail log file, a JSON array or JSON lines) through the detections and say what each would raise',
    )
    .argument('<file>', 'the records: CloudTrail records, EventBridge events or SNS notifications')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--config <file>', 'configuration file (default ./cloudsec.yml, or CLOUDSEC_CONFIG)')
    .action((file: string, opts: DetectionsOptions & { format: 'text' | 'json' }) => {
      const lines = replayFile(file, detections, settingsFor(opts, io, detections), io.clock());
      io.stdout(opts.format === 'json' ? `${JSON.stringify(lines, null, 2)}\n` : renderReplayText(lines));
      setExit(0);
    });

  group
    .command('pattern')
    .description('print the EventBridge rule pattern(s) for the enabled detections, or a CloudFormation template')
    .addOption(
      new Option(
        '--format <format>',
        'json (the rules and their patterns) or cloudformation (queue, dead-letter queue, queue policy and rules, YAML)',
      )
        .choices(['json', 'cloudformation'])
        .default('json'),
    )
    .option('--config <file>', 'configuration file (default ./cloudsec.yml, or CLOUDSEC_CONFIG)')
    .action((opts: DetectionsOptions & { format: 'json' | 'cloudformation' }) => {
      const settings = settingsFor(opts, io, detections);
      const plan = buildEventPatterns(detections, settings);
      if (plan.rules.length === 0) {
        throw new CloudsecError('config', 'Every detection is disabled in cloudsec.yml: there is nothing to forward.');
      }
      for (const warning of plan.warnings) io.stderr(`cloudsec: ${warning}\n`);
      if (opts.format === 'cloudformation') {
        io.stdout(renderCloudFormation(plan.rules, templateOptionsOf(settings)));
      } else {
        const rules = plan.rules.map((r) => ({
          name: r.logicalId,
          description: r.description,
          detections: r.detectionIds,
          patternLength: patternLength(r.pattern),
          pattern: r.pattern,
        }));
        io.stdout(`${JSON.stringify(rules, null, 2)}\n`);
      }
      setExit(0);
    });
};
