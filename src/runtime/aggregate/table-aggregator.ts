import type { KeyValueStore } from '../state/index.js';
import type { AggregateCalls, AggregateState } from './aggregate-state.js';
import { type AggregateOutput, type GroupedRecord, nullGroupingColumn } from './grouped-records.js';
import { ChangeEmitter } from './record-cache.js';

/**
 * One change of the source table, grouped by the caller: the row it replaces (from the source's
 * materialization) and the new row, either absent (insert, delete).
 */
export interface TableRowChange {
  readonly old: GroupedRecord | null;
  readonly new: GroupedRecord | null;
  readonly timestamp: number;
}

/**
 * GROUP BY over a table (Kafka Streams' KGroupedTable.aggregate with add and subtract): a change
 * first takes the old row out of its group, then adds the new row to its group, each emitting the
 * group's row, subtract first, even when both are the same group (a record cache coalesces the two). Groups are never deleted: a group
 * whose rows all left stays with its empty results (COUNT 0). Every call must be table-capable.
 */
export class TableAggregator {
  readonly #calls: AggregateCalls;
  readonly #store: KeyValueStore<AggregateState>;
  readonly #out: ChangeEmitter;

  constructor(calls: AggregateCalls, store: KeyValueStore<AggregateState>, out?: ChangeEmitter) {
    this.#calls = calls;
    this.#store = store;
    this.#out = out ?? new ChangeEmitter(calls);
  }

  process(batch: readonly TableRowChange[]): AggregateOutput {
    const dropped = [];
    for (const change of batch) {
      for (const [record, subtract] of [
        [change.old, true],
        [change.new, false],
      ] as const) {
        if (record === null) continue;
        const nullKey = nullGroupingColumn(record);
        if (nullKey !== undefined) {
          if (!subtract) dropped.push(nullKey);
          continue;
        }
        const current = this.#store.get(record.key);
        // Taking a row out of a group that was never built (its row was dropped) changes nothing.
        if (subtract && current === undefined) continue;
        const previous = this.#calls.oldResults(current);
        const base = current ?? this.#calls.initialize(record.keyValues);
        const state = subtract
          ? this.#calls.undo(base, record.inputs, change.timestamp)
          : this.#calls.aggregate(base, record.inputs, change.timestamp);
        this.#store.put(record.key, state, change.timestamp);
        this.#out.emit(
          record.key,
          record.keyValues,
          Number.NaN,
          Number.NaN,
          state,
          state.t,
          previous,
          current !== undefined,
          record.origin,
        );
      }
    }
    return { changes: this.#out.take(), dropped };
  }
}
