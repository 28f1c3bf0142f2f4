/**
 * The state stores operators keep their state in. Keys are the serialized key bytes (what the
 * query's key format writes); values are typed, turned into bytes by the store's codec only when a
 * batch commits, so a key updated many times within one batch is encoded once.
 *
 * Writes are buffered for the current batch and readable at once; they reach disk and the store's
 * changelog topic together when the batch commits (see StateStores).
 */

/** Turns a store's values into bytes and back, for its changelog and its files. */
export interface ValueCodec<V> {
  encode(value: V): Buffer;
  /** `bytes` may be lmdb's reused read buffer: copy what the value keeps. */
  decode(bytes: Buffer): V;
}

export interface KeyValueStore<V> {
  readonly name: string;
  get(key: Buffer): V | undefined;
  /** `null` deletes the key (a tombstone in the changelog). `timestamp` stamps the changelog record. */
  put(key: Buffer, value: V | null, timestamp: number): void;
  /** Every entry in ascending key-byte order (ksqlDB's table-scan order), this batch's writes included. */
  all(): Iterable<KeyValueEntry<V>>;
  /** Entries with from ≤ key ≤ to (byte order; either bound may be left out). */
  range(from: Buffer | undefined, to: Buffer | undefined): Iterable<KeyValueEntry<V>>;
}

export interface KeyValueEntry<V> {
  readonly key: Buffer;
  readonly value: V;
}

/** Time windows (TUMBLING, HOPPING) of each key, identified by their start. */
export interface WindowStore<V> {
  readonly name: string;
  readonly retentionMs: number;
  get(key: Buffer, windowStart: number): V | undefined;
  put(key: Buffer, windowStart: number, value: V | null, timestamp: number): void;
  /** The key's windows with fromStart ≤ start ≤ toStart, oldest first. */
  fetch(key: Buffer, fromStart: number, toStart: number): WindowEntry<V>[];
  /** Every key's windows with fromStart ≤ start ≤ toStart, by key bytes then start. */
  fetchAll(fromStart: number, toStart: number): WindowEntry<V>[];
  /**
   * Tells the store how far stream time has come: windows that started before
   * `streamTime − retentionMs` are no longer returned and are dropped from disk.
   */
  observeStreamTime(streamTime: number): void;
}

export interface WindowEntry<V> {
  readonly key: Buffer;
  readonly windowStart: number;
  readonly value: V;
}

/** SESSION windows of each key, identified by their (inclusive) start and end. */
export interface SessionStore<V> {
  readonly name: string;
  readonly retentionMs: number;
  /** The key's sessions with end ≥ earliestEnd and start ≤ latestStart, by end then start. */
  findSessions(key: Buffer, earliestEnd: number, latestStart: number): SessionEntry<V>[];
  put(key: Buffer, start: number, end: number, value: V | null, timestamp: number): void;
  /** Every key's sessions with end ≥ earliestEnd and start ≤ latestStart, by key bytes, end, start. */
  fetchAll(earliestEnd: number, latestStart: number): SessionEntry<V>[];
  /** Sessions that ended before `streamTime − retentionMs` are no longer returned and are dropped. */
  observeStreamTime(streamTime: number): void;
}

export interface SessionEntry<V> {
  readonly key: Buffer;
  readonly start: number;
  readonly end: number;
  readonly value: V;
}

export type StoreKind = 'keyValue' | 'window' | 'session';

/** A store a query declares before its stores are opened, so restore knows what to rebuild. */
export interface StoreSpec {
  readonly name: string;
  readonly kind: StoreKind;
  /** Window and session stores: how long windows are kept (ksqlDB's RETENTION; default size + grace). */
  readonly retentionMs?: number;
  /**
   * How many flushed values the store keeps decoded (default StateStoresOptions.cachedEntries); 0
   * when its operator keeps its own decoded copy.
   */
  readonly cachedEntries?: number;
}
