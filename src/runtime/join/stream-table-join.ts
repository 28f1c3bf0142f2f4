// A stream-table join (ksqlDB's StreamTableJoinBuilder over Kafka Streams' KStream-KTable join):
// the table's rows are kept by key in a changelogged state store (ksqlDB's KafkaTopic_Right-Reduce),
// upserted and deleted as its records arrive; only stream records emit, each joined with the
// table row its key has at that moment.
import type { SqlValue } from '../../types/index.js';
import {
  evaluateOrNull,
  type Operator,
  type OperatorContext,
  type RowBatch,
  type RowSteps,
} from '../operators.js';
import type { KeyValueStore, StoreSpec } from '../state/index.js';
import { joinKeyBytes, storedRowCodec } from './join-keys.js';
import { copyInto, emptyLike, fillLeft, type JoinedRowLayout, joinedRowOfLeft } from './joined-rows.js';
import { ABSENT, primitiveMirrorKey, TableMirror } from './table-mirror.js';

type RowFunction = (row: readonly SqlValue[]) => SqlValue;

/** ksqlDB's name of the store a join keeps its right (table) side in. */
export const JOIN_TABLE_STORE = 'KafkaTopic_Right-Reduce';

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
  // The join keeps the decoded rows itself (TableMirror): the store's own cache would hold them twice.
  return [{ name: store, kind: 'keyValue', cachedEntries: 0 }];
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
   * The table's rows by key, decoded. Every table change goes through `#materialize`, which keeps
   * it in step with the store; a query whose batch is rolled back builds its operators again, and
   * with them an empty mirror.
   */
  readonly #mirror: TableMirror;
  /** Each stream row's join key and its table row's slot in the mirror, for the batch in hand. */
  readonly #keys: SqlValue[] = [];
  readonly #matches: number[] = [];
  /** The WHERE and SELECT after the join, run on each joined row as it is made (see constructor). */
  readonly #then: RowSteps | undefined;
  /** The joined row `#then` reads, one for every stream row: it never outlives its turn. */
  readonly #scratch: SqlValue[];

  /**
   * `then`: the stream's WHERE and SELECT that follow the join, if the caller hands them over: the
   * join then gives their rows, each joined row built in one scratch array, never allocated (a
   * wide row per stream record was most of the garbage a join made).
   */
  constructor(spec: StreamTableJoinSpec, context: OperatorContext, then?: RowSteps) {
    const stores = context.stores;
    if (stores === undefined)
      throw new Error('a join needs the query’s state stores (OperatorContext.stores)');
    this.#spec = spec;
    this.#context = context;
    this.#mirror = new TableMirror(spec.rightWidth);
    this.#then = then;
    this.#scratch = new Array<SqlValue>(then === undefined ? 0 : spec.leftWidth + spec.rightWidth + 2).fill(
      null,
    );
    const store = spec.store ?? JOIN_TABLE_STORE;
    this.#table = stores.keyValueStore(store, storedRowCodec);
    this.tableSide = { name: store, process: (batch) => this.#materialize(batch) };
    this.streamSide = { name: 'Join', process: (batch) => this.#join(batch) };
  }

  #materialize(batch: RowBatch): RowBatch {
    const { tableKey } = this.#spec;
    const mirror = this.#mirror;
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i];
      const key = evaluateOrNull(this.#context, tableKey, row);
      // A table record without key is dropped, as ksqlDB drops it.
      if (key === null) continue;
      const value = batch.deletes[i] ? null : row;
      const bytes = joinKeyBytes(key) as Buffer;
      this.#table.put(bytes, value, batch.timestamps[i]);
      mirror.set(primitiveMirrorKey(key) ?? bytes.toString('latin1'), value);
    }
    return emptyLike(batch);
  }

  #join(batch: RowBatch): RowBatch {
    const spec = this.#spec;
    const { streamKey } = spec;
    const inner = spec.joinType === 'INNER';
    const { rows, deletes, timestamps, origins } = batch;
    const n = rows.length;
    // In three passes (keys, lookups, joined rows): a loop of lookups alone lets the CPU wait for
    // several table rows' memory at once, where one loop doing everything waits for each in turn.
    const keys = this.#keys;
    const matches = this.#matches;
    const then = this.#then;
    const scratch = this.#scratch;
    for (let i = 0; i < n; i++)
      keys[i] = deletes[i] ? null : evaluateOrNull(this.#context, streamKey, rows[i]);
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      matches[i] = key === null ? ABSENT : this.#lookup(key);
    }
    // The output's arrays are made at the most they can hold and cut to what was joined, rather
    // than grown (and copied) row by row.
    const joined = new Array<SqlValue[]>(n);
    const joinedTimestamps = new Array<number>(n);
    const joinedOrigins = new Array<number>(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      if (key === null) continue;
      const slot = matches[i];
      if (slot === ABSENT && inner) continue;
      const timestamp = timestamps[i];
      let row: SqlValue[];
      if (then === undefined) {
        row = joinedRowOfLeft(spec, rows[i], key, timestamp);
        this.#fillRight(row, slot);
      } else {
        fillLeft(scratch, spec, rows[i], key, timestamp);
        this.#fillRight(scratch, slot);
        const out = then(scratch);
        if (out === undefined) continue;
        row = out === scratch ? scratch.slice() : out;
      }
      joined[count] = row;
      joinedTimestamps[count] = timestamp;
      joinedOrigins[count] = origins[i];
      count++;
    }
    joined.length = count;
    joinedTimestamps.length = count;
    joinedOrigins.length = count;
    // The scratch arrays keep their size for the next batch, and no key or row past this one.
    keys.fill(null, 0, n);
    scratch.fill(null);
    return {
      rows: joined,
      deletes: new Array<boolean>(count).fill(false),
      timestamps: joinedTimestamps,
      origins: joinedOrigins,
      records: batch.records,
      partition: batch.partition,
    };
  }

  /** The table row in `slot` (NULLs when ABSENT) into a joined row's right side. */
  #fillRight(row: SqlValue[], slot: number): void {
    const { leftWidth, rightWidth } = this.#spec;
    if (slot === ABSENT) copyInto(row, leftWidth, undefined, rightWidth);
    else this.#mirror.copyRow(slot, row, leftWidth);
  }

  /** The key's slot in the mirror, or ABSENT: from the mirror, else from the store (then mirrored). */
  #lookup(key: SqlValue): number {
    const primitive = primitiveMirrorKey(key);
    if (primitive !== undefined) {
      const known = this.#mirror.slotOf(primitive);
      if (known !== undefined) return known;
      return this.#mirror.set(primitive, this.#table.get(joinKeyBytes(key) as Buffer) ?? null);
    }
    // Keys without a primitive value are mirrored by their bytes' text.
    const bytes = joinKeyBytes(key) as Buffer;
    const id = bytes.toString('latin1');
    const known = this.#mirror.slotOf(id);
    if (known !== undefined) return known;
    return this.#mirror.set(id, this.#table.get(bytes) ?? null);
  }
}
