import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LogError } from '../errors.js';

const openedHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims a data dir for this process with a lock file holding its pid. A lock left by a process
 * that no longer runs (killed, crashed) is taken over; one held by a live process is an error.
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, '.lock');
  const key = resolve(dir);
  // The pid check cannot tell two opens in this process apart, so they are tracked here.
  if (openedHere.has(key)) {
    throw new LogError('DATA_DIR_LOCKED', `The data dir ${dir} is already open in this process.`);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      openedHere.add(key);
      return () => {
        openedHere.delete(key);
        try {
          unlinkSync(path);
        } catch {
          // Already released.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = Number.NaN;
    try {
      holder = Number(readFileSync(path, 'utf8').trim());
    } catch {
      continue;
    }
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new LogError(
        'DATA_DIR_LOCKED',
        `The data dir ${dir} is in use by another Sluice process (pid ${holder}). Stop it, use another --data-dir, or go through that server (sluice topic … --server http://localhost:8088).`,
      );
    }
    // Stale: move it aside atomically so two processes cannot both take it over.
    const stale = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, stale);
      unlinkSync(stale);
    } catch {
      // Someone else took it over first; try again.
    }
  }
  throw new LogError(
    'DATA_DIR_LOCKED',
    `Could not lock the data dir ${dir}; another process keeps claiming it.`,
  );
}
