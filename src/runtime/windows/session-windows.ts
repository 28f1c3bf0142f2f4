/**
 * SESSION windows as Kafka Streams' KStreamSessionWindowAggregate runs them: a record at t starts
 * [t, t], absorbs every session of its key that lies within the gap ([t − gap, t + gap]), and the
 * merged session is dropped as late when its end < stream time − grace − gap.
 */

export interface Session<A> {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
  readonly value: A;
}

/** How one record changes its key's sessions. */
export type SessionUpdate<A> =
  | { readonly late: true; readonly start: number; readonly end: number }
  | {
      readonly late: false;
      /** Sessions absorbed by the merge, each to delete (a tombstone downstream); empty when none moved. */
      readonly removed: readonly Session<A>[];
      readonly start: number;
      readonly end: number;
      /** The merged sessions' accumulators combined in store order, then the record aggregated. */
      readonly value: A;
    };

export interface SessionAggregation<A> {
  initialize(): A;
  merge(first: A, second: A): A;
  aggregate(accumulator: A): A;
}

export class SessionMerger {
  #streamTime = Number.NEGATIVE_INFINITY;
  readonly gapMs: number;
  readonly graceMs: number;

  constructor(gapMs: number, graceMs: number) {
    this.gapMs = gapMs;
    this.graceMs = graceMs;
  }

  get streamTime(): number {
    return this.#streamTime;
  }

  set streamTime(t: number) {
    this.#streamTime = t;
  }

  /** Sessions ending before this are closed: stream time − grace − gap. */
  get closeTime(): number {
    return this.#streamTime - this.graceMs - this.gapMs;
  }

  /** The bounds to look up the key's sessions with: end ≥ earliestEnd and start ≤ latestStart. */
  searchBounds(timestamp: number): { readonly earliestEnd: number; readonly latestStart: number } {
    return { earliestEnd: timestamp - this.gapMs, latestStart: timestamp + this.gapMs };
  }

  /**
   * Advances stream time with the record and works out the update. `found` = the key's sessions within
   * `searchBounds(timestamp)`, in store order (by end, then start).
   */
  update<A>(
    timestamp: number,
    found: readonly Session<A>[],
    aggregation: SessionAggregation<A>,
  ): SessionUpdate<A> {
    if (timestamp > this.#streamTime) this.#streamTime = timestamp;
    let start = timestamp;
    let end = timestamp;
    let value = aggregation.initialize();
    for (const s of found) {
      value = aggregation.merge(value, s.value);
      if (s.start < start) start = s.start;
      if (s.end > end) end = s.end;
    }
    if (end < this.closeTime) return { late: true, start, end };
    const moved = start !== timestamp || end !== timestamp;
    return { late: false, removed: moved ? found : [], start, end, value: aggregation.aggregate(value) };
  }
}

/**
 * EMIT FINAL for sessions: each time close time advances, the sessions whose end lies in
 * [previous close time, close time − 1] are final.
 */
export class ClosedSessions {
  #lastClose: number | undefined;

  constructor(lastCloseTime?: number) {
    this.#lastClose = lastCloseTime;
  }

  /** The close time of the last emission (kept across restarts so no session is emitted twice). */
  get lastCloseTime(): number | undefined {
    return this.#lastClose;
  }

  advance(closeTime: number): { readonly fromEnd: number; readonly toEnd: number } | undefined {
    if (this.#lastClose !== undefined && closeTime <= this.#lastClose) return undefined;
    const fromEnd = this.#lastClose ?? 0;
    this.#lastClose = closeTime;
    const toEnd = closeTime - 1;
    return toEnd < fromEnd ? undefined : { fromEnd, toEnd };
  }
}
