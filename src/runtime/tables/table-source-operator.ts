import { formatByName } from '../../serde/index.js';
import type { SqlValue } from '../../types/index.js';
import {
  decodeAccumulator,
  encodeAccumulator,
  type WindowLimits,
  withinWindowLimits,
} from '../aggregate/index.js';
import type { Operator, OperatorContext, RowBatch } from '../operators.js';
import type { RuntimeSource } from '../runtime-source.js';
import {
  type KeyValueEntry,
  type KeyValueStore,
  keyOfStoreKey,
  type StoreSpec,
  sessionStoreKey,
  type ValueCodec,
  windowStoreKey,
} from '../state/index.js';

/**
 * ksqlDB's store of a table source's rows (its `KsqlTopic-Reduce`); a join names its sides'
 * `KafkaTopic_Left-Reduce` and `KafkaTopic_Right-Reduce`.
 */
export const TABLE_SOURCE_STORE = 'KsqlTopic-Reduce';

/**
 * A source row as a store keeps it: its columns, then ROWTIME, ROWPARTITION and ROWOFFSET (then
 * WINDOWSTART and WINDOWEND for a windowed source).
 */
export const tableRowCodec: ValueCodec<SqlValue[]> = {
  encode: (row) => encodeAccumulator(row),
  decode: (bytes) => decodeAccumulator(bytes) as SqlValue[],
};

/** The store a table source's materialization declares when the query's stores are opened. */
export function tableSourceStoreSpec(name = TABLE_SOURCE_STORE): StoreSpec {
  return { name, kind: 'keyValue' };
}

/** The key columns' positions in a source row. */
export function keyColumnPositions(source: RuntimeSource): number[] {
  return source.columns.flatMap((c, i) => (c.namespace === 'KEY' ? [i] : []));
}

/**
 * A table source read as ksqlDB reads it (`StreamsBuilder.table()` through a materialized
 * transformer): each record upserts its key's row in a state store, a record without value deletes
 * it, and every change goes on with the row it replaced (`RowBatch.previous`), so a WHERE, HAVING or
 * GROUP BY downstream can retract what it emitted for the old row. A record whose key (or any key
 * column) is NULL cannot be a table row: it is dropped and reported to the processing log.
 *
 * The store is keyed by the key columns serialized in the source's key format (what ksqlDB's store
 * holds), so `rowOf` finds a row by key for lookups (joins, pull queries on source tables). A windowed
 * source (WINDOW_TYPE) keeps one row per key and window, as a windowed aggregate's store does: keyed
 * as window store keys are (store-keys.ts), so one key's windows are one contiguous range that
 * `windowsOf` reads.
 */
export class TableSourceOperator implements Operator {
  readonly name = 'KsqlTopic.Reduce';
  readonly #store: KeyValueStore<SqlValue[]>;
  readonly #keyColumns: readonly number[];
  readonly #serializeKey: (values: readonly SqlValue[]) => Buffer | null;
  readonly #context: OperatorContext;
  readonly #topic: string;
  /** Where a source row holds ROWTIME: after its columns. */
  readonly #rowtime: number;
  /** A windowed source's kind of window; rows hold its bounds after ROWOFFSET. */
  readonly #window: 'TIME' | 'SESSION' | undefined;

  constructor(source: RuntimeSource, context: OperatorContext, storeName = TABLE_SOURCE_STORE) {
    const stores = context.stores;
    if (stores === undefined)
      throw new Error('a table source needs the query’s state stores (OperatorContext.stores)');
    this.#store = stores.keyValueStore(storeName, tableRowCodec);
    this.#keyColumns = keyColumnPositions(source);
    this.#context = context;
    this.#topic = source.topic;
    this.#rowtime = source.columns.length;
    const w = source.windowInfo;
    this.#window = w === undefined ? undefined : w.type === 'SESSION' ? 'SESSION' : 'TIME';
    const keys = source.columns.filter((c) => c.namespace === 'KEY');
    const serializer = formatByName(source.keyFormat === 'NONE' ? 'JSON' : source.keyFormat).createSerializer(
      keys,
      {
        target: 'key',
        ...(source.serde.keyDelimiter === undefined ? {} : { delimiter: source.serde.keyDelimiter }),
      },
    );
    this.#serializeKey = (values) => serializer(values);
  }

  /** The store key of a row's key values (as the source's key format writes them). */
  storeKey(keyValues: readonly SqlValue[]): Buffer | null {
    return this.#serializeKey(keyValues);
  }

