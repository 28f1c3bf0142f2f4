import type { ResolvedAggregate } from '../../functions/index.js';
import type { SqlValue } from '../../types/index.js';
import type { Operator, OperatorContext, RowBatch } from '../operators.js';
import type { StoreSpec } from '../state/index.js';
import { AggregateCalls, type AggregateState, aggregateStateCodec } from './aggregate-state.js';
import type { AggregateChange, AggregateOutput, GroupedRecord } from './grouped-records.js';
import { ChangeEmitter, RecordCache } from './record-cache.js';
import { decodeAccumulator, encodeAccumulator } from './state-codec.js';
import { StreamAggregator } from './stream-aggregator.js';
import { TableAggregator, type TableRowChange } from './table-aggregator.js';
import { SessionWindowAggregator, TimeWindowAggregator } from './windowed-aggregator.js';

type RowFunction = (row: readonly SqlValue[]) => SqlValue;

/** A window as the operator runs it, grace already resolved (see resolveWindow in runtime/windows). */
export type OperatorWindow =
  | {
      readonly kind: 'TUMBLING' | 'HOPPING';
      readonly sizeMs: number;
      readonly advanceMs: number;
      readonly graceMs: number;
      readonly retentionMs: number;
    }
  | {
      readonly kind: 'SESSION';
      readonly gapMs: number;
      readonly graceMs: number;
      readonly retentionMs: number;
    };

/** What the plan gives the GROUP BY operator. */
export interface AggregateOperatorSpec {
  /** The GROUP BY expressions over the input row. */
  readonly groupBy: readonly RowFunction[];
  /** The output key's bytes for the GROUP BY values (the sink's key format). */
  readonly serializeKey: (values: readonly SqlValue[]) => Buffer;
  /** Each aggregate call: its resolved function and its column arguments over the input row. */
  readonly calls: readonly { readonly aggregate: ResolvedAggregate; readonly args: readonly RowFunction[] }[];
  /**
   * Over a table source (whose TableSourceOperator gives each change the row it replaces): the
   * input row's key column positions. A change subtracts the old row before adding the new one.
   */
  readonly tableKeyColumns?: readonly number[];
  readonly window?: OperatorWindow;
  readonly emitFinal?: boolean;
  /**
   * Each output row comes with the row it replaces (`RowBatch.previous`), for a HAVING after the
   * aggregate: it deletes a group only if the group's old row had passed.
   */
  readonly sendOldValues?: boolean;
}

/** ksqlDB's store names: the aggregate's and EMIT FINAL's progress. */
export const AGGREGATE_STORE = 'Aggregate-Aggregate-Materialize';
export const EMIT_PROGRESS_STORE = 'Aggregate-Aggregate-Emit';

/** The state stores a GROUP BY needs, to declare when the query's StateStores are opened. */
export function aggregateStoreSpecs(spec: AggregateOperatorSpec): StoreSpec[] {
  const w = spec.window;
  const stores: StoreSpec[] = [
    w === undefined
      ? { name: AGGREGATE_STORE, kind: 'keyValue' }
      : {
          name: AGGREGATE_STORE,
          kind: w.kind === 'SESSION' ? 'session' : 'window',
          retentionMs: w.retentionMs,
        },
  ];
  if (w !== undefined && spec.emitFinal === true)
    stores.push({ name: EMIT_PROGRESS_STORE, kind: 'keyValue' });
  return stores;
}

const numberCodec = {
  encode: (n: number) => encodeAccumulator(n),
  decode: (bytes: Buffer) => decodeAccumulator(bytes) as number,
};

/**
 * GROUP BY as one step of a topology (runtime's Operator): rows in, the aggregation's changes out.
 * An output row is the GROUP BY values, then each call's result, then, under a window, WINDOWSTART
 * and WINDOWEND (BIGINT); a deleted row (a session absorbed by a merge) carries only the GROUP BY
 * values and window bounds. Rows whose GROUP BY values are NULL, and records too late for their
 * window, go to the processing log. Stream deletes are skipped; a table source's change subtracts
 * the row it replaces (the batch's `previous`, from the table's materialization) before adding the
 * new one.
 */
