import type { KeyValueStore } from '../state/index.js';
import type { AggregateCalls, AggregateState } from './aggregate-state.js';
import {
  type AggregateChange,
  type AggregateOutput,
  type GroupedRecord,
  nullGroupingColumn,
} from './grouped-records.js';

/**
 * GROUP BY over a stream without a window: each record updates its group's state in the store and
 * emits the group's new row (ksqlDB's test runner emits every update; no coalescing). The row's
 * timestamp is the largest timestamp the group has seen, as Kafka Streams' timestamped stores keep it.
 */
export class StreamAggregator {
  readonly #calls: AggregateCalls;
  readonly #store: KeyValueStore<AggregateState>;

  constructor(calls: AggregateCalls, store: KeyValueStore<AggregateState>) {
    this.#calls = calls;
    this.#store = store;
  }

  process(batch: readonly GroupedRecord[]): AggregateOutput {
    const changes: AggregateChange[] = [];
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
      changes.push({
        key: record.key,
        keyValues: record.keyValues,
        results: this.#calls.results(state),
        timestamp: state.t,
        ...(previous === undefined ? {} : { previous }),
        origin: record.origin,
      });
    }
    return { changes, dropped };
  }
}