  /** The table's current row for these key values, if any (not for a windowed source: `windowsOf`). */
  rowOf(keyValues: readonly SqlValue[]): SqlValue[] | undefined {
    if (this.#window !== undefined) throw new Error('a windowed table source has rows per window: windowsOf');
    const key = this.#serializeKey(keyValues);
    return key === null ? undefined : this.#store.get(key);
  }

  /** A windowed source's rows of one key within the limits, by window start (then end). */
  windowsOf(keyValues: readonly SqlValue[], limits: WindowLimits): SqlValue[][] {
    const key = this.#serializeKey(keyValues);
    if (key === null) return [];
    const last = Number.MAX_SAFE_INTEGER;
    const range =
      this.#window === 'SESSION'
        ? this.#store.range(sessionStoreKey(key, 0, 0), sessionStoreKey(key, last, last))
        : this.#store.range(windowStoreKey(key, 0), windowStoreKey(key, last));
    const rows = this.#within([...range], limits);
    // Session keys order a key's sessions by end; rows go by start.
    return this.#window === 'SESSION' ? rows.sort((a, b) => this.#byWindow(a, b)) : rows;
  }

  /**
   * Every row in store order (a windowed source's: each key's windows by start, within the limits),
   * as a table scan returns them.
   */
  *scan(limits: WindowLimits = {}): Generator<SqlValue[]> {
    if (this.#window === undefined) {
      for (const e of this.#store.all()) yield e.value;
      return;
    }
    // One key's windows are contiguous: gathered, then put in start order.
    let group: KeyValueEntry<SqlValue[]>[] = [];
    const flush = () => {
      const rows = this.#within(group, limits);
      group = [];
      return this.#window === 'SESSION' ? rows.sort((a, b) => this.#byWindow(a, b)) : rows;
    };
    for (const e of this.#store.all()) {
      if (group.length > 0 && !keyOfStoreKey(group[0].key).equals(keyOfStoreKey(e.key))) yield* flush();
      group.push(e);
    }
    yield* flush();
  }

  #within(entries: readonly KeyValueEntry<SqlValue[]>[], limits: WindowLimits): SqlValue[][] {
    const at = this.#rowtime + 3;
    const out: SqlValue[][] = [];
    for (const { value } of entries)
      if (withinWindowLimits(limits, Number(value[at]), Number(value[at + 1]))) out.push(value);
    return out;
  }

  #byWindow(a: readonly SqlValue[], b: readonly SqlValue[]): number {
    const at = this.#rowtime + 3;
    return Number(a[at]) - Number(b[at]) || Number(a[at + 1]) - Number(b[at + 1]);
  }

  /** A row's store key: its key, with its window for a windowed source. */
  #storeKeyOf(key: Buffer, row: readonly SqlValue[]): Buffer {
    if (this.#window === undefined) return key;
    const start = Number(row[this.#rowtime + 3]);
    return this.#window === 'SESSION'
      ? sessionStoreKey(key, start, Number(row[this.#rowtime + 4]))
      : windowStoreKey(key, start);
  }

  process(batch: RowBatch): RowBatch {
    const out: RowBatch = {
      rows: [],
      deletes: [],
      timestamps: [],
      origins: [],
      records: batch.records,
      partition: batch.partition,
      previous: [],
    };
    const previous = out.previous as (SqlValue[] | null)[];
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i];
      const keyValues = this.#keyColumns.map((k) => row[k]);
      const serialized = keyValues.includes(null) ? null : this.#serializeKey(keyValues);
      if (serialized === null) {
        this.#dropNullKey(batch, i);
        continue;
      }
      const key = this.#storeKeyOf(serialized, row);
      const old = this.#store.get(key) ?? null;
      const deleted = batch.deletes[i];
      // A delete of a key the table does not hold still goes on (ksqlDB's CTAS forwards it as a
      // tombstone); a WHERE downstream drops it, since no old row passed.
      // The stored row keeps its ROWTIME (the decoder may have left it out), for pull queries.
      if (!deleted) row[this.#rowtime] ??= BigInt(batch.timestamps[i]);
      this.#store.put(key, deleted ? null : row, batch.timestamps[i]);
      out.rows.push(row);
      out.deletes.push(deleted);
      out.timestamps.push(batch.timestamps[i]);
      out.origins.push(batch.origins[i]);
      previous.push(old);
    }
    return out;
  }

  #dropNullKey(batch: RowBatch, i: number): void {
    const record = batch.records[batch.origins[i]];
    this.#context.countFailure();
    this.#context.processingLog.processingError(
      this.#context.queryId,
      batch.rows[i],
      new Error(
        `Skipping record with a NULL key: a table row needs every PRIMARY KEY column. topic=[${this.#topic}] partition=[${batch.partition}] offset=[${record?.offset ?? -1}]`,
      ),
    );
  }
}
