import { execFileSync } from 'node:child_process';
import path from 'node:path';

// The layer rules of eslint.config.mjs (DESIGN.md: a pure core; AWS only in src/aws; storage only in src/store;
// use cases in src/app; commands/ and handlers/ reach AWS and storage only through src/app), proved against the
// real config with ESLint's Node API: small sources at virtual paths in each layer, one import each.
// The linting runs in a child process (test/fixtures/lint/lint-texts.mjs): Jest cannot load an ESM config.

const ROOT = path.resolve(__dirname, '../..');
const LINT_TEXTS = path.join(ROOT, 'test/fixtures/lint/lint-texts.mjs');

/** How the fixture uses the specifier: a value import, `import type`, `import { type X }`, or a re-export. */
type Form = 'value' | 'type' | 'inline-type' | 're-export' | 're-export-all';

const SOURCE: Record<Form, (from: string) => string> = {
  value: (from) => `import { thing } from '${from}';\n\nexport const used = thing;\n`,
  type: (from) => `import type { Thing } from '${from}';\n\nexport type Used = Thing;\n`,
  'inline-type': (from) => `import { type Thing } from '${from}';\n\nexport type Used = Thing;\n`,
  're-export': (from) => `export { thing } from '${from}';\n`,
  're-export-all': (from) => `export * from '${from}';\n`,
};

// The message of each restriction (a fragment of the text in eslint.config.mjs): a test names which rule fired.
const CORE_EDGE = 'The core is pure: it imports no edge';
const CORE_TOP_LEVEL = 'The core is pure: it imports no top-level edge module';
const CORE_NODE_IO = 'The core is pure: no file system, processes, network or environment';
const AWS_SDK = 'AWS calls only in src/aws';
const SLACK_SDK = 'Slack SDKs belong in src/slack';
const STORAGE_DRIVER = 'Storage only in src/store';
const SURFACE_AWS_STORE = 'commands/ and handlers/ reach AWS and storage only through a use case in src/app';
const COMMANDS_HANDLERS = 'commands/ import nothing from handlers/';
const APP_SURFACE = 'Use cases do not import commands/ or handlers/';
const EDGE_UPWARD = 'src/aws and src/store are edges under the use cases';

type Denied = [filePath: string, from: string, form: Form, rule: string];
type Allowed = [filePath: string, from: string, form: Form];

