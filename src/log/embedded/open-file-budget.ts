import { readFileSync } from 'node:fs';

/**
 * Descriptors kept for everything but segment files: sockets of clients, push queries and
 * connectors, database connections, files being read. A quarter of the limit, at least 256.
 */
function reserveFor(limit: number): number {
  return Math.max(256, Math.floor(limit / 4));
}

/**
 * The process's soft limit on open files (`ulimit -n`), from Linux's /proc/self/limits; undefined
 * where it cannot be read (other systems), and then no budget is enforced.
 */
export function openFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  if (soft === undefined || soft === 'unlimited') return undefined;
  const n = Number(soft);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** How many segment files the log may keep open under `limit`: the limit less the reserve. */
export function segmentFileBudget(limit: number | undefined): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(0, limit - reserveFor(limit));
}
