import type { Udaf } from '../../functions/index.js';
import type { SqlValue } from '../../types/index.js';
import type { ValueCodec } from '../state/index.js';
import { decodeAccumulator, encodeAggregateState } from './state-codec.js';

/** One group's state: every aggregate call's accumulator and the largest timestamp folded in (the row's ROWTIME). */
export interface AggregateState {
  t: number;
  a: unknown[];
  /** The group's GROUP BY values, so rows emitted from the store (EMIT FINAL) carry them. */
  k?: readonly SqlValue[];
}

/** Accumulators are plain data (see Udaf), which the accumulator codec round-trips exactly. */
export const aggregateStateCodec: ValueCodec<AggregateState> = {
  encode: (state) => encodeAggregateState(state.t, state.a, state.k),
  decode: (bytes) => decodeAccumulator(bytes) as AggregateState,
};

/** The aggregate calls of one query, applied together to a group's state. */
export class AggregateCalls {
  readonly udafs: readonly Udaf[];
  /** Changes carry the results they replace (for a HAVING over the aggregate, a KTable filter). */
  readonly sendOldValues: boolean;

  constructor(udafs: readonly Udaf[], options: { readonly sendOldValues?: boolean } = {}) {
    this.udafs = udafs;
    this.sendOldValues = options.sendOldValues === true;
  }

  /**
   * With sendOldValues, the results a group's state shows before it changes (null for a group not
   * there yet); otherwise undefined. Call it before the state is updated: updates are in place.
   */
  oldResults(state: AggregateState | undefined): SqlValue[] | null | undefined {
    if (!this.sendOldValues) return undefined;
    return state === undefined ? null : this.results(state);
  }

  initialize(keyValues?: readonly SqlValue[]): AggregateState {
    const state: AggregateState = { t: Number.NEGATIVE_INFINITY, a: this.udafs.map((u) => u.initialize()) };
    if (keyValues !== undefined) state.k = keyValues;
    return state;
  }

  /** Folds one row in: `inputs[i]` is call i's argument (an array for several column arguments). */
  aggregate(state: AggregateState, inputs: readonly SqlValue[], timestamp: number): AggregateState {
    const a = state.a;
    for (let i = 0; i < this.udafs.length; i++) a[i] = this.udafs[i].aggregate(inputs[i], a[i]);
    if (timestamp > state.t) state.t = timestamp;
    return state;
  }

  /** Takes a row back out (tables); every call must be table-capable. */
  undo(state: AggregateState, inputs: readonly SqlValue[], timestamp: number): AggregateState {
    const a = state.a;
    for (let i = 0; i < this.udafs.length; i++) {
      const undo = this.udafs[i].undo;
      if (undo === undefined) throw new Error('an aggregate without undo was used on a table');
      a[i] = undo.call(this.udafs[i], inputs[i], a[i]);
    }
    if (timestamp > state.t) state.t = timestamp;
    return state;
  }

  merge(first: AggregateState, second: AggregateState): AggregateState {
    const merged: AggregateState = {
      t: Math.max(first.t, second.t),
      a: this.udafs.map((u, i) => u.merge(first.a[i], second.a[i])),
    };
    const k = first.k ?? second.k;
    if (k !== undefined) merged.k = k;
    return merged;
  }

  /** The results the query shows, one per call. */
  results(state: AggregateState): SqlValue[] {
    return this.udafs.map((u, i) => u.map(state.a[i]));
  }
}
