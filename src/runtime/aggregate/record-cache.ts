import type { SqlValue } from '../../types/index.js';
import type { AggregateCalls, AggregateState } from './aggregate-state.js';
import type { AggregateChange } from './grouped-records.js';

/**
 * Kafka Streams' record cache in front of an aggregate's store (ksqlDB's
 * `ksql.streams.cache.max.bytes.buffering`): an update of a group (of a window) is not forwarded at
 * once; the cache keeps the group's latest state, and forwards each group once when it is flushed:
 * when the query commits, or when the cache outgrows its bytes (then every pending group goes, as
 * Kafka Streams' NamedCache flushes all its dirty entries when it evicts a dirty one). Groups leave in
 * the order they were last updated (Kafka Streams' dirty-key order). The store itself is written on
 * every update, so reads (pull queries, the next update) always see the latest state.
 */
export class RecordCache {
  readonly maxBytes: number;
  readonly #calls: AggregateCalls;
  /** Pending groups by key (latin1 of the key bytes), then by window ('' for none). */
  readonly #entries = new Map<string, Map<number | string, CacheEntry>>();
  /** Entries in update order; an entry is current at its position only while its `seq` matches. */
  #order: CacheEntry[] = [];
  #orderSeq: number[] = [];
  #seq = 0;
  #count = 0;
  #bytes = 0;
  /** The last key looked up: a hopping record updates all its windows with one key. */
  #lastKey: Buffer | undefined;
  #lastInner: Map<number | string, CacheEntry> | undefined;

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

  #inner(key: Buffer): Map<number | string, CacheEntry> {
    if (key === this.#lastKey && this.#lastInner !== undefined) return this.#lastInner;
    const id = key.toString('latin1');
    let inner = this.#entries.get(id);
    if (inner === undefined) {
      inner = new Map();
      this.#entries.set(id, inner);
    }
    this.#lastKey = key;
    this.#lastInner = inner;
    return inner;
  }

  /**
   * Records a group's update. `state` is the group's state object as the store holds it (updated in
   * place later; its results are read at the flush), null for a delete. `previous` is the row
   * downstream has now (with sendOldValues), `existed` whether the group was in the store before this
   * update: both count only for the first update since the last flush.
   */
  put(
    key: Buffer,
    sub: number | string,
    update: {
      readonly keyValues: readonly SqlValue[] | undefined;
      readonly start: number;
      readonly end: number;
      readonly state: AggregateState | null;
      readonly timestamp: number;
      readonly previous: SqlValue[] | null | undefined;
      readonly existed: boolean;
    },
  ): void {
    const inner = this.#inner(key);
    let entry = inner.get(sub);
    if (entry === undefined) {
      entry = {
        key,
        sub,
        keyValues: update.keyValues,
        start: update.start,
        end: update.end,
        state: update.state,
        timestamp: update.timestamp,
        previous: update.previous,
        existed: update.existed,
        seq: 0,
        bytes: entryBytes(key, this.#calls.udafs.length),
      };
      inner.set(sub, entry);
      this.#count++;
      this.#bytes += entry.bytes;
    } else {
      entry.state = update.state;
      entry.timestamp = update.timestamp;
      if (update.keyValues !== undefined) entry.keyValues = update.keyValues;
    }
    entry.seq = ++this.#seq;
    this.#order.push(entry);
    this.#orderSeq.push(entry.seq);
  }

  /**
   * Every pending group as the change to forward, in last-update order, and empties the cache. A
   * delete of a group downstream never saw (made and removed since the last flush) is not forwarded.
   */
  drain(origin?: number): AggregateChange[] {
    const out: AggregateChange[] = [];
    const order = this.#order;
    const seqs = this.#orderSeq;
    for (let i = 0; i < order.length; i++) {
      const e = order[i];
      if (e.seq !== seqs[i]) continue;
      if (e.state === null && !e.existed) continue;
      out.push({
        key: e.key,
        keyValues: e.keyValues ?? e.state?.k,
        ...(Number.isNaN(e.start) ? {} : { window: { start: e.start, end: e.end } }),
        results: e.state === null ? null : this.#calls.results(e.state),
        timestamp: e.timestamp,
        ...(e.previous === undefined ? {} : { previous: e.previous }),
        origin,
      });
    }
    this.#entries.clear();
    this.#order = [];
    this.#orderSeq = [];
    this.#count = 0;
    this.#bytes = 0;
    this.#lastKey = undefined;
    this.#lastInner = undefined;
    return out;
  }
}

interface CacheEntry {
  readonly key: Buffer;
  readonly sub: number | string;
  keyValues: readonly SqlValue[] | undefined;
  /** Window bounds; NaN without a window. */
  readonly start: number;
  readonly end: number;
  state: AggregateState | null;
  timestamp: number;
  readonly previous: SqlValue[] | null | undefined;
  readonly existed: boolean;
  seq: number;
  readonly bytes: number;
}

/**
 * What an entry counts against the bound: its key bytes, the window (8), a result per call (16
 * each), and the bookkeeping Kafka Streams also counts per entry (its LRU node, headers, offsets).
 * An estimate: values are not serialized until they reach the changelog.
 */
const ENTRY_OVERHEAD_BYTES = 96;
function entryBytes(key: Buffer, calls: number): number {
  return key.length + 8 + 16 * calls + ENTRY_OVERHEAD_BYTES;
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
   * One update: `start`/`end` are the window's bounds (NaN without a window), `sub` tells the key's
   * windows apart ('' without), `state` is null for a delete; see RecordCache.put for the rest.
   */
  emit(
    key: Buffer,
    keyValues: readonly SqlValue[] | undefined,
    start: number,
    end: number,
    sub: number | string,
    state: AggregateState | null,
    timestamp: number,
    previous: SqlValue[] | null | undefined,
    existed: boolean,
    origin: number | undefined,
  ): void {
    const cache = this.cache;
    if (cache === undefined) {
      this.#changes.push({
        key,
        keyValues,
        ...(Number.isNaN(start) ? {} : { window: { start, end } }),
        results: state === null ? null : this.#calls.results(state),
        timestamp,
        ...(previous === undefined ? {} : { previous }),
        origin,
      });
      return;
    }
    cache.put(key, sub, { keyValues, start, end, state, timestamp, previous, existed });
    if (cache.full) for (const c of cache.drain(origin)) this.#changes.push(c);
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
