import type { SqlValue } from '../../types/index.js';
import type { AggregateCalls, AggregateState } from './aggregate-state.js';
import type { AggregateChange } from './grouped-records.js';

/**
 * Kafka Streams' record cache in front of an aggregate's store (ksqlDB's
 * `ksql.streams.cache.max.bytes.buffering`): an update of a group (of a window) is not forwarded at
 * once; the cache keeps the group pending, and forwards each pending group once, with its latest
 * state, when it is flushed: when the query commits, or when the cache outgrows its bytes (then every
 * pending group goes, as Kafka Streams' NamedCache flushes all its dirty entries when it evicts a
 * dirty one). Groups leave in the order they were last updated (Kafka Streams' dirty-key order). The
 * store itself is written on every update, so reads (pull queries, the next update) always see the
 * latest state.
 *
 * A pending group is its state object itself (marked with the fields of PendingMarks): the store
 * keeps a group's state as one object updated in place, so finding a group's entry costs a property
 * read rather than a key lookup, and holding a group pending allocates nothing.
 */
export class RecordCache {
  readonly maxBytes: number;
  readonly #calls: AggregateCalls;
  /** Pending states and deletes in update order; one is current at a position only while its seq matches. */
  #order: (Pending | PendingDelete)[] = [];
  #orderSeq: number[] = [];
  #seq = 0;
  /** How far a drain in parts has come in `#order`. */
  #drained = 0;
  #count = 0;
  #bytes = 0;

  constructor(maxBytes: number, calls: AggregateCalls) {
    this.maxBytes = maxBytes;
    this.#calls = calls;
  }

  /** Groups waiting to be forwarded. */
  get size(): number {
    return this.#count;
  }

  /** The estimated bytes the pending groups take (see entryBytes). */
  get bytes(): number {
    return this.#bytes;
  }

  get full(): boolean {
    return this.#bytes > this.maxBytes;
  }

  /**
   * Records an update of a group to `state` (the object the store holds, updated in place later: its
   * results are read at the flush). `start`/`end` are its window bounds (NaN without a window),
   * `previous` the row downstream has now (with sendOldValues), `existed` whether the group was in
   * the store before: both count only for the first update since the last flush.
   */
  put(
    keyBytes: number,
    keyValues: readonly SqlValue[],
    state: AggregateState,
    start: number,
    end: number,
    timestamp: number,
    previous: SqlValue[] | null | undefined,
    existed: boolean,
  ): void {
    const p = state as Pending;
    if (!(p.cacheSeq > 0)) {
      if (state.k === undefined) state.k = keyValues;
      p.cacheStart = start;
      p.cacheEnd = end;
      p.cachePrevious = previous;
      p.cacheExisted = existed;
      this.#count++;
      this.#bytes += entryBytes(keyBytes, this.#calls.udafs.length);
    }
    p.cacheTimestamp = timestamp;
    p.cacheSeq = ++this.#seq;
    this.#order.push(p);
    this.#orderSeq.push(p.cacheSeq);
  }

  /**
   * Records the delete of a group (a session absorbed by a merge) whose state was `state`. A group
   * downstream never saw (made since the last flush) is only dropped from the cache.
   */
  delete(
    keyBytes: number,
    keyValues: readonly SqlValue[],
    state: AggregateState,
    start: number,
    end: number,
    timestamp: number,
    previous: SqlValue[] | null | undefined,
  ): void {
    const p = state as Pending;
    let existed = true;
    let before = previous;
    if (p.cacheSeq > 0) {
      existed = p.cacheExisted;
      before = p.cachePrevious;
      p.cacheSeq = 0;
      this.#count--;
      this.#bytes -= entryBytes(keyBytes, this.#calls.udafs.length);
    }
    if (!existed) return;
    const seq = ++this.#seq;
    this.#order.push({ deleted: true, k: keyValues, start, end, timestamp, previous: before, seq });
    this.#orderSeq.push(seq);
    this.#count++;
    this.#bytes += entryBytes(keyBytes, 0);
  }

  /**
   * Drops a group's pending update without forwarding anything (its window is replaced by a new
   * state object); returns whether downstream had the group before (true when it was not pending).
   */
  cancel(state: AggregateState, keyBytes: number): boolean {
    const p = state as Pending;
    if (!(p.cacheSeq > 0)) return true;
    p.cacheSeq = 0;
    this.#count--;
    this.#bytes -= entryBytes(keyBytes, this.#calls.udafs.length);
    return p.cacheExisted;
  }

