import fs from 'node:fs';
import path from 'node:path';

/** The repository/package root, found from this file whether it runs from src/ (tests) or dist/src/. */
export const packageRoot = (): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
};

export const demoSnapshotPath = (): string => path.join(packageRoot(), 'data', 'demo-account.json');

/** The configuration of the console demo (accounts, roles, digests of the demo estate). */
export const demoConfigPath = (): string => path.join(packageRoot(), 'data', 'demo-cloudsec.yml');
