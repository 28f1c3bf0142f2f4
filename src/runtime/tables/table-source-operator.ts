import { formatByName } from '../../serde/index.js';
import type { SqlValue } from '../../types/index.js';
import { decodeAccumulator, encodeAccumulator } from '../aggregate/index.js';
import type { Operator, OperatorContext, RowBatch } from '../operators.js';
import type { RuntimeSource } from '../runtime-source.js';
import type { KeyValueStore, StoreSpec, ValueCodec } from '../state/index.js';

/**
 * ksqlDB's store of a table source's rows (its `KsqlTopic-Reduce`); a join names its sides'
 * `KafkaTopic_Left-Reduce` and `KafkaTopic_Right-Reduce`.
 */
export const TABLE_SOURCE_STORE = 'KsqlTopic-Reduce';

/** A source row as a store keeps it: its columns, then ROWTIME, ROWPARTITION and ROWOFFSET. */
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
 * holds), so `rowOf` finds a row by key for lookups (joins, pull queries on source tables).
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

  constructor(source: RuntimeSource, context: OperatorContext, storeName = TABLE_SOURCE_STORE) {
    const stores = context.stores;
    if (stores === undefined)
      throw new Error('a table source needs the query’s state stores (OperatorContext.stores)');
    this.#store = stores.keyValueStore(storeName, tableRowCodec);
    this.#keyColumns = keyColumnPositions(source);
    this.#context = context;
    this.#topic = source.topic;
    this.#rowtime = source.columns.length;
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

  /** The table's current row for these key values, if any. */
  rowOf(keyValues: readonly SqlValue[]): SqlValue[] | undefined {
    const key = this.#serializeKey(keyValues);
    return key === null ? undefined : this.#store.get(key);
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
      const key = keyValues.includes(null) ? null : this.#serializeKey(keyValues);
      if (key === null) {
        this.#dropNullKey(batch, i);
        continue;
      }
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
