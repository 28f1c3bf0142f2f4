// A table-table join's result kept by its key, as ksqlDB materializes the table a CREATE TABLE … AS
// SELECT … JOIN writes: the join's own stores hold each side's rows, not the joined ones, and a
// pull query reads the joined table by key or in full. The rows pass through unchanged.
import type { SqlValue } from '../../types/index.js';
import { decodeAccumulator, encodeAccumulator } from '../aggregate/state-codec.js';
import { joinKeyBytes } from '../join/join-keys.js';
import type { Operator, OperatorContext, RowBatch } from '../operators.js';
import type { KeyValueStore, StateStores, StoreSpec } from '../state/index.js';

export interface JoinedTableSpec {
  /** The state store's name. */
  readonly store: string;
  /** Where the join key sits in a joined row (a list of values for a key of several columns). */
  readonly keyIndex: number;
}

/** A joined row with the time of the change that wrote it (its ROWTIME). */
export interface JoinedTableRow {
  readonly r: SqlValue[];
  readonly t: number;
}

const codec = {
  encode: (v: JoinedTableRow) => encodeAccumulator(v),
  decode: (bytes: Buffer) => decodeAccumulator(bytes) as JoinedTableRow,
};

export function joinedTableStoreSpec(spec: JoinedTableSpec): StoreSpec {
  return { name: spec.store, kind: 'keyValue' };
}

/** Upserts each joined row under its key; a deleted key (tombstone) removes it. */
export class JoinedTableMaterializer implements Operator {
  readonly name = 'Materialize';
  readonly #store: KeyValueStore<JoinedTableRow>;
  readonly #keyIndex: number;

  constructor(spec: JoinedTableSpec, context: OperatorContext) {
    if (context.stores === undefined)
      throw new Error('a joined table needs the query’s state stores (OperatorContext.stores)');
    this.#store = context.stores.keyValueStore(spec.store, codec);
    this.#keyIndex = spec.keyIndex;
  }

  process(batch: RowBatch): RowBatch {
    for (let i = 0; i < batch.rows.length; i++) {
      const key = joinKeyBytes(batch.rows[i][this.#keyIndex]);
      if (key === null) continue;
      const t = batch.timestamps[i];
      this.#store.put(key, batch.deletes[i] ? null : { r: batch.rows[i], t }, t);
    }
    return batch;
  }
}

/** Reads a joined table's rows from a query's stores: by key values (the output's key columns), or all. */
export function joinedTableRows(
  stores: StateStores,
  spec: JoinedTableSpec,
): {
  lookup(keyValues: readonly SqlValue[]): JoinedTableRow | undefined;
  all(): Iterable<JoinedTableRow>;
} {
  const store = stores.keyValueStore(spec.store, codec);
  return {
    lookup: (keyValues) => {
      const key = joinKeyBytes(keyValues.length === 1 ? keyValues[0] : [...keyValues]);
      return key === null ? undefined : store.get(key);
    },
    all: function* () {
      for (const e of store.all()) yield e.value;
    },
  };
}
