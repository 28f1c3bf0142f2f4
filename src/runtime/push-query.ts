import { Consumer, type Log, type LogRecord } from '../log/index.js';
import type { SqlValue } from '../types/index.js';
import type { OperatorContext, Topology } from './operators.js';
import type { ProcessingLog } from './processing-log.js';
import type { RuntimeSource } from './runtime-source.js';
import { ClientSink, type PushBatch } from './sinks.js';
import { deleteQueryState, StateStores, type StoreSpec } from './state/index.js';
import { alignByTimestamp } from './timestamp-alignment.js';

export type { PushBatch } from './sinks.js';

export interface PushQuerySpec {
  readonly id: string;
  readonly source: RuntimeSource;
  /** Every topic the query reads, table sides of joins first (see PersistentQuerySpec.topics). */
  readonly topics?: readonly string[];
  /** Builds the query's operators (the same topology a persistent query of this SELECT runs). */
  readonly build: (context: OperatorContext) => Topology;
  readonly fromEarliest: boolean;
  readonly limit: number | undefined;
  /** The rows are a table's changes (a table source, or an aggregate): a deleted key is a tombstone. */
  readonly overTable?: boolean;
  /**
   * A GROUP BY's state stores: opened empty when the query starts, committed after each batch (so
   * they do not grow in memory), deleted with their changelogs when it ends, as ksqlDB removes a
   * transient query's internal topics.
   */
  readonly state?: {
    readonly stores: readonly StoreSpec[];
    readonly stateDir: string;
    readonly applicationId: string;
  };
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
  const state = spec.state;
  const stores =
    state === undefined
      ? undefined
      : await StateStores.open({
          log,
          stateDir: state.stateDir,
          applicationId: state.applicationId,
          partition: 0,
          partitions: 1,
          stores: state.stores,
        });
  try {
    yield* follow(log, processingLog, spec, signal, stores);
  } finally {
    if (stores !== undefined && state !== undefined) {
      await stores.close();
      await deleteQueryState(log, state.stateDir, state.applicationId);
    }
  }
}

async function* follow(
  log: Log,
  processingLog: ProcessingLog,
  spec: PushQuerySpec,
  signal: AbortSignal,
  stores: StateStores | undefined,
): AsyncGenerator<PushBatch> {
  const topology = spec.build({
    queryId: spec.id,
    processingLog,
    countFailure: () => {},
    ...(stores === undefined ? {} : { stores }),
  });
  const overTable = spec.overTable ?? spec.source.kind === 'TABLE';
  const sink = new ClientSink(overTable, spec.limit);
  const consumer = new Consumer(log, { autoOffsetReset: spec.fromEarliest ? 'earliest' : 'latest' });
  const topics = spec.topics ?? [spec.source.topic];
  const wanted = [];
  for (const topic of topics) {
    const d = await log.describeTopic(topic);
    wanted.push(...d.partitions.map((p) => ({ topic, partition: p.partition })));
  }
  await consumer.assign(wanted);
  while (!sink.done()) {
    const batches = await consumer.poll(1000, signal);
    if (signal.aborted) return;
    const rows: SqlValue[][] = [];
    const tombstones: boolean[] | undefined = overTable ? [] : undefined;
    let ordered = batches;
    if (topics.length > 1) {
      // In the times the query takes the records at (a TIMESTAMP column's, else the log's).
      const times = new Map<LogRecord, number>();
      for (const b of batches) {
        const fetching = topology.prepare(b.records, b.topic);
        if (fetching !== undefined) await fetching;
        const own = topology.recordTimes(b.records, b.partition, b.topic);
        if (own !== undefined) for (let i = 0; i < own.length; i++) times.set(b.records[i], own[i]);
      }
      ordered = alignByTimestamp(batches, topics, (r) => times.get(r) ?? r.timestamp);
    }
    for (const batch of ordered) {
      if (sink.done()) break;
      const fetching = topology.prepare(batch.records, batch.topic);
      if (fetching !== undefined) await fetching;
      const out = sink.write(topology.process(batch.records, batch.partition, batch.topic));
      rows.push(...out.rows);
      if (tombstones !== undefined && out.tombstones !== undefined) tombstones.push(...out.tombstones);
    }
    if (stores?.hasPendingWrites) await stores.commit();
    await processingLog.flush();
    if (rows.length > 0) yield { rows, tombstones };
  }
}