export class AggregateOperator implements Operator {
  readonly name = 'Aggregate';
  readonly #spec: AggregateOperatorSpec;
  readonly #context: OperatorContext;
  readonly #run: (records: GroupedRecord[], batch: RowBatch, rows: number[]) => AggregateOutput;
  readonly #bounds = new Map<number, bigint>();
  readonly #out: ChangeEmitter;

  constructor(spec: AggregateOperatorSpec, context: OperatorContext) {
    const stores = context.stores;
    if (stores === undefined)
      throw new Error('a GROUP BY needs the query’s state stores (OperatorContext.stores)');
    this.#spec = spec;
    this.#context = context;
    const calls = new AggregateCalls(
      spec.calls.map((c) => c.aggregate.create()),
      { sendOldValues: spec.sendOldValues === true },
    );
    // EMIT FINAL emits each window once when it closes, past the cache (Kafka Streams' emit-on-close).
    const cacheBytes = spec.emitFinal === true ? 0 : (context.recordCacheMaxBytes ?? 0);
    const out = new ChangeEmitter(calls, cacheBytes > 0 ? new RecordCache(cacheBytes, calls) : undefined);
    this.#out = out;
    const progress = () => stores.keyValueStore(EMIT_PROGRESS_STORE, numberCodec);
    const w = spec.window;
    if (spec.tableKeyColumns !== undefined) {
      const aggregator = new TableAggregator(
        calls,
        stores.keyValueStore(AGGREGATE_STORE, aggregateStateCodec),
        out,
      );
      this.#run = (_records, batch, rows) => {
        const previous = batch.previous;
        if (previous === undefined)
          throw new Error('a GROUP BY over a table needs the rows its changes replace (TableSourceOperator)');
        const changes: TableRowChange[] = [];
        for (const r of rows) {
          const before = previous[r];
          const deleted = batch.deletes[r];
          // A delete of a row the groups never had changes nothing.
          if (deleted && before === null) continue;
          const old = before === null ? null : this.#group(before, batch.timestamps[r], batch.origins[r]);
          const next = deleted ? null : this.#group(batch.rows[r], batch.timestamps[r], batch.origins[r]);
          if (old === undefined || next === undefined) continue;
          changes.push({ old, new: next, timestamp: batch.timestamps[r] });
        }
        return aggregator.process(changes);
      };
    } else if (w === undefined) {
      const aggregator = new StreamAggregator(
        calls,
        stores.keyValueStore(AGGREGATE_STORE, aggregateStateCodec),
        out,
      );
      this.#run = (records) => aggregator.process(records);
    } else if (w.kind === 'SESSION') {
      const aggregator = new SessionWindowAggregator(
        calls,
        stores.sessionStore<AggregateState>(AGGREGATE_STORE, aggregateStateCodec),
        {
          gapMs: w.gapMs,
          graceMs: w.graceMs,
          emitFinal: spec.emitFinal === true,
          emitProgress: spec.emitFinal === true ? progress() : undefined,
        },
        out,
      );
      this.#run = (records) => aggregator.process(records);
    } else {
      const aggregator = new TimeWindowAggregator(
        calls,
        stores.windowStore<AggregateState>(AGGREGATE_STORE, aggregateStateCodec),
        {
          sizeMs: w.sizeMs,
          advanceMs: w.advanceMs,
          graceMs: w.graceMs,
          emitFinal: spec.emitFinal === true,
          emitProgress: spec.emitFinal === true ? progress() : undefined,
        },
        out,
      );
      this.#run = (records) => aggregator.process(records);
    }
  }

  /** The row grouped, or undefined when a GROUP BY expression failed (already in the processing log). */
  #group(row: readonly SqlValue[], timestamp: number, origin: number): GroupedRecord | undefined {
    const { groupBy, serializeKey, calls } = this.#spec;
    let keyValues: SqlValue[];
    try {
      keyValues = groupBy.map((f) => f(row));
    } catch (err) {
      this.#fail(row, err as Error);
      return undefined;
    }
    const inputs = calls.map(({ aggregate, args }) => {
      try {
        if (args.length === 0) return BigInt(timestamp); // COUNT(*) counts ROWTIME
        return aggregate.columnCount > 1 || args.length > 1 ? args.map((f) => f(row)) : args[0](row);
      } catch (err) {
        this.#fail(row, err as Error);
        return null;
      }
    });
    const key = keyValues.includes(null) ? Buffer.alloc(0) : serializeKey(keyValues);
    return { key, keyValues, inputs, timestamp, origin };
  }

  /** Window bounds as BIGINT values: consecutive records share their windows, so recent ones are reused. */
  #bigint(n: number): bigint {
    let b = this.#bounds.get(n);
    if (b === undefined) {
      if (this.#bounds.size >= 256) this.#bounds.clear();
      b = BigInt(n);
      this.#bounds.set(n, b);
    }
    return b;
  }

  #fail(row: unknown, error: Error): void {
    this.#context.countFailure();
    this.#context.processingLog.processingError(this.#context.queryId, row, error);
  }

  process(batch: RowBatch): RowBatch {
    const records: GroupedRecord[] = [];
    const rows: number[] = [];
    for (let r = 0; r < batch.rows.length; r++) {
      if (this.#spec.tableKeyColumns !== undefined) {
        rows.push(r);
        continue;
      }
      if (batch.deletes[r]) continue; // a stream record without value is not aggregated
      const grouped = this.#group(batch.rows[r], batch.timestamps[r], batch.origins[r]);
      if (grouped !== undefined) records.push(grouped);
    }
    const { changes, dropped } = this.#run(records, batch, rows);
    for (const d of dropped) this.#fail(d.record.keyValues, new Error(d.message));
    return this.#rows(changes, batch.records, batch.partition);
  }

  /**
   * The record cache holds more than its bytes: the query flushes it (all of it, as Kafka Streams
   * flushes a cache that evicts a dirty entry) before its next chunk of records.
   */
  get overfull(): boolean {
    return this.#out.cache?.full === true;
  }

  /** Groups updated but not forwarded yet (held by the record cache). */
  get buffered(): number {
    return this.#out.cache?.size ?? 0;
  }

  /**
   * Forwards the groups the record cache holds (the query commits), up to `max` a call: their rows
   * carry no source record (`origins` -1). Undefined when nothing is held.
   */
  flush(max?: number): RowBatch | undefined {
    const cache = this.#out.cache;
    if (cache === undefined || cache.size === 0) return undefined;
    return this.#rows(cache.drain(-1, max), [], 0);
  }

  #rows(changes: readonly AggregateChange[], records: RowBatch['records'], partition: number): RowBatch {
    const out: RowBatch = {
      rows: [],
      deletes: [],
      timestamps: [],
      origins: [],
      records,
      partition,
    };
    const calls = this.#spec.calls.length;
    const previous: (SqlValue[] | null)[] | undefined = this.#spec.sendOldValues === true ? [] : undefined;
    for (const change of changes) {
      const keyValues = change.keyValues ?? [];
      const results = change.results;
      const window = change.window;
      // Built in place, not spread: a windowed query makes one row per window of every record.
      const row = new Array<SqlValue>(keyValues.length + calls + (window === undefined ? 0 : 2));
      let at = 0;
      for (let i = 0; i < keyValues.length; i++) row[at++] = keyValues[i];
      for (let i = 0; i < calls; i++) row[at++] = results === null ? null : results[i];
      if (window !== undefined) {
        row[at++] = this.#bigint(window.start);
        row[at] = this.#bigint(window.end);
      }
      out.rows.push(row);
      out.deletes.push(results === null);
      out.timestamps.push(change.timestamp);
      out.origins.push(change.origin ?? 0);
      if (previous !== undefined) {
        const old = change.previous ?? null;
        previous.push(old === null ? null : [...keyValues, ...old, ...row.slice(keyValues.length + calls)]);
      }
    }
    return previous === undefined ? out : { ...out, previous };
  }
}
