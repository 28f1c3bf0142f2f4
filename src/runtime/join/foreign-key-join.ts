// A foreign-key table-table join (`ON left.<expression> = right.<primary key>`, Kafka Streams'
// KTable-KTable foreign-key join): the result is keyed by the left table's primary key. One task
// sees every partition, so instead of Kafka Streams' subscription topics an index of which left
// keys refer to each right key (ksqlDB's subscription store) is kept beside both tables' rows.
import type { SqlValue } from '../../types/index.js';
import { decodeAccumulator, encodeAccumulator } from '../aggregate/state-codec.js';
import { evaluateOrNull, type Operator, type OperatorContext, type RowBatch } from '../operators.js';
import type { KeyValueStore, StoreSpec } from '../state/index.js';
import { joinKeyBytes } from './join-keys.js';
import { emptyLike, type JoinedRowLayout, joinedRow } from './joined-rows.js';

type RowFunction = (row: readonly SqlValue[]) => SqlValue;

export interface ForeignKeyJoinSpec extends JoinedRowLayout {
  readonly joinType: 'INNER' | 'LEFT';
  /** The left table's primary key: the result's key. */
  readonly leftPrimaryKey: RowFunction;
  /** The foreign key over the left row. */
  readonly foreignKey: RowFunction;
  /** The right table's primary key. */
  readonly rightKey: RowFunction;
  readonly stores: { readonly left: string; readonly right: string; readonly index: string };
}

export function foreignKeyJoinStores(spec: ForeignKeyJoinSpec): StoreSpec[] {
  return [
    { name: spec.stores.left, kind: 'keyValue' },
    { name: spec.stores.right, kind: 'keyValue' },
    { name: spec.stores.index, kind: 'keyValue' },
  ];
}

interface StoredRow {
  readonly r: SqlValue[];
  readonly t: number;
}

function codec<V>() {
  return {
    encode: (v: V) => encodeAccumulator(v),
    decode: (bytes: Buffer) => decodeAccumulator(bytes) as V,
  };
}

/**
 * `leftSide` takes the left table's changes: each recomputes its own key's row (joined with the
 * right row its foreign key names; INNER without one, or a deleted left row, is a tombstone).
 * `rightSide` takes the right table's changes: each recomputes every left row that refers to it
 * (INNER: a deleted right row tombstones them; LEFT: gives them with NULLs).
 */
export class ForeignKeyJoin {
  readonly leftSide: Operator;
  readonly rightSide: Operator;
  readonly #spec: ForeignKeyJoinSpec;
  readonly #context: OperatorContext;
  readonly #left: KeyValueStore<StoredRow>;
  readonly #right: KeyValueStore<StoredRow>;
  /** Right key → the left keys (values) whose foreign key it is. */
  readonly #index: KeyValueStore<SqlValue[]>;

