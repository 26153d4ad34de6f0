import path from 'node:path';
import { createPrivateFile, makePrivateDir, restrictMode } from '../private-files';

/** The files SQLite keeps beside the database: the WAL, its shared-memory index, a rollback journal. */
const COMPANIONS = ['-wal', '-shm', '-journal'];

/**
 * Makes the database private before SQLite opens it: a missing folder is created 0700, a missing
 * database file is created empty as 0600 (SQLite reads an empty file as a new database), and an
 * existing database and its companions lose group and other permissions (left so by older versions,
 * or by a umask of 022). SQLite creates the -wal and -shm files with the database file's mode, so
 * later ones are 0600 too. Returns what could not be fixed (e.g. a file owned by another user), so
 * the caller can warn; opening then goes on, since refusing would take cloudsec down over a mode.
 */
export const prepareDatabaseFiles = (location: string): string[] => {
  if (location === ':memory:' || location === '') return [];
  const file = path.resolve(location);
  makePrivateDir(path.dirname(file));
  createPrivateFile(file);
  return [file, ...COMPANIONS.map((suffix) => `${file}${suffix}`)].flatMap((f) => restrictMode(f) ?? []);
};
