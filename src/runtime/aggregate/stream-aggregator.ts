import type { KeyValueStore } from '../state/index.js';
import type { AggregateCalls, AggregateState } from './aggregate-state.js';
import { type AggregateOutput, type GroupedRecord, nullGroupingColumn } from './grouped-records.js';
import { ChangeEmitter } from './record-cache.js';

/**
 * GROUP BY over a stream without a window: each record updates its group's state in the store and
 * emits the group's new row (to the record cache when the query has one). The row's
 * timestamp is the largest timestamp the group has seen, as Kafka Streams' timestamped stores keep it.
 */
export class StreamAggregator {
  readonly #calls: AggregateCalls;
  readonly #store: KeyValueStore<AggregateState>;
  readonly #out: ChangeEmitter;

  constructor(calls: AggregateCalls, store: KeyValueStore<AggregateState>, out?: ChangeEmitter) {
    this.#calls = calls;
    this.#store = store;
    this.#out = out ?? new ChangeEmitter(calls);
  }

  process(batch: readonly GroupedRecord[]): AggregateOutput {
    const dropped = [];
    for (const record of batch) {
      const nullKey = nullGroupingColumn(record);
      if (nullKey !== undefined) {
        dropped.push(nullKey);
        continue;
      }
      const current = this.#store.get(record.key);
      const previous = this.#calls.oldResults(current);
      const state = this.#calls.aggregate(
        current ?? this.#calls.initialize(record.keyValues),
        record.inputs,
        record.timestamp,
      );
      this.#store.put(record.key, state, record.timestamp);
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
    return { changes: this.#out.take(), dropped };
  }
}
