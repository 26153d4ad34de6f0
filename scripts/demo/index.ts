import type { AccountSnapshot } from '../../src/core/model';
import { dataStoresDemo } from './data-stores';
import { exposureDemo } from './exposure';
import { keysSecretsDemo } from './keys-secrets';
import { monitoringDemo } from './monitoring';
import { detectiveDemo } from './detective';
import { networkDemo } from './network';

/**
 * Additions to the demo estate, one module per group of services (issue 12), so each group's
 * misconfigurations are written next to each other and no two groups edit the same file. Each
 * extension takes an account as make-demo-account.ts builds it and returns it with its services
 * added or extended; they run in this order.
 */
export interface DemoExtension {
  prod: (account: AccountSnapshot) => AccountSnapshot;
  staging: (account: AccountSnapshot) => AccountSnapshot;
}

export const DEMO_EXTENSIONS: readonly DemoExtension[] = [
  dataStoresDemo,
  exposureDemo,
  keysSecretsDemo,
  monitoringDemo,
  detectiveDemo,
  networkDemo,
];

export const extendDemoAccount = (which: keyof DemoExtension, account: AccountSnapshot): AccountSnapshot =>
  DEMO_EXTENSIONS.reduce((a, extension) => extension[which](a), account);
