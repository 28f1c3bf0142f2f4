// A stream-table join (ksqlDB's StreamTableJoinBuilder over Kafka Streams' KStream-KTable join):
// the table's rows are kept by key in a changelogged state store (ksqlDB's KafkaTopic_Right-Reduce),
// upserted and deleted as its records arrive; only stream records emit, each joined with the
// table row its key has at that moment.
import type { SqlValue } from '../../types/index.js';
import { evaluateOrNull, type Operator, type OperatorContext, type RowBatch } from '../operators.js';
import type { KeyValueStore, StoreSpec } from '../state/index.js';
import { joinKeyBytes, storedRowCodec } from './join-keys.js';
import { emptyLike, type JoinedRowLayout, joinedRow } from './joined-rows.js';

type RowFunction = (row: readonly SqlValue[]) => SqlValue;

/** ksqlDB's name of the store a join keeps its right (table) side in. */
export const JOIN_TABLE_STORE = 'KafkaTopic_Right-Reduce';

/** How many table rows the join keeps at hand by their key value (beside the store's own cache). */
const MIRROR_ENTRIES = 100_000;

export interface StreamTableJoinSpec extends JoinedRowLayout {
  readonly joinType: 'INNER' | 'LEFT';
  /** The stream's join expression over its row. */
  readonly streamKey: RowFunction;
  /** The table's primary key over its row. */
  readonly tableKey: RowFunction;
  /** The store the table's rows are kept in (default JOIN_TABLE_STORE; each join of a multi-way join has its own). */
  readonly store?: string;
}

export function streamTableJoinStores(store = JOIN_TABLE_STORE): StoreSpec[] {
  return [{ name: store, kind: 'keyValue' }];
}

/**
 * The join's two entry points: `tableSide` takes the table's rows (a deleted row removes its key)
 * and gives nothing; `streamSide` takes the stream's rows and gives the joined rows: INNER only
 * when the table has the key now, LEFT with NULLs for the table's columns otherwise. A stream row
 * without value or with a NULL join key joins nothing. The result keeps the stream row's time.
 */
export class StreamTableJoin {
  readonly tableSide: Operator;
  readonly streamSide: Operator;
  readonly #spec: StreamTableJoinSpec;
  readonly #table: KeyValueStore<SqlValue[]>;
  readonly #context: OperatorContext;
  /**
   * Table rows by their key value (a primitive: number, string, bigint), null for a key the table
   * does not have: a lookup without encoding the key. Every table change goes through
   * `#materialize`, which keeps it in step with the store; a query whose batch is rolled back
   * builds its operators again, and with them an empty mirror.
   */
  readonly #mirror = new Map<SqlValue, SqlValue[] | null>();

  constructor(spec: StreamTableJoinSpec, context: OperatorContext) {
    const stores = context.stores;
    if (stores === undefined)
      throw new Error('a join needs the query’s state stores (OperatorContext.stores)');
    this.#spec = spec;
    this.#context = context;
    const store = spec.store ?? JOIN_TABLE_STORE;
    this.#table = stores.keyValueStore(store, storedRowCodec);
    this.tableSide = { name: store, process: (batch) => this.#materialize(batch) };
    this.streamSide = { name: 'Join', process: (batch) => this.#join(batch) };
  }

  #materialize(batch: RowBatch): RowBatch {
    const { tableKey } = this.#spec;
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i];
      const key = evaluateOrNull(this.#context, tableKey, row);
      // A table record without key is dropped, as ksqlDB drops it.
      if (key === null) continue;
      const value = batch.deletes[i] ? null : row;
      this.#table.put(joinKeyBytes(key) as Buffer, value, batch.timestamps[i]);
      if (isPrimitive(key)) this.#remember(key, value);
    }
    return emptyLike(batch);
  }

  #join(batch: RowBatch): RowBatch {
    const out = emptyLike(batch);
    const { streamKey, joinType } = this.#spec;
    for (let i = 0; i < batch.rows.length; i++) {
      if (batch.deletes[i]) continue;
      const row = batch.rows[i];
      const key = evaluateOrNull(this.#context, streamKey, row);
      if (key === null) continue;
      const match = this.#lookup(key);
      if (match === undefined && joinType === 'INNER') continue;
      const timestamp = batch.timestamps[i];
      out.rows.push(joinedRow(this.#spec, row, match, key, timestamp));
      out.deletes.push(false);
      out.timestamps.push(timestamp);
      out.origins.push(batch.origins[i]);
    }
    return out;
  }

  #lookup(key: SqlValue): SqlValue[] | undefined {
    if (!isPrimitive(key)) return this.#table.get(joinKeyBytes(key) as Buffer);
    const known = this.#mirror.get(key);
    if (known !== undefined) return known ?? undefined;
    const row = this.#table.get(joinKeyBytes(key) as Buffer);
    this.#remember(key, row ?? null);
    return row;
  }

  #remember(key: SqlValue, row: SqlValue[] | null): void {
    const mirror = this.#mirror;
    if (!mirror.has(key) && mirror.size >= MIRROR_ENTRIES) {
      // Map keeps insertion order: the oldest entry goes.
      for (const oldest of mirror.keys()) {
        mirror.delete(oldest);
        break;
      }
    }
    mirror.set(key, row);
  }
}

function isPrimitive(value: SqlValue): boolean {
  const type = typeof value;
  return type === 'number' || type === 'string' || type === 'bigint' || type === 'boolean';
}
