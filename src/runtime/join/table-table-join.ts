// A primary-key table-table join (Kafka Streams' KTableKTable{Inner,Left,Outer}Join, which ksqlDB
// runs): each side's rows are kept by key in its own changelogged store (ksqlDB's
// KafkaTopic_Left-Reduce and KafkaTopic_Right-Reduce), and any change on either side recomputes
// that key's joined row: an upsert, or a tombstone when the key no longer joins.
import type { SqlValue } from '../../types/index.js';
import { decodeAccumulator, encodeAccumulator } from '../aggregate/state-codec.js';
import { evaluateOrNull, type Operator, type OperatorContext, type RowBatch } from '../operators.js';
import type { KeyValueStore, StoreSpec } from '../state/index.js';
import { joinKeyBytes } from './join-keys.js';
import { emptyLike, type JoinedRowLayout, joinedRow } from './joined-rows.js';

type RowFunction = (row: readonly SqlValue[]) => SqlValue;
type Side = 'left' | 'right';

export interface TableTableJoinSpec extends JoinedRowLayout {
  readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
  /** Each side's primary key over its row. */
  readonly leftKey: RowFunction;
  readonly rightKey: RowFunction;
  readonly stores: { readonly left: string; readonly right: string };
}

export function tableTableJoinStores(spec: TableTableJoinSpec): StoreSpec[] {
  return [
    { name: spec.stores.left, kind: 'keyValue' },
    { name: spec.stores.right, kind: 'keyValue' },
  ];
}

/** A side's row with the time of the record that wrote it (the joined row's time is the later one). */
interface StoredRow {
  readonly r: SqlValue[];
  readonly t: number;
}

const storedCodec = {
  encode: (v: StoredRow) => encodeAccumulator(v),
  decode: (bytes: Buffer) => decodeAccumulator(bytes) as StoredRow,
};

/**
 * The join's two entry points, `leftSide` and `rightSide`: each takes its table's changes (a
 * deleted row removes its key) and gives the joined rows they change, each with the joined row it
 * replaces (`previous`), so a WHERE after the join retracts only what it let through. A side whose
 * rows are kept without a match (LEFT's left, RIGHT's right, both in FULL) gives them with NULLs for
 * the other; a key that no longer joins gives a tombstone.
 */
export class TableTableJoin {
  readonly leftSide: Operator;
  readonly rightSide: Operator;
  readonly #spec: TableTableJoinSpec;
  readonly #context: OperatorContext;
  readonly #stores: Record<Side, KeyValueStore<StoredRow>>;
  readonly #outer: Record<Side, boolean>;

  constructor(spec: TableTableJoinSpec, context: OperatorContext) {
    const stores = context.stores;
    if (stores === undefined)
      throw new Error('a join needs the query’s state stores (OperatorContext.stores)');
    this.#spec = spec;
    this.#context = context;
    this.#stores = {
      left: stores.keyValueStore(spec.stores.left, storedCodec),
      right: stores.keyValueStore(spec.stores.right, storedCodec),
    };
    this.#outer = {
      left: spec.joinType === 'LEFT' || spec.joinType === 'FULL',
      right: spec.joinType === 'RIGHT' || spec.joinType === 'FULL',
    };
    this.leftSide = { name: 'Join', process: (batch) => this.#process('left', batch) };
    this.rightSide = { name: 'Join', process: (batch) => this.#process('right', batch) };
  }

  /** The joined row of a side's row and the other side's, in left-right order; null when there is none. */
  #joined(side: Side, mine: SqlValue[] | null, theirs: SqlValue[] | null, key: SqlValue, time: number) {
    const other: Side = side === 'left' ? 'right' : 'left';
    if (mine === null && theirs === null) return null;
    if (mine === null && !this.#outer[other]) return null;
    if (theirs === null && !this.#outer[side]) return null;
    const [left, right] = side === 'left' ? [mine, theirs] : [theirs, mine];
    return joinedRow(this.#spec, left ?? undefined, right ?? undefined, key, time);
  }

  #process(side: Side, batch: RowBatch): RowBatch {
    const out: RowBatch & { previous: (SqlValue[] | null)[] } = { ...emptyLike(batch), previous: [] };
    const other: Side = side === 'left' ? 'right' : 'left';
    const keyOf = side === 'left' ? this.#spec.leftKey : this.#spec.rightKey;
    const own = this.#stores[side];
    for (let i = 0; i < batch.rows.length; i++) {
      const key = evaluateOrNull(this.#context, keyOf, batch.rows[i]);
      if (key === null) continue;
      const bytes = joinKeyBytes(key) as Buffer;
      const timestamp = batch.timestamps[i];
      const next = batch.deletes[i] ? null : batch.rows[i];
      const old = own.get(bytes)?.r ?? null;
      own.put(bytes, next === null ? null : { r: next, t: timestamp }, timestamp);
      const match = this.#stores[other].get(bytes);
      // Kafka Streams: a change with no row on the other side gives nothing unless this side's rows
      // stand alone; a delete of a key never seen gives nothing.
      if (match === undefined && (!this.#outer[side] || (next === null && old === null))) continue;
      const theirs = match?.r ?? null;
      const time = match === undefined ? timestamp : Math.max(timestamp, match.t);
      const row = this.#joined(side, next, theirs, key, time);
      out.rows.push(row ?? this.#keyRow(key));
      out.deletes.push(row === null);
      out.timestamps.push(time);
      out.origins.push(batch.origins[i]);
      out.previous.push(this.#joined(side, old, theirs, key, time));
    }
    return out;
  }

  /** A deleted key's row: only the join key is known. */
  #keyRow(key: SqlValue): SqlValue[] {
    return joinedRow(this.#spec, undefined, undefined, key, 0);
  }
}
