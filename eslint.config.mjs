import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------------------------
// Layers (DESIGN.md): a pure core; AWS calls only in src/aws; storage only in src/store; use cases in src/app;
// commands/ and handlers/ are the Slack surface, which reaches AWS and storage only through src/app.
//
// Import specifiers are matched as written, not resolved, so a pattern has to catch a layer at every depth:
// `../store/x` from src/core/x.ts, `../../../../store/x` from src/core/render/blocks/remediation/x.ts,
// `../src/store/x` from commands/x.ts. `climbsInto` matches a specifier that only climbs (`../`, once or more),
// optionally enters `src/`, then names the folder. Requiring the climb is what keeps a layer's own modules
// clear (`./audit` in src/core is not src/store/audit); the one thing it cannot tell apart is a folder INSIDE a
// layer named like a forbidden one (a `src/core/checks/store/`), so do not name folders that way.
// ---------------------------------------------------------------------------------------------------------------

/** `../…/<folder>` or `../…/src/<folder>`, and anything below it. */
const climbsInto = (...folders) => `^(\\.\\./)+(src/)?(${folders.join('|')})(/|$)`;
/** `../…/<module>` for modules at the top of src/ (a module, not a folder: `../config/x` is some other config). */
const climbsToModule = (...modules) => `^(\\.\\./)+(src/)?(${modules.join('|')})$`;
/** A Node built-in, with or without the `node:` prefix (`fs`, `node:fs`, `fs/promises`). */
const nodeBuiltin = (...names) => `^(node:)?(${names.join('|')})(/|$)`;

/** One pattern entry; `caseSensitive` so that `Store` is not `store`. */
const deny = (regex, message, extra = {}) => ({ regex, caseSensitive: true, message, ...extra });

const NO = {
  edges: deny(
    climbsInto('aws', 'slack', 'store', 'app', 'schedule', 'charts', 'commands', 'handlers'),
    'The core is pure: it imports no edge (src/aws, src/slack, src/store, src/app, src/schedule, src/charts, ' +
      'commands/, handlers/). Types the core needs belong in src/core; the edges import them from here.',
  ),
  // src/errors.ts (imports nothing) is the one top-level module the core may use; these are wiring, config and I/O.
  topLevelEdges: deny(
    climbsToModule(
      'main',
      'compose',
      'cli',
      'config',
      'env',
      'database-env',
      'config-issues',
      'job-collectors',
      'digest-config',
      'access-config',
      'paths',
      'private-files',
    ),
    'The core is pure: it imports no top-level edge module of src/ (composition, CLI, config, files). ' +
      'Move the type or schema it needs into src/core.',
  ),
  nodeIo: deny(
    nodeBuiltin(
      ...['fs', 'child_process', 'worker_threads', 'cluster', 'readline'],
      ...['net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns'],
      ...['os', 'process'],
    ),
    'The core is pure: no file system, processes, network or environment. Pass the data in.',
  ),
  awsSdkAtRuntime: deny(
    '^@(aws-sdk|smithy)/',
    'AWS calls only in src/aws. Type-only imports of SDK shapes are fine: `import type { … } from …`.',
    { allowTypeImports: true },
  ),
  slack: deny('^@slack/', 'The core renders plain Block Kit objects; Slack SDKs belong in src/slack.'),
  storageDriver: deny('^(better-sqlite3|pg)(/|$)', 'Storage only in src/store.'),
  awsOrStore: deny(
    climbsInto('aws', 'store'),
    'commands/ and handlers/ reach AWS and storage only through a use case in src/app (DESIGN.md).',
  ),
  handlersFromCommands: deny(
    climbsInto('handlers'),
    'commands/ import nothing from handlers/: move what both use to src/app (behaviour) or src/core/render (blocks).',
  ),
  surfaceFromApp: deny(
    climbsInto('commands', 'handlers'),
    'Use cases do not import commands/ or handlers/: src/main.ts and src/compose.ts wire them together.',
  ),
  upwardFromAwsOrStore: deny(
    climbsInto('commands', 'handlers', 'app', 'slack'),
    'src/aws and src/store are edges under the use cases: they never import src/app, src/slack, commands/ or ' +
      'handlers/. A port type they implement belongs in src/core.',
  ),
};

/**
 * commands/ and handlers/ never hold the store, however it is reached: `deps.store.x` / `ctx.deps.store`, or
 * `{ store }` taken out of the deps. Imports alone cannot see this (AppDeps carries the store for the use cases).
 */
const STORE_IN_SURFACE = 'commands/ and handlers/ reach storage only through a use case in src/app.';
const noStoreInSurface = {
  'no-restricted-syntax': [
    'error',
    { selector: 'MemberExpression[property.name="store"]', message: STORE_IN_SURFACE },
    { selector: 'ObjectPattern > Property[key.name="store"]', message: STORE_IN_SURFACE },
  ],
};

/** A layer's config object with more rules beside its no-restricted-imports entry. */
const withRules = (config, rules) => ({ ...config, rules: { ...config.rules, ...rules } });

/**
 * Each file group gets exactly one no-restricted-imports entry: flat config replaces a rule's options from one
 * matching config object to the next, it never merges them, so two entries for the same file would drop one.
 */
const layer = (files, ...patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['bin/**/*.js', 'jest.config.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  layer(['src/core/**'], NO.edges, NO.topLevelEdges, NO.nodeIo, NO.awsSdkAtRuntime, NO.slack, NO.storageDriver),
  withRules(
    layer(['commands/**'], NO.awsOrStore, NO.handlersFromCommands, NO.awsSdkAtRuntime, NO.storageDriver),
    noStoreInSurface,
  ),
  withRules(layer(['handlers/**'], NO.awsOrStore, NO.awsSdkAtRuntime, NO.storageDriver), noStoreInSurface),
  layer(['src/app/**'], NO.surfaceFromApp, NO.awsSdkAtRuntime, NO.storageDriver),
  layer(['src/aws/**', 'src/store/**'], NO.upwardFromAwsOrStore),

  {
    files: ['src/core/**'],
    rules: {
      // The core is pure: no clock, no environment (time and settings come in as values).
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now' },
        { object: 'process', property: 'env' },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