  /**
   * The pending groups as the changes to forward, in last-update order, at most `max` of them (the
   * rest stay for the next call); the cache is empty once all went.
   */
  drain(origin?: number, max = Number.POSITIVE_INFINITY): AggregateChange[] {
    const out: AggregateChange[] = [];
    const order = this.#order;
    const seqs = this.#orderSeq;
    const calls = this.#calls;
    let i = this.#drained;
    for (; i < order.length && out.length < max; i++) {
      const e = order[i];
      if ('deleted' in e) {
        if (e.seq !== seqs[i]) continue;
        out.push(change(e.k, e.start, e.end, null, e.timestamp, e.previous, origin));
        this.#count--;
        continue;
      }
      if (e.cacheSeq !== seqs[i]) continue;
      e.cacheSeq = 0;
      out.push(
        change(e.k, e.cacheStart, e.cacheEnd, calls.results(e), e.cacheTimestamp, e.cachePrevious, origin),
      );
      // Nothing of the last forward is kept on the state.
      e.cachePrevious = undefined;
      this.#count--;
    }
    this.#drained = i;
    if (i >= order.length) {
      this.#order = [];
      this.#orderSeq = [];
      this.#drained = 0;
      this.#count = 0;
      this.#bytes = 0;
    }
    return out;
  }
}

function change(
  keyValues: readonly SqlValue[] | undefined,
  start: number,
  end: number,
  results: SqlValue[] | null,
  timestamp: number,
  previous: SqlValue[] | null | undefined,
  origin: number | undefined,
): AggregateChange {
  return {
    key: EMPTY_KEY,
    keyValues,
    window: Number.isNaN(start) ? undefined : { start, end },
    results,
    timestamp,
    previous,
    origin,
  };
}

/** Forwarded changes carry their GROUP BY values; nothing after the aggregate reads the key bytes. */
const EMPTY_KEY = Buffer.alloc(0);

/**
 * What the cache writes on a state object while it is pending (the codec encodes only t, a and k).
 * cacheSeq > 0 while pending: the sequence number of its latest update.
 */
interface PendingMarks {
  cacheSeq: number;
  cacheStart: number;
  cacheEnd: number;
  cacheTimestamp: number;
  cachePrevious: SqlValue[] | null | undefined;
  cacheExisted: boolean;
}
type Pending = AggregateState & PendingMarks;

interface PendingDelete {
  readonly deleted: true;
  readonly k: readonly SqlValue[];
  readonly start: number;
  readonly end: number;
  readonly timestamp: number;
  readonly previous: SqlValue[] | null | undefined;
  readonly seq: number;
}

/**
 * What an entry counts against the bound: its key bytes, the window (8), a result per call (16
 * each), and the bookkeeping Kafka Streams also counts per entry (its LRU node, headers, offsets).
 * An estimate: values are not serialized until they reach the changelog.
 */
const ENTRY_OVERHEAD_BYTES = 96;
function entryBytes(keyBytes: number, calls: number): number {
  return keyBytes + 8 + 16 * calls + ENTRY_OVERHEAD_BYTES;
}

/**
 * Where an aggregator sends each update of a group: straight out as a change (no cache: ksqlDB's test
 * runner shows every update), or into the record cache, which forwards it later.
 */
export class ChangeEmitter {
  readonly #calls: AggregateCalls;
  readonly cache: RecordCache | undefined;
  #changes: AggregateChange[] = [];

  constructor(calls: AggregateCalls, cache?: RecordCache) {
    this.#calls = calls;
    this.cache = cache;
  }

  /**
   * One update of a group to `state` (null for a delete, then `deleted` is the state it had):
   * `start`/`end` are the window's bounds (NaN without a window); see RecordCache.put for the rest.
   * A full cache is flushed by the query between chunks of records (see AggregateOperator.overfull).
   */
  emit(
    key: Buffer,
    keyValues: readonly SqlValue[],
    start: number,
    end: number,
    state: AggregateState | null,
    timestamp: number,
    previous: SqlValue[] | null | undefined,
    existed: boolean,
    origin: number | undefined,
    deleted?: AggregateState,
  ): void {
    const cache = this.cache;
    if (cache === undefined) {
      this.#changes.push({
        key,
        keyValues,
        window: Number.isNaN(start) ? undefined : { start, end },
        results: state === null ? null : this.#calls.results(state),
        timestamp,
        previous,
        origin,
      });
      return;
    }
    if (state !== null) cache.put(key.length, keyValues, state, start, end, timestamp, previous, existed);
    else if (deleted !== undefined)
      cache.delete(key.length, keyValues, deleted, start, end, timestamp, previous);
  }

  /** A change that bypasses the cache (EMIT FINAL's closed windows). */
  push(change: AggregateChange): void {
    this.#changes.push(change);
  }

  /** The changes emitted since the last call. */
  take(): AggregateChange[] {
    const out = this.#changes;
    this.#changes = [];
    return out;
  }
}