const DENIED: Denied[] = [
  // src/core: no edge folder, at any depth, value or type import, import or re-export.
  ['src/core/checks/x.ts', '../../store/schemas', 'value', CORE_EDGE],
  ['src/core/render/blocks/remediation/x.ts', '../../../../store/schemas', 'type', CORE_EDGE],
  ['src/core/x.ts', '../store', 'value', CORE_EDGE],
  ['src/core/x.ts', '../aws/clients', 'value', CORE_EDGE],
  ['src/core/checks/s3/x.ts', '../../../aws/collectors/s3', 'type', CORE_EDGE],
  ['src/core/render/x.ts', '../../slack/responder', 'value', CORE_EDGE],
  ['src/core/digest/x.ts', '../../app/run-check', 'value', CORE_EDGE],
  ['src/core/x.ts', '../schedule/occurrences', 'value', CORE_EDGE],
  ['src/core/digest/x.ts', '../../charts/trend-chart', 'value', CORE_EDGE],
  ['src/core/x.ts', '../../commands/registry', 'value', CORE_EDGE],
  ['src/core/render/x.ts', '../../../handlers', 'value', CORE_EDGE],
  ['src/core/x.ts', '../store/schemas', 're-export', CORE_EDGE],
  ['src/core/x.ts', '../store/schemas', 're-export-all', CORE_EDGE],
  // src/core: no top-level module of src/ that wires, configures or does I/O.
  ['src/core/digest/x.ts', '../../digest-config', 'type', CORE_TOP_LEVEL],
  ['src/core/x.ts', '../config', 'value', CORE_TOP_LEVEL],
  ['src/core/policy/x.ts', '../../access-config', 'value', CORE_TOP_LEVEL],
  ['src/core/x.ts', '../main', 'value', CORE_TOP_LEVEL],
  ['src/core/x.ts', '../compose', 'value', CORE_TOP_LEVEL],
  ['src/core/x.ts', '../cli', 'value', CORE_TOP_LEVEL],
  ['src/core/x.ts', '../paths', 'value', CORE_TOP_LEVEL],
  ['src/core/render/x.ts', '../../private-files', 'value', CORE_TOP_LEVEL],
  // src/core: no Node I/O, with or without the node: prefix.
  ['src/core/x.ts', 'node:fs', 'value', CORE_NODE_IO],
  ['src/core/x.ts', 'fs', 'value', CORE_NODE_IO],
  ['src/core/x.ts', 'fs/promises', 'value', CORE_NODE_IO],
  ['src/core/x.ts', 'node:child_process', 'value', CORE_NODE_IO],
  ['src/core/x.ts', 'net', 'value', CORE_NODE_IO],
  ['src/core/x.ts', 'node:http', 'value', CORE_NODE_IO],
  ['src/core/x.ts', 'https', 'value', CORE_NODE_IO],
  ['src/core/x.ts', 'node:os', 'value', CORE_NODE_IO],
  ['src/core/x.ts', 'node:process', 'value', CORE_NODE_IO],
  // src/core: SDK values (not types), Slack SDKs at all, storage drivers.
  ['src/core/remediations/x.ts', '@aws-sdk/client-s3', 'value', AWS_SDK],
  ['src/core/remediations/x.ts', '@aws-sdk/credential-providers', 'value', AWS_SDK],
  ['src/core/x.ts', '@smithy/node-http-handler', 'value', AWS_SDK],
  ['src/core/render/x.ts', '@slack/bolt', 'value', SLACK_SDK],
  ['src/core/render/x.ts', '@slack/web-api', 'type', SLACK_SDK],
  ['src/core/x.ts', 'better-sqlite3', 'value', STORAGE_DRIVER],
  // commands/ and handlers/: AWS and storage only through src/app.
  ['commands/check.ts', '../src/aws/region-names', 'value', SURFACE_AWS_STORE],
  ['commands/digest.ts', '../src/store/store', 'type', SURFACE_AWS_STORE],
  ['handlers/x.ts', '../src/aws/clients', 'value', SURFACE_AWS_STORE],
  ['handlers/actions/x.ts', '../../src/store/schemas', 'value', SURFACE_AWS_STORE],
  ['handlers/events/x.ts', '../../src/store', 'type', SURFACE_AWS_STORE],
  ['commands/x.ts', '@aws-sdk/client-iam', 'value', AWS_SDK],
  ['handlers/views/x.ts', '@aws-sdk/client-s3', 'value', AWS_SDK],
  ['handlers/x.ts', 'better-sqlite3', 'value', STORAGE_DRIVER],
  // commands/ share nothing with handlers/ directly.
  ['commands/remediate.ts', '../handlers/remediation-replies', 'value', COMMANDS_HANDLERS],
  ['commands/x.ts', '../handlers', 'value', COMMANDS_HANDLERS],
  ['commands/x.ts', '../handlers/actions/action', 'type', COMMANDS_HANDLERS],
  // src/app: never the surface; SDK and storage drivers only behind src/aws and src/store.
  ['src/app/cloudsec-app.ts', '../../commands', 'value', APP_SURFACE],
  ['src/app/x.ts', '../../handlers', 'value', APP_SURFACE],
  ['src/app/remediation/x.ts', '../../../handlers/actions/remediation', 'type', APP_SURFACE],
  ['src/app/remediation/x.ts', '@aws-sdk/client-s3', 'value', AWS_SDK],
  ['src/app/x.ts', 'better-sqlite3', 'value', STORAGE_DRIVER],
  // src/aws and src/store: nothing above them.
  ['src/aws/live-source.ts', '../app/snapshot-source', 'type', EDGE_UPWARD],
  ['src/aws/collectors/x.ts', '../../slack/logger', 'value', EDGE_UPWARD],
  ['src/aws/x.ts', '../../commands/registry', 'value', EDGE_UPWARD],
  ['src/store/x.ts', '../../handlers', 'value', EDGE_UPWARD],
  ['src/store/x.ts', '../app/deps', 'type', EDGE_UPWARD],
  ['src/store/sqlite/x.ts', '../../slack/metrics', 'value', EDGE_UPWARD],
];

