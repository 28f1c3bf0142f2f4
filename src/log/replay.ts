import { Consumer } from './consumer.js';
import type { Log, LogRecord } from './types.js';

/** What a replay hands over: records of one partition, in offset order. */
export type ReplayHandler = (records: readonly LogRecord[], partition: number) => void | Promise<void>;

const REPLAY_BATCH = 10_000;

/**
 * Reads every record of `topic` from the beginning up to its end offsets at the call, batch by
 * batch, handing each batch to `handler` before reading the next: how a process rebuilds its state
 * from a topic on start (the command topic, Connect's config, offset and status topics). Records
 * appended meanwhile are left for whoever follows the topic. Resolves to each partition's end offset
 * it stopped at.
 */
export async function replayToEnd(log: Log, topic: string, handler: ReplayHandler): Promise<number[]> {
  const consumer = new Consumer(log, { autoOffsetReset: 'earliest' });
  await consumer.assignTopic(topic);
  const partitions = consumer.assignment();
  const ends = await Promise.all(partitions.map((tp) => log.endOffset(topic, tp.partition)));
  const done = new Set<number>();
  const finish = (i: number) => {
    done.add(i);
    consumer.pause([partitions[i]]);
  };
  partitions.forEach((tp, i) => {
    if (consumer.position(tp) >= ends[i]) finish(i);
  });
  const never = new AbortController().signal;
  while (done.size < partitions.length) {
    // No wait: every partition left has records before its end (a read past a compacted gap
    // moves the position without any), so each round gets on.
    for (const batch of await consumer.poll(REPLAY_BATCH, never, 0)) {
      const end = ends[batch.partition];
      const last = batch.records[batch.records.length - 1];
      const records = last.offset < end ? batch.records : batch.records.filter((r) => r.offset < end);
      if (records.length > 0) await handler(records, batch.partition);
    }
    partitions.forEach((tp, i) => {
      if (!done.has(i) && consumer.position(tp) >= ends[i]) finish(i);
    });
  }
  return ends;
}