  constructor(spec: ForeignKeyJoinSpec, context: OperatorContext) {
    const stores = context.stores;
    if (stores === undefined)
      throw new Error('a join needs the query’s state stores (OperatorContext.stores)');
    this.#spec = spec;
    this.#context = context;
    this.#left = stores.keyValueStore(spec.stores.left, codec<StoredRow>());
    this.#right = stores.keyValueStore(spec.stores.right, codec<StoredRow>());
    this.#index = stores.keyValueStore(spec.stores.index, codec<SqlValue[]>());
    this.leftSide = { name: 'Join', process: (batch) => this.#processLeft(batch) };
    this.rightSide = { name: 'Join', process: (batch) => this.#processRight(batch) };
  }

  #processLeft(batch: RowBatch): RowBatch {
    const out: RowBatch & { previous: (SqlValue[] | null)[] } = { ...emptyLike(batch), previous: [] };
    const { leftPrimaryKey, foreignKey, joinType } = this.#spec;
    for (let i = 0; i < batch.rows.length; i++) {
      const key = evaluateOrNull(this.#context, leftPrimaryKey, batch.rows[i]);
      if (key === null) continue;
      const bytes = joinKeyBytes(key) as Buffer;
      const timestamp = batch.timestamps[i];
      const next = batch.deletes[i] ? null : batch.rows[i];
      const old = this.#left.get(bytes) ?? null;
      if (next === null && old === null) continue;
      const oldFk = old === null ? null : evaluateOrNull(this.#context, foreignKey, old.r);
      const newFk = next === null ? null : evaluateOrNull(this.#context, foreignKey, next);
      if (!sameValue(oldFk, newFk)) {
        if (oldFk !== null) this.#unindex(oldFk, key, timestamp);
        if (newFk !== null) this.#reindex(newFk, key, timestamp);
      }
      this.#left.put(bytes, next === null ? null : { r: next, t: timestamp }, timestamp);
      const match = newFk === null ? undefined : this.#right.get(joinKeyBytes(newFk) as Buffer);
      const previous = this.#result(
        old,
        oldFk === null ? undefined : this.#right.get(joinKeyBytes(oldFk) as Buffer),
        key,
      );
      let row: SqlValue[] | null = null;
      if (next !== null && (match !== undefined || joinType === 'LEFT'))
        row = joinedRow(this.#spec, next, match?.r, key, 0);
      // A new left row whose foreign key names no right row gives nothing (Kafka Streams'
      // PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE); an updated one is removed from the result.
      else if (old === null) continue;
      const time = Math.max(timestamp, match?.t ?? timestamp);
      this.#push(out, row, key, time, batch.origins[i], previous);
    }
    return out;
  }

  #processRight(batch: RowBatch): RowBatch {
    const out: RowBatch & { previous: (SqlValue[] | null)[] } = { ...emptyLike(batch), previous: [] };
    const { rightKey, joinType } = this.#spec;
    for (let i = 0; i < batch.rows.length; i++) {
      const key = evaluateOrNull(this.#context, rightKey, batch.rows[i]);
      if (key === null) continue;
      const bytes = joinKeyBytes(key) as Buffer;
      const timestamp = batch.timestamps[i];
      const next = batch.deletes[i] ? null : batch.rows[i];
      const old = this.#right.get(bytes);
      this.#right.put(bytes, next === null ? null : { r: next, t: timestamp }, timestamp);
      for (const leftKey of this.#index.get(bytes) ?? []) {
        const left = this.#left.get(joinKeyBytes(leftKey) as Buffer);
        if (left === undefined) continue;
        const row =
          next !== null || joinType === 'LEFT'
            ? joinedRow(this.#spec, left.r, next ?? undefined, leftKey, 0)
            : null;
        const time = Math.max(timestamp, left.t);
        this.#push(out, row, leftKey, time, batch.origins[i], this.#result(left, old, leftKey));
      }
    }
    return out;
  }

  /** The joined row a left row and a right row (or none) give, as the previous result. */
  #result(left: StoredRow | null, right: StoredRow | undefined, key: SqlValue): SqlValue[] | null {
    if (left === null) return null;
    if (right === undefined && this.#spec.joinType === 'INNER') return null;
    return joinedRow(this.#spec, left.r, right?.r, key, 0);
  }

  #push(
    out: RowBatch & { previous: (SqlValue[] | null)[] },
    row: SqlValue[] | null,
    key: SqlValue,
    time: number,
    origin: number,
    previous: SqlValue[] | null,
  ): void {
    const final = row ?? joinedRow(this.#spec, undefined, undefined, key, time);
    // The joined row's time, now that it is known.
    if (this.#spec.fillsRowtime !== false) final[final.length - 1] = BigInt(time);
    out.rows.push(final);
    out.deletes.push(row === null);
    out.timestamps.push(time);
    out.origins.push(origin);
    out.previous.push(previous);
  }

  #reindex(fk: SqlValue, leftKey: SqlValue, timestamp: number): void {
    const at = joinKeyBytes(fk) as Buffer;
    const keys = this.#index.get(at) ?? [];
    if (!keys.some((k) => sameValue(k, leftKey))) this.#index.put(at, [...keys, leftKey], timestamp);
  }

  #unindex(fk: SqlValue, leftKey: SqlValue, timestamp: number): void {
    const at = joinKeyBytes(fk) as Buffer;
    const keys = (this.#index.get(at) ?? []).filter((k) => !sameValue(k, leftKey));
    this.#index.put(at, keys.length === 0 ? null : keys, timestamp);
  }
}

function sameValue(a: SqlValue, b: SqlValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const ab = joinKeyBytes(a) as Buffer;
  return ab.equals(joinKeyBytes(b) as Buffer);
}
