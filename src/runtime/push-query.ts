import { Consumer, type Log } from '../log/index.js';
import type { SqlValue } from '../types/index.js';
import type { OperatorContext, Topology } from './operators.js';
import type { ProcessingLog } from './processing-log.js';
import type { RuntimeSource } from './runtime-source.js';
import { ClientSink, type PushBatch } from './sinks.js';

export type { PushBatch } from './sinks.js';

export interface PushQuerySpec {
  readonly id: string;
  readonly source: RuntimeSource;
  /** Builds the query's operators (the same topology a persistent query of this SELECT runs). */
  readonly build: (context: OperatorContext) => Topology;
  readonly fromEarliest: boolean;
  readonly limit: number | undefined;
}

/**
 * A transient SELECT … EMIT CHANGES: follows the source, runs each batch through the query's
 * topology and yields the result rows of its client sink until its LIMIT is reached or the client
 * goes away. Commits nothing.
 */
export async function* runPushQuery(
  log: Log,
  processingLog: ProcessingLog,
  spec: PushQuerySpec,
  signal: AbortSignal,
): AsyncGenerator<PushBatch> {
  const topology = spec.build({ queryId: spec.id, processingLog, countFailure: () => {} });
  const sink = new ClientSink(spec.source.kind === 'TABLE', spec.limit);
  const consumer = new Consumer(log, { autoOffsetReset: spec.fromEarliest ? 'earliest' : 'latest' });
  await consumer.assignTopic(spec.source.topic);
  while (!sink.done()) {
    const batches = await consumer.poll(1000, signal);
    if (signal.aborted) return;
    const rows: SqlValue[][] = [];
    const tombstones: boolean[] | undefined = spec.source.kind === 'TABLE' ? [] : undefined;
    for (const batch of batches) {
      if (sink.done()) break;
      const out = sink.write(topology.process(batch.records, batch.partition));
      rows.push(...out.rows);
      if (tombstones !== undefined && out.tombstones !== undefined) tombstones.push(...out.tombstones);
    }
    await processingLog.flush();
    if (rows.length > 0) yield { rows, tombstones };
  }
}
