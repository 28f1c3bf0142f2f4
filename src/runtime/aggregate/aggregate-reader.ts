// Reads a running GROUP BY's state store as the rows of its table, for pull queries: the same rows
// the aggregate operator emits (GROUP BY values, each call's result, window bounds), straight from the
// store the query updates, in the same process. Reads see the batch in hand as well as committed state.
import type { SqlValue } from '../../types/index.js';
import type { StateStores } from '../state/index.js';
import { AGGREGATE_STORE, type AggregateOperatorSpec } from './aggregate-operator.js';
import { AggregateCalls, type AggregateState, aggregateStateCodec } from './aggregate-state.js';

/** One row of the aggregate's table, as the aggregate operator lays it out, with its ROWTIME. */
export interface AggregateRow {
  readonly row: SqlValue[];
  readonly timestamp: number;
}

/** Inclusive millisecond limits on a window's start and end; absent = unbounded. */
export interface WindowLimits {
  readonly startMin?: number;
  readonly startMax?: number;
  readonly endMin?: number;
  readonly endMax?: number;
}

const NO_TIME = 0;
const ALL_TIME = Number.MAX_SAFE_INTEGER;

/** Whether a window [start, end) is within the limits. */
export function withinWindowLimits(limits: WindowLimits, start: number, end: number): boolean {
  return (
    start >= (limits.startMin ?? NO_TIME) &&
    start <= (limits.startMax ?? ALL_TIME) &&
    end >= (limits.endMin ?? NO_TIME) &&
    end <= (limits.endMax ?? ALL_TIME)
  );
}

export class AggregateReader {
  readonly #spec: AggregateOperatorSpec;
  readonly #calls: AggregateCalls;
  readonly #stores: StateStores;

  constructor(stores: StateStores, spec: AggregateOperatorSpec) {
    this.#stores = stores;
    this.#spec = spec;
    this.#calls = new AggregateCalls(spec.calls.map((c) => c.aggregate.create()));
  }

  #row(
    state: AggregateState,
    keyValues: readonly SqlValue[] | undefined,
    window?: [number, number],
  ): AggregateRow {
    const k = state.k ?? keyValues;
    if (k === undefined)
      throw new Error('A state-store entry holds no GROUP BY values; restart the query to rebuild it.');
    const row: SqlValue[] = [...k, ...this.#calls.results(state)];
    if (window !== undefined) row.push(BigInt(window[0]), BigInt(window[1]));
    return { row, timestamp: state.t };
  }

  /** The rows of one key (its windows within `limits`, oldest first, under a window). */
  lookup(keyValues: readonly SqlValue[], limits: WindowLimits): AggregateRow[] {
    const key = this.#spec.serializeKey(keyValues);
    const w = this.#spec.window;
    if (w === undefined) {
      const state = this.#stores.keyValueStore(AGGREGATE_STORE, aggregateStateCodec).get(key);
      return state === undefined ? [] : [this.#row(state, keyValues)];
    }
    const out: AggregateRow[] = [];
    if (w.kind === 'SESSION') {
      const store = this.#stores.sessionStore(AGGREGATE_STORE, aggregateStateCodec);
      const sessions = store.findSessions(key, limits.endMin ?? NO_TIME, limits.startMax ?? ALL_TIME);
      sessions.sort((a, b) => a.start - b.start || a.end - b.end);
      for (const s of sessions) {
        if (withinWindowLimits(limits, s.start, s.end))
          out.push(this.#row(s.value, keyValues, [s.start, s.end]));
      }
      return out;
    }
    const store = this.#stores.windowStore(AGGREGATE_STORE, aggregateStateCodec);
    for (const e of store.fetch(key, limits.startMin ?? NO_TIME, limits.startMax ?? ALL_TIME)) {
      const end = e.windowStart + w.sizeMs;
      if (withinWindowLimits(limits, e.windowStart, end))
        out.push(this.#row(e.value, keyValues, [e.windowStart, end]));
    }
    return out;
  }

  /** Every row, in ascending key-byte order (then by window), as ksqlDB's table scans return them. */
  *scan(limits: WindowLimits): Generator<AggregateRow> {
    const w = this.#spec.window;
    if (w === undefined) {
      for (const e of this.#stores.keyValueStore(AGGREGATE_STORE, aggregateStateCodec).all()) {
        yield this.#row(e.value, undefined);
      }
      return;
    }
    if (w.kind === 'SESSION') {
      const store = this.#stores.sessionStore(AGGREGATE_STORE, aggregateStateCodec);
      const sessions = store.fetchAll(limits.endMin ?? NO_TIME, limits.startMax ?? ALL_TIME);
      sessions.sort((a, b) => Buffer.compare(a.key, b.key) || a.start - b.start);
      for (const s of sessions) {
        if (withinWindowLimits(limits, s.start, s.end)) yield this.#row(s.value, undefined, [s.start, s.end]);
      }
      return;
    }
    const store = this.#stores.windowStore(AGGREGATE_STORE, aggregateStateCodec);
    for (const e of store.fetchAll(limits.startMin ?? NO_TIME, limits.startMax ?? ALL_TIME)) {
      const end = e.windowStart + w.sizeMs;
      if (withinWindowLimits(limits, e.windowStart, end))
        yield this.#row(e.value, undefined, [e.windowStart, end]);
    }
  }
}
