import { Consumer, type Log, type TopicPartition } from '../log/index.js';
import type { SqlValue } from '../types/index.js';
import type { OperatorContext, Topology } from './operators.js';
import type { ProcessingLog } from './processing-log.js';
import type { RuntimeSource } from './runtime-source.js';
import { ClientSink, type PushBatch } from './sinks.js';

export interface StreamPullSpec {
  readonly id: string;
  readonly source: RuntimeSource;
  /** The operators of the SELECT (source → WHERE → projection), as a push query builds them. */
  readonly build: (context: OperatorContext) => Topology;
  readonly limit: number | undefined;
  /** Each partition's end offset when the query started (see streamEndOffsets): where reading stops. */
  readonly ends: ReadonlyMap<number, number>;
}

/** The end offset of each partition of `topic` now: what a stream pull query started now reads up to. */
export async function streamEndOffsets(log: Log, topic: string): Promise<Map<number, number>> {
  const ends = new Map<number, number>();
  for (const p of (await log.describeTopic(topic)).partitions) {
    ends.set(p.partition, await log.endOffset(topic, p.partition));
  }
  return ends;
}

/** How many records one poll takes. */
const BATCH_RECORDS = 5000;
/** A poll that finds nothing looks again after this long, to see positions moved past gaps. */
const POLL_WAIT_MS = 200;

/**
 * A pull query over a stream (ksqlDB ≥ 0.23): reads the stream's topic from the beginning up to the
 * end offsets it had when the query was opened (`spec.ends`), runs each batch through the query's topology and yields
 * the result rows, then ends (or ends at LIMIT, or when `signal` aborts). Records appended after the
 * start are not read. Commits nothing.
 */
export async function* runStreamPull(
  log: Log,
  processingLog: ProcessingLog,
  spec: StreamPullSpec,
  signal: AbortSignal,
): AsyncGenerator<PushBatch> {
  const topology = spec.build({ queryId: spec.id, processingLog, countFailure: () => {} });
  const sink = new ClientSink(false, spec.limit);
  const consumer = new Consumer(log, { autoOffsetReset: 'earliest' });
  await consumer.assignTopic(spec.source.topic);
  const ends = spec.ends;
  const finished = (tp: TopicPartition) => consumer.position(tp) >= (ends.get(tp.partition) ?? 0);
  const pending = () => consumer.assignment().filter((tp) => !finished(tp));
  consumer.pause(consumer.assignment().filter(finished));
  while (!sink.done() && !signal.aborted && pending().length > 0) {
    const batches = await consumer.poll(BATCH_RECORDS, signal, POLL_WAIT_MS);
    const rows: SqlValue[][] = [];
    for (const batch of batches) {
      if (sink.done()) break;
      const end = ends.get(batch.partition) ?? 0;
      const records = batch.records.filter((r) => r.offset < end);
      if (records.length === 0) continue;
      const fetching = topology.prepare(records);
      if (fetching !== undefined) await fetching;
      rows.push(...sink.write(topology.process(records, batch.partition)).rows);
    }
    consumer.pause(consumer.assignment().filter(finished));
    await processingLog.flush();
    if (rows.length > 0) yield { rows, tombstones: undefined };
  }
}