const ALLOWED: Allowed[] = [
  // src/core within itself, at any depth, including names that resemble another layer's modules.
  ['src/core/checks/x.ts', '../model', 'value'],
  ['src/core/render/blocks/remediation/x.ts', '../../../remediations/request', 'type'],
  ['src/core/x.ts', './audit', 'value'], // src/core/audit, not src/store/sqlite-audit
  ['src/core/checks/x.ts', '../storage-classes', 'value'], // a core module whose name starts like "store"
  ['src/core/checks/s3/x.ts', '../config/config_recorder_enabled', 'value'], // a core folder for AWS Config
  ['src/core/digest/x.ts', './diff', 'value'],
  ['src/core/x.ts', '../errors', 'value'], // src/errors.ts imports nothing: shared by every layer
  // src/core: pure libraries, hashing, and SDK shapes as types (remediation plans are typed by command inputs).
  ['src/core/x.ts', 'zod', 'value'],
  ['src/core/x.ts', 'node:crypto', 'value'],
  ['src/core/remediations/x.ts', '@aws-sdk/client-s3', 'type'],
  ['src/core/remediations/x.ts', '@aws-sdk/client-ec2', 'inline-type'],
  // src/app uses the core and the store (its ports are implemented there).
  ['src/app/x.ts', '../core/model', 'value'],
  ['src/app/remediation/x.ts', '../../core/remediations/request', 'type'],
  ['src/app/x.ts', '../store/store', 'type'],
  ['src/app/remediation/x.ts', '../../store/schemas', 'value'],
  ['src/app/x.ts', '@aws-sdk/client-s3', 'type'],
  // commands/ and handlers/ use src/app and src/core; handlers share among themselves.
  ['handlers/actions/x.ts', '../../src/app/remediation', 'value'],
  ['handlers/x.ts', '../src/app/conversation', 'type'],
  ['handlers/actions/x.ts', '../remediation-replies', 'value'],
  ['handlers/views/x.ts', '../../src/core/render/blocks', 'value'],
  ['commands/x.ts', '../src/app/run-check', 'value'],
  ['commands/x.ts', '../src/core/model', 'value'],
  ['commands/x.ts', './registry', 'value'],
  ['commands/x.ts', '../src/errors', 'value'],
  // src/aws and src/store: the core, config and errors, and their own SDKs.
  ['src/aws/x.ts', '../core/model', 'value'],
  ['src/aws/collectors/x.ts', '../../config', 'type'],
  ['src/aws/collectors/x.ts', '@aws-sdk/client-s3', 'value'],
  ['src/store/x.ts', '../core/model', 'value'],
  ['src/store/x.ts', 'better-sqlite3', 'value'],
  ['src/store/x.ts', '../errors', 'value'],
  // Outside the layers (composition root, tests) anything goes: the rules are scoped to their file groups.
  ['src/main.ts', './store/store', 'value'],
  ['src/main.ts', './slack/bolt-app', 'value'],
  ['src/compose.ts', '../handlers/cloudsec-app', 'value'],
  ['test/app/x.test.ts', '../../src/store/store', 'value'],
];

// commands/ and handlers/ hold no store however it is reached (no-restricted-syntax): the deps carry it for src/app.
const SURFACE_STORE = 'commands/ and handlers/ reach storage only through a use case in src/app';
type StoreReached = [filePath: string, how: string, code: string];
const STORE_REACHED: StoreReached[] = [
  [
    'commands/x.ts',
    'deps.store',
    'export const latest = (ctx: { deps: { store: { latestAudit(n: number): unknown } } }) => ctx.deps.store.latestAudit(1);\n',
  ],
  [
    'handlers/actions/x.ts',
    '{ store } from the deps',
    'export const take = ({ store }: { store: unknown }) => store;\n',
  ],
];

type Message = { ruleId: string | null; message: string; line: number };
type Linted = { filePath: string; messages: Message[] };

const lintAll = (cases: { code: string; filePath: string }[]): Linted[] => {
  const out = execFileSync(process.execPath, [LINT_TEXTS], {
    cwd: ROOT,
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const results = JSON.parse(out) as Linted[];
  if (results.length !== cases.length) throw new Error(`linted ${results.length} of ${cases.length} sources`);
  return results;
};

const fixture = ([filePath, from, form]: Allowed | Denied) => ({ filePath, code: SOURCE[form](from) });

let denied: Linted[];
let allowed: Linted[];
let storeReached: Linted[];

beforeAll(() => {
  const results = lintAll([
    ...DENIED.map(fixture),
    ...ALLOWED.map(fixture),
    ...STORE_REACHED.map(([filePath, , code]) => ({ filePath, code })),
  ]);
  denied = results.slice(0, DENIED.length);
  allowed = results.slice(DENIED.length, DENIED.length + ALLOWED.length);
  storeReached = results.slice(DENIED.length + ALLOWED.length);
}, 120_000);

describe('layer rules in eslint.config.mjs', () => {
  it.each(DENIED.map(([filePath, from, form, rule], i) => ({ filePath, from, form, rule, i })))(
    'when $filePath imports $from ($form), then ESLint reports that import as restricted',
    ({ filePath, from, rule, i }) => {
      const result = denied[i];
      expect(result?.filePath).toBe(filePath);
      expect(result?.messages).toEqual([
        {
          ruleId: 'no-restricted-imports',
          line: 1,
          message: expect.stringContaining(`'${from}' import is restricted`),
        },
      ]);
      expect(result?.messages[0]?.message).toContain(rule);
    },
  );

  it.each(ALLOWED.map(([filePath, from, form], i) => ({ filePath, from, form, i })))(
    'when $filePath imports $from ($form), then ESLint reports nothing',
    ({ filePath, i }) => {
      const result = allowed[i];
      expect(result?.filePath).toBe(filePath);
      expect(result?.messages).toEqual([]);
    },
  );

  it.each(STORE_REACHED.map(([filePath, how], i) => ({ filePath, how, i })))(
    'when $filePath reaches the store ($how), then ESLint reports it',
    ({ filePath, i }) => {
      const result = storeReached[i];
      expect(result?.filePath).toBe(filePath);
      expect(result?.messages).toEqual([
        { ruleId: 'no-restricted-syntax', line: 1, message: expect.stringContaining(SURFACE_STORE) },
      ]);
    },
  );
});
