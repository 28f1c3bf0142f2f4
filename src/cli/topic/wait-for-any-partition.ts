import type { Log } from '../../log/index.js';

/** setTimeout's longest delay; "wait forever" is a loop of these. */
const LONGEST_TIMER_MS = 2_147_483_647;

/**
 * Resolves true as soon as any partition has records at or after its position, false when
 * `timeoutMs` passes with none (undefined: never) or `signal` aborts. Waits on the log's own
 * notifications, one per partition, and cancels the rest once one fires.
 */
export async function waitForAnyPartition(
  log: Log,
  topic: string,
  partitions: readonly number[],
  positions: readonly number[],
  timeoutMs: number | undefined,
  signal: AbortSignal,
): Promise<boolean> {
  if (partitions.length === 0) return false;
  for (;;) {
    const arrived = await waitOnce(log, topic, partitions, positions, timeoutMs ?? LONGEST_TIMER_MS, signal);
    if (arrived || timeoutMs !== undefined || signal.aborted) return arrived;
  }
}

async function waitOnce(
  log: Log,
  topic: string,
  partitions: readonly number[],
  positions: readonly number[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const done = new AbortController();
  const onAbort = () => done.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await new Promise<boolean>((resolve, reject) => {
      let pending = partitions.length;
      partitions.forEach((p, i) => {
        log.waitForData(topic, p, positions[i], timeoutMs, done.signal).then((hasData) => {
          if (hasData) resolve(true);
          else if (--pending === 0) resolve(false);
        }, reject);
      });
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
    done.abort();
  }
}
