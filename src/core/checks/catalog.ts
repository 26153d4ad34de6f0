/* eslint-disable @typescript-eslint/no-require-imports -- the catalog loads on first use (below) */
import type { AnyCheck } from './define';

/**
 * The checks catalog (index.ts), loaded the first time something needs it rather than when the bot
 * starts: it is ~170 modules and ~3 MB of heap that an idle bot, which has not scanned or posted a
 * digest yet, does not need (`npm run bench:idle`; test/main-lazy-loading.test.ts keeps a static
 * import of it out of the bot's start-up). Code that runs only when checks are used calls this;
 * the CLI and tests may import CHECKS directly.
 */
let catalog: readonly AnyCheck[] | undefined;
export const checkCatalog = (): readonly AnyCheck[] =>
  (catalog ??= (require('./index') as typeof import('./index')).CHECKS);
