import fs from 'node:fs';
import path from 'node:path';

/**
 * Files only the user cloudsec runs as may read: the database (findings, remediation requests, the
 * audit log), SQLite's -wal and -shm beside it, and exports (finding lists, digest charts). The
 * process umask is not trusted to be strict (022 is the usual default, which makes 0644 files), so
 * modes are set explicitly. Folders the operator made are left as they are; files are fixed.
 */

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Group and other permission bits. */
const SHARED_BITS = 0o077;

/**
 * Creates `dir` and any missing parents as 0700. An existing folder keeps its mode unless `tighten`
 * is set, which is for folders cloudsec owns outright (its exports folder), not for one the
 * operator chose to hold the database.
 */
export const makePrivateDir = (dir: string, options: { tighten?: boolean } = {}): void => {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (options.tighten) restrictMode(dir);
};

/**
 * Removes group and other permissions from an existing file or folder. Returns an explanation when
 * that was needed and failed (e.g. the file belongs to another user), null otherwise; a file that
 * does not exist needs nothing.
 */
export const restrictMode = (file: string): string | null => {
  let mode: number;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return `cannot check the permissions of ${file}: ${(err as Error).message}`;
  }
  if ((mode & SHARED_BITS) === 0) return null;
  try {
    fs.chmodSync(file, mode & ~SHARED_BITS);
    return null;
  } catch (err) {
    return `${file} is readable by other users (mode ${mode.toString(8)}) and its permissions cannot be changed: ${(err as Error).message}`;
  }
};

/**
 * Opens `file` for writing as 0600, truncating it. An existing file is made private before anything
 * is written to it, so there is no moment at which new content is readable by others.
 */
const openPrivate = (file: string): number => {
  const fd = fs.openSync(file, 'w', PRIVATE_FILE_MODE);
  try {
    fs.fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return fd;
};

/** Creates `file` empty as 0600 if it does not exist; an existing file is left unchanged (content and mode). */
export const createPrivateFile = (file: string): void => {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  fs.closeSync(fd);
};

/** Writes `content` to `file` (replacing it) as a 0600 file. */
export const writePrivateFile = (file: string, content: string | Uint8Array): void => {
  const fd = openPrivate(file);
  try {
    fs.writeFileSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
};

/** Copies `source` to `target` as a 0600 file (fs.copyFile would copy the source's mode). */
export const copyPrivateFile = (source: string, target: string): void => {
  const input = fs.openSync(source, 'r');
  try {
    const output = openPrivate(target);
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (let n = fs.readSync(input, buffer); n > 0; n = fs.readSync(input, buffer)) {
        fs.writeSync(output, buffer, 0, n);
      }
    } finally {
      fs.closeSync(output);
    }
  } finally {
    fs.closeSync(input);
  }
};

/** `path.join(dir, name)` for a name from elsewhere: only its last part, so it cannot leave `dir`. */
export const fileIn = (dir: string, name: string): string => path.join(dir, path.basename(name));
