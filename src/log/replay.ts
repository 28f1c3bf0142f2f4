import { Consumer } from './consumer.js';
import type { Log, LogRecord } from './types.js';

/** What a replay hands over: records of one partition, in offset order. */
export type ReplayHandler = (records: readonly LogRecord[], partition: number) => void | Promise<void>;

export interface ReplayOptions {
  /** Only these partitions (default: every partition of the topic). */
  readonly partitions?: readonly number[];
  /**
   * Where each partition starts (default: its beginning), e.g. a checkpoint of what was replayed
   * before; an offset no longer in the log starts at the beginning.
   */
  readonly from?: (partition: number) => number;
}

const REPLAY_BATCH = 10_000;

/**
 * Reads every record of `topic` up to its end offsets at the call, batch by batch, handing each
 * batch to `handler` before reading the next: how a process rebuilds its state from a topic on start
 * (the command topic, Connect's config, offset and status topics, a state store's changelog).
 * Records appended meanwhile are left for whoever follows the topic. Resolves to the end offset it
 * stopped at, by partition number.
 */
export async function replayToEnd(
  log: Log,
  topic: string,
  handler: ReplayHandler,
  options: ReplayOptions = {},
): Promise<number[]> {
  const consumer = new Consumer(log, { autoOffsetReset: 'earliest' });
  if (options.partitions === undefined) await consumer.assignTopic(topic);
  else await consumer.assign(options.partitions.map((partition) => ({ topic, partition })));
  const partitions = consumer.assignment();
  const ends: number[] = [];
  for (const tp of partitions) {
    ends[tp.partition] = await log.endOffset(topic, tp.partition);
    const from = options.from?.(tp.partition);
    if (from !== undefined) consumer.seek(tp, Math.min(from, ends[tp.partition]));
  }
  const left = new Set(partitions);
  const finishReached = () => {
    for (const tp of left) {
      if (consumer.position(tp) < ends[tp.partition]) continue;
      left.delete(tp);
      consumer.pause([tp]);
    }
  };
  finishReached();
  const never = new AbortController().signal;
  while (left.size > 0) {
    // No wait: every partition left has records before its end (a read past a compacted gap
    // moves the position without any), so each round gets on.
    for (const batch of await consumer.poll(REPLAY_BATCH, never, 0)) {
      const end = ends[batch.partition];
      const last = batch.records[batch.records.length - 1];
      const records = last.offset < end ? batch.records : batch.records.filter((r) => r.offset < end);
      if (records.length > 0) await handler(records, batch.partition);
    }
    finishReached();
  }
  return ends;
}
