import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { type Log, type LogTransaction, type ProduceRecord, replayToEnd } from '../../log/index.js';
import {
  keyOfStoreKey,
  MAX_STORE_KEY_BYTES,
  sessionChangelogKey,
  sessionOfStoreKey,
  sessionStoreKey,
  sessionStoreKeyOfChangelog,
  windowChangelogKey,
  windowStartOfStoreKey,
  windowStoreKey,
  windowStoreKeyOfChangelog,
} from './store-keys.js';
import { changelogTopicName } from './store-names.js';
import type {
  KeyValueEntry,
  KeyValueStore,
  SessionEntry,
  SessionStore,
  StoreSpec,
  ValueCodec,
  WindowEntry,
  WindowStore,
} from './stores.js';
import { WindowSlots } from './window-slots.js';

/** A state store that cannot be opened, restored or written; the message says what to do. */
export class StateStoreError extends Error {
  readonly code = 'STATE_STORE';
  constructor(message: string) {
    super(message);
    this.name = 'StateStoreError';
  }
}

export interface StateStoresOptions {
  readonly log: Log;
  /** ksqlDB's `ksql.streams.state.dir`: this task's files go in `<stateDir>/<applicationId>/<partition>`. */
  readonly stateDir: string;
  /** The query's application id (see queryApplicationId); names the changelog topics. */
  readonly applicationId: string;
  /** The input partition this task owns; its changelog records go to the same partition. */
  readonly partition: number;
  /** Partitions of the changelog topics when they are created (the input topic's count). */
  readonly partitions: number;
  readonly stores: readonly StoreSpec[];
  /**
   * Committed changes are kept in memory and written to the files (one lmdb transaction with the
   * checkpoints) once this many entries wait (default 50,000) or `flushIntervalMs` (default 2,000,
   * ksqlDB's commit interval) has passed; a crash meanwhile only means a longer changelog replay on
   * restart. A key changed by several batches in between is written once.
   */
  readonly maxUnflushedEntries?: number;
  readonly flushIntervalMs?: number;
  /**
   * Flushed values are kept decoded in memory, up to this many per store (default 100,000, the
   * oldest dropped first), so a hot key is neither read from lmdb nor decoded again.
   */
  readonly cachedEntries?: number;
}

/** What opening a store replayed from its changelog. */
export interface RestoreReport {
  readonly store: string;
  readonly changelog: string;
  readonly fromOffset: number;
  readonly toOffset: number;
  readonly records: number;
  /** True when the store's files were missing or stale and it was rebuilt from the changelog's start. */
  readonly rebuilt: boolean;
}

/** Kafka Streams keeps windowed changelogs a day beyond the store's retention (windowstore.changelog.additional.retention.ms). */
const WINDOWED_CHANGELOG_EXTRA_RETENTION_MS = 86_400_000;
const CHECKPOINTS_DB = '__checkpoints';

/**
 * lmdb's TransactionFlags ABORTABLE | SYNCHRONOUS_COMMIT | NO_SYNC_FLUSH: commit now and let the disk
 * flush overlap the next batch (lmdb's overlappingSync keeps the files consistent meanwhile). A flush
 * lost to an OS crash only leaves the checkpoint behind, and the changelog replays the rest.
 */
const COMMIT_WITHOUT_WAITING_FOR_FLUSH = 0x1 | 0x2 | 0x10000;

interface Change {
  readonly storeKey: Buffer;
  readonly changelogKey: Buffer;
  readonly value: unknown;
  readonly timestamp: number;
  /** The value's bytes, set once when the change goes to the changelog (null for a delete). */
  bytes?: Buffer | null;
}

type BinaryDb = Database<Buffer, Buffer>;

/**
 * The state stores of one task of a persistent query, in one lmdb environment, each backed by a
 * compacted changelog topic in the log.
 *
 * A batch's writes stay in memory (readable at once) until it commits. With exactly-once, the
 * caller adds them to its log transaction with `stageChangelog` (together with the batch's output
 * records and input offsets), commits the transaction, then calls `applyCommitted`, which writes them
 * to disk in one lmdb transaction together with each changelog's end offset (the checkpoint). The
 * changelog is the truth and the files are a cache of it: a crash at any point leaves the files at
 * or behind the changelog, and opening replays the changelog from the checkpoint (from the start
 * when the files are lost), so no update is lost or applied twice.
 */
export class StateStores {
  readonly restored: readonly RestoreReport[];
  readonly #log: Log;
  readonly #partition: number;
  readonly #env: RootDatabase;
  readonly #checkpoints: Database<number, string>;
  readonly #stores: Map<string, StoreBase>;
  readonly #maxUnflushed: number;
  readonly #flushIntervalMs: number;
  /** Each changelog's end offset after the last committed batch: the checkpoint of the next flush. */
  readonly #committedOffsets = new Map<string, number>();
  #lastFlush = Date.now();
  #closed = false;

  private constructor(
    options: StateStoresOptions,
    env: RootDatabase,
    checkpoints: Database<number, string>,
    stores: Map<string, StoreBase>,
    restored: RestoreReport[],
  ) {
    this.#log = options.log;
    this.#partition = options.partition;
    this.#env = env;
    this.#checkpoints = checkpoints;
    this.#stores = stores;
    this.restored = restored;
    this.#maxUnflushed = options.maxUnflushedEntries ?? 50_000;
    this.#flushIntervalMs = options.flushIntervalMs ?? 2_000;
  }

  /** Opens (creating what is missing) the task's stores and their changelogs, and restores them. */
  static async open(options: StateStoresOptions): Promise<StateStores> {
    const names = new Set<string>();
    for (const spec of options.stores) {
      if (names.has(spec.name)) throw new StateStoreError(`State store '${spec.name}' is declared twice.`);
      if (spec.name === CHECKPOINTS_DB) throw new StateStoreError(`'${CHECKPOINTS_DB}' is reserved.`);
      names.add(spec.name);
    }
    const dir = join(options.stateDir, options.applicationId, String(options.partition));
    const existed = existsSync(join(dir, 'data.mdb'));
    mkdirSync(dir, { recursive: true });
    const env = open({ path: dir, maxDbs: options.stores.length + 1 });
    try {
      const checkpoints = env.openDB<number, string>({ name: CHECKPOINTS_DB, encoding: 'json' });
      const stores = new Map<string, StoreBase>();
      const restored: RestoreReport[] = [];
      for (const spec of options.stores) {
        const db = env.openDB<Buffer, Buffer>({ name: spec.name, keyEncoding: 'binary', encoding: 'binary' });
        const changelog = changelogTopicName(options.applicationId, spec.name);
        await ensureChangelog(options.log, changelog, spec, options.partitions, options.partition);
        const store = createStore(spec, db, changelog);
        store.cacheCapacity = spec.cachedEntries ?? options.cachedEntries ?? 100_000;
        stores.set(spec.name, store);
        restored.push(await restore(options.log, env, checkpoints, store, options.partition, existed));
      }
      return new StateStores(options, env, checkpoints, stores, restored);
    } catch (err) {
      await env.close();
      throw err;
    }
  }

  keyValueStore<V>(name: string, codec: ValueCodec<V>): KeyValueStore<V> {
    return this.#typed(name, 'keyValue', codec) as KeyValueStoreImpl as unknown as KeyValueStore<V>;
  }

  windowStore<V>(name: string, codec: ValueCodec<V>): WindowStore<V> {
    return this.#typed(name, 'window', codec) as WindowStoreImpl as unknown as WindowStore<V>;
  }

  sessionStore<V>(name: string, codec: ValueCodec<V>): SessionStore<V> {
    return this.#typed(name, 'session', codec) as SessionStoreImpl as unknown as SessionStore<V>;
  }

  #typed(name: string, kind: StoreSpec['kind'], codec: ValueCodec<unknown>): StoreBase {
    const store = this.#stores.get(name);
    if (store === undefined) throw new StateStoreError(`No state store '${name}' was declared when opening.`);
    if (store.spec.kind !== kind) {
      throw new StateStoreError(`State store '${name}' is a ${store.spec.kind} store, not a ${kind} store.`);
    }
    store.codec = codec;
    return store;
  }

  /** How many windows a window store holds in memory (changed, or cached flushed ones). */
  windowMemorySize(name: string): number {
    const store = this.#stores.get(name);
    if (!(store instanceof WindowStoreImpl))
      throw new StateStoreError(`No window store '${name}' was declared.`);
    return store.memorySize;
  }

  /** Whether the current batch wrote anything. */
  get hasPendingWrites(): boolean {
    for (const store of this.#stores.values()) if (store.batchCount > 0) return true;
    return false;
  }

  /** Adds the current batch's writes to `tx` as changelog records (exactly-once: commit with outputs and offsets). */
  stageChangelog(tx: LogTransaction): void {
    for (const store of this.#stores.values()) {
      const records = store.changelogRecords(this.#partition);
      if (records.length > 0) tx.append(store.changelog, records);
    }
  }

  /**
   * After the transaction holding `stageChangelog`'s records committed: the batch is durable in the
   * changelog; it is written to the files now or with a later batch (see maxUnflushedEntries).
   */
  async applyCommitted(): Promise<void> {
    this.#check();
    let unflushed = 0;
    for (const store of this.#stores.values()) {
      this.#committedOffsets.set(
        store.spec.name,
        await this.#log.endOffset(store.changelog, this.#partition),
      );
      store.commitBatch();
      unflushed += store.unflushedCount;
    }
    if (unflushed >= this.#maxUnflushed || Date.now() - this.#lastFlush >= this.#flushIntervalMs)
      this.flush();
  }

  /** Writes every committed change to the files with the checkpoints, in one lmdb transaction. */
  flush(): void {
    this.#check();
    this.#lastFlush = Date.now();
    if (this.#committedOffsets.size === 0) return;
    this.#env.transactionSync(() => {
      for (const store of this.#stores.values()) store.writeUnflushed();
      for (const [name, offset] of this.#committedOffsets) this.#checkpoints.putSync(name, offset);
    }, COMMIT_WITHOUT_WAITING_FOR_FLUSH);
    for (const store of this.#stores.values()) store.clearUnflushed();
    this.#committedOffsets.clear();
  }

  /** At-least-once commit without a transaction: appends the changelog records, then applies them. */
  async commit(): Promise<void> {
    this.#check();
    for (const store of this.#stores.values()) {
      const records = store.changelogRecords(this.#partition);
      if (records.length > 0) await this.#log.append(store.changelog, records);
    }
    await this.applyCommitted();
  }

  /** Forgets the current batch's writes (its transaction aborted). */
  discardBatch(): void {
    for (const store of this.#stores.values()) store.discardBatch();
  }

  /** The changelog offset each store's files reflect. */
  checkpoints(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of this.#stores.keys()) out[name] = this.#checkpoints.get(name) ?? 0;
    return out;
  }

  /** Flushes what is committed (an uncommitted batch is dropped) and closes the files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    await this.#env.flushed;
    await this.#env.close();
  }

  #check(): void {
    if (this.#closed) throw new StateStoreError('The state stores are closed.');
  }
}

async function ensureChangelog(
  log: Log,
  topic: string,
  spec: StoreSpec,
  partitions: number,
  partition: number,
): Promise<void> {
  if (!(await log.hasTopic(topic))) {
    const config: Record<string, string> =
      spec.kind === 'keyValue'
        ? { 'cleanup.policy': 'compact' }
        : {
            'cleanup.policy': 'compact,delete',
            'retention.ms': String(retentionOf(spec) + WINDOWED_CHANGELOG_EXTRA_RETENTION_MS),
          };
    await log.createTopic(topic, { partitions, config });
  }
  const have = (await log.describeTopic(topic)).partitions.length;
  if (partition >= have) {
    throw new StateStoreError(
      `Changelog topic '${topic}' has ${have} partition(s) but the query's input has partition ${partition}: ` +
        'the input topic grew after the query started. Drop the query and create it again.',
    );
  }
}

function retentionOf(spec: StoreSpec): number {
  if (spec.kind === 'keyValue') return Number.POSITIVE_INFINITY;
  if (spec.retentionMs === undefined || !(spec.retentionMs >= 0)) {
    throw new StateStoreError(`The ${spec.kind} store '${spec.name}' needs a retention (ms ≥ 0).`);
  }
  return spec.retentionMs;
}

/** Replays the changelog from the checkpoint into the files, one lmdb transaction per read. */
async function restore(
  log: Log,
  env: RootDatabase,
  checkpoints: Database<number, string>,
  store: StoreBase,
  partition: number,
  existed: boolean,
): Promise<RestoreReport> {
  const topic = store.changelog;
  const begin = await log.beginningOffset(topic, partition);
  const end = await log.endOffset(topic, partition);
  const checkpoint = existed ? checkpoints.get(store.spec.name) : undefined;
  // Files ahead of the changelog (it was deleted and made again) or behind its start cannot be trusted.
  const rebuilt = checkpoint === undefined || checkpoint > end || checkpoint < begin;
  const fromOffset = rebuilt ? begin : checkpoint;
  if (rebuilt && existed) {
    env.transactionSync(() => {
      store.db.clearSync();
      checkpoints.removeSync(store.spec.name);
    });
  }
  let records = 0;
  // One lmdb transaction per batch, with the checkpoint after it: a crash mid-restore goes on from there.
  await replayToEnd(
    log,
    topic,
    (batch) => {
      env.transactionSync(() => {
        for (const r of batch) {
          if (r.key === null) continue;
          const storeKey = store.storeKeyOfChangelog(r.key);
          if (r.value === null) store.db.removeSync(storeKey);
          else store.db.putSync(storeKey, r.value);
          records++;
        }
        checkpoints.putSync(store.spec.name, batch[batch.length - 1].offset + 1);
      });
    },
    { partitions: [partition], from: () => fromOffset },
  );
  // Replayed to the end (or nothing to replay): remember where the files stand.
  if (checkpoints.get(store.spec.name) !== end)
    env.transactionSync(() => checkpoints.putSync(store.spec.name, end));
  return { store: store.spec.name, changelog: topic, fromOffset, toOffset: end, records, rebuilt };
}

function createStore(spec: StoreSpec, db: BinaryDb, changelog: string): StoreBase {
  switch (spec.kind) {
    case 'keyValue':
      return new KeyValueStoreImpl(spec, db, changelog);
    case 'window':
      return new WindowStoreImpl(spec, db, changelog, retentionOf(spec));
    case 'session':
      return new SessionStoreImpl(spec, db, changelog, retentionOf(spec));
  }
}

function checkKey(store: string, key: Buffer, extra: number): void {
  if (key.length + extra > MAX_STORE_KEY_BYTES) {
    throw new StateStoreError(
      `A key of ${key.length} bytes is too long for state store '${store}' (at most ${MAX_STORE_KEY_BYTES - extra}).`,
    );
  }
}

/** A change's place among its store's changes: the key, then what tells its windows apart ('' for key-value). */
type ChangeIndex = Map<string, Map<string | number, Change>>;

function indexGet(index: ChangeIndex, id: string, sub: string | number): Change | undefined {
  return index.get(id)?.get(sub);
}

function indexSet(index: ChangeIndex, id: string, sub: string | number, change: Change): boolean {
  let inner = index.get(id);
  if (inner === undefined) {
    inner = new Map();
    index.set(id, inner);
  }
  const added = !inner.has(sub);
  inner.set(sub, change);
  return added;
}

function* indexValues(index: ChangeIndex): Iterable<Change> {
  for (const inner of index.values()) yield* inner.values();
}

function cacheKey(id: string, sub: string | number): string {
  return sub === '' ? id : `${id}\u0000${sub}`;
}

/**
 * What every kind of store shares. Changes live in two layers above the files: the current batch
 * (not yet in the changelog) and the committed ones not yet flushed to lmdb. Reads look at the batch,
 * then the unflushed changes, then the files.
 */
abstract class StoreBase {
  codec: ValueCodec<unknown> | undefined;
  readonly spec: StoreSpec;
  readonly db: BinaryDb;
  readonly changelog: string;
  protected batch: ChangeIndex = new Map();
  protected unflushed: ChangeIndex = new Map();
  /** Flushed changes whose decoded values are kept, oldest first, by `cacheKey`. */
  #cache = new Map<string, Change>();
  cacheCapacity = 0;
  #batchCount = 0;
  #unflushedCount = 0;

  constructor(spec: StoreSpec, db: BinaryDb, changelog: string) {
    this.spec = spec;
    this.db = db;
    this.changelog = changelog;
  }

  get name(): string {
    return this.spec.name;
  }

  get batchCount(): number {
    return this.#batchCount;
  }

  get unflushedCount(): number {
    return this.#unflushedCount;
  }

  abstract storeKeyOfChangelog(changelogKey: Buffer): Buffer;
  /** Drops what retention no longer keeps; runs inside the flush's lmdb transaction. */
  protected sweep(): void {}

  protected decode(bytes: Buffer): unknown {
    return this.#codec().decode(bytes);
  }

  protected encode(value: unknown): Buffer {
    return this.#codec().encode(value);
  }

  #codec(): ValueCodec<unknown> {
    if (this.codec === undefined)
      throw new StateStoreError(`State store '${this.spec.name}' has no codec yet.`);
    return this.codec;
  }

  protected record(id: string, sub: string | number, change: Change): void {
    if (indexSet(this.batch, id, sub, change)) this.#batchCount++;
  }

  /** The newest change of one entry above the files (or its cached flushed value), if any. */
  protected latest(id: string, sub: string | number): Change | undefined {
    return (
      indexGet(this.batch, id, sub) ??
      indexGet(this.unflushed, id, sub) ??
      (this.#cache.size === 0 ? undefined : this.#cache.get(cacheKey(id, sub)))
    );
  }

  /** Every change above the files, the batch's replacing older ones of the same entry. */
  protected *changesAbove(): Iterable<Change> {
    for (const [id, inner] of this.unflushed) {
      const newer = this.batch.get(id);
      for (const [sub, change] of inner) if (!newer?.has(sub)) yield change;
    }
    yield* indexValues(this.batch);
  }

  /** The changes above the files for one key. */
  protected changesOf(id: string): Change[] {
    const older = this.unflushed.get(id);
    const newer = this.batch.get(id);
    if (older === undefined) return newer === undefined ? [] : [...newer.values()];
    const out = [...older].filter(([sub]) => !newer?.has(sub)).map(([, c]) => c);
    if (newer !== undefined) out.push(...newer.values());
    return out;
  }

  /** Whether an entry read from the files is shadowed by a change above them. */
  protected shadowed(id: string, sub: string | number): boolean {
    return this.batch.get(id)?.has(sub) === true || this.unflushed.get(id)?.has(sub) === true;
  }

  /** The batch's changes as changelog records; encodes each value once, for the changelog and the files. */
  changelogRecords(partition: number): ProduceRecord[] {
    const records: ProduceRecord[] = [];
    for (const change of indexValues(this.batch)) {
      if (change.bytes === undefined)
        change.bytes = change.value === null ? null : this.#codec().encode(change.value);
      records.push({ key: change.changelogKey, value: change.bytes, timestamp: change.timestamp, partition });
    }
    return records;
  }

  /** The batch is in the changelog: it becomes unflushed. */
  commitBatch(): void {
    for (const [id, inner] of this.batch) {
      for (const [sub, change] of inner)
        if (indexSet(this.unflushed, id, sub, change)) this.#unflushedCount++;
    }
    this.batch = new Map();
    this.#batchCount = 0;
  }

  /**
   * Forgets the batch. A value the batch changed in place (aggregates update their accumulators) may
   * be the one an unflushed change holds, so those are decoded again from their committed bytes.
   */
  discardBatch(): void {
    for (const [id, inner] of this.batch) {
      for (const sub of inner.keys()) {
        this.#cache.delete(cacheKey(id, sub));
        const committed = indexGet(this.unflushed, id, sub);
        if (committed?.bytes !== undefined && committed.bytes !== null) {
          indexSet(this.unflushed, id, sub, { ...committed, value: this.decode(committed.bytes) });
        }
      }
    }
    this.batch = new Map();
    this.#batchCount = 0;
  }

  /** Writes the unflushed changes to the files; runs inside the flush's lmdb transaction. */
  writeUnflushed(): void {
    for (const change of indexValues(this.unflushed)) {
      if (change.bytes === null || change.bytes === undefined) this.db.removeSync(change.storeKey);
      else this.db.putSync(change.storeKey, change.bytes);
    }
    this.sweep();
  }

  /** After a flush: the flushed values stay cached (deletes and the oldest beyond capacity go). */
  clearUnflushed(): void {
    if (this.cacheCapacity > 0) {
      for (const [id, inner] of this.unflushed) {
        for (const [sub, change] of inner) {
          const at = cacheKey(id, sub);
          this.#cache.delete(at); // re-inserted as the newest
          if (change.value !== null) this.#cache.set(at, change);
        }
      }
      let excess = this.#cache.size - this.cacheCapacity;
      if (excess > 0) {
        for (const at of this.#cache.keys()) {
          this.#cache.delete(at);
          if (--excess === 0) break;
        }
      }
    }
    this.unflushed = new Map();
    this.#unflushedCount = 0;
  }
}

class KeyValueStoreImpl extends StoreBase implements KeyValueStore<unknown> {
  storeKeyOfChangelog(changelogKey: Buffer): Buffer {
    return changelogKey;
  }

  get(key: Buffer): unknown {
    const change = this.latest(key.toString('latin1'), '');
    if (change !== undefined) return change.value === null ? undefined : change.value;
    const bytes = this.db.getBinaryFast(key);
    return bytes === undefined ? undefined : this.decode(bytes);
  }

  put(key: Buffer, value: unknown, timestamp: number): void {
    checkKey(this.spec.name, key, 0);
    this.record(key.toString('latin1'), '', { storeKey: key, changelogKey: key, value, timestamp });
  }

  all(): Iterable<KeyValueEntry<unknown>> {
    return this.range(undefined, undefined);
  }

  range(from: Buffer | undefined, to: Buffer | undefined): KeyValueEntry<unknown>[] {
    const out: KeyValueEntry<unknown>[] = [];
    for (const { key, value } of this.db.getRange({ start: from, end: to, inclusiveEnd: true })) {
      if (!this.shadowed(key.toString('latin1'), '')) out.push({ key, value: this.decode(value) });
    }
    if (this.batchCount === 0 && this.unflushedCount === 0) return out;
    for (const change of this.changesAbove()) {
      const key = change.storeKey;
      if (change.value === null) continue;
      if (from !== undefined && Buffer.compare(key, from) < 0) continue;
      if (to !== undefined && Buffer.compare(key, to) > 0) continue;
      out.push({ key, value: change.value });
    }
    return out.sort((a, b) => Buffer.compare(a.key, b.key));
  }
}

abstract class TimedStoreBase extends StoreBase {
  protected streamTime = Number.NEGATIVE_INFINITY;
  #sweptAt = Number.NEGATIVE_INFINITY;
  readonly retentionMs: number;

  constructor(spec: StoreSpec, db: BinaryDb, changelog: string, retentionMs: number) {
    super(spec, db, changelog);
    this.retentionMs = retentionMs;
  }

  observeStreamTime(streamTime: number): void {
    if (streamTime > this.streamTime) this.streamTime = streamTime;
  }

  /** Entries whose time (window start, session end) is below this are expired. */
  protected get expiredBefore(): number {
    return this.streamTime - this.retentionMs;
  }

  protected abstract timeOfStoreKey(storeKey: Buffer): number;

  // Keys are ordered by key then time, so expiry is a scan: run it once stream time has moved on by
  // half the retention since the last one, which bounds both the work and the stale data kept.
  protected override sweep(): void {
    const cutoff = this.expiredBefore;
    if (!(cutoff > 0) || cutoff - this.#sweptAt < this.retentionMs / 2) return;
    const expired: Buffer[] = [];
    for (const key of this.db.getKeys()) if (this.timeOfStoreKey(key) < cutoff) expired.push(key);
    for (const key of expired) this.db.removeSync(key);
    this.#sweptAt = cutoff;
  }
}

/**
 * Time windows, each a slot in memory (see WindowSlots) above the files, instead of the base's
 * per-layer change maps: a window updated by every record of its key stays one object.
 */
class WindowStoreImpl extends TimedStoreBase implements WindowStore<unknown> {
  readonly #slots = new WindowSlots();
  /**
   * The newest window start in the files (undefined until first needed, then found by one scan):
   * a window newer than that is new, and its read skips the files. Most reads of an aggregate over
   * recent records are for windows just opened.
   */
  #filesNewestStart: number | undefined;

  #newestStartInFiles(): number {
    if (this.#filesNewestStart === undefined) {
      let newest = Number.NEGATIVE_INFINITY;
      for (const storeKey of this.db.getKeys()) newest = Math.max(newest, windowStartOfStoreKey(storeKey));
      this.#filesNewestStart = newest;
    }
    return this.#filesNewestStart;
  }

  storeKeyOfChangelog(changelogKey: Buffer): Buffer {
    return windowStoreKeyOfChangelog(changelogKey);
  }

  protected timeOfStoreKey(storeKey: Buffer): number {
    return windowStartOfStoreKey(storeKey);
  }

  get memorySize(): number {
    return this.#slots.size;
  }

  override get batchCount(): number {
    return this.#slots.batch.length;
  }

  override get unflushedCount(): number {
    return this.#slots.unflushed.length;
  }

  get(key: Buffer, windowStart: number): unknown {
    if (windowStart < this.expiredBefore) return undefined;
    const slot = this.#slots.slot(key, windowStart);
    if (slot !== undefined) return slot.value === null ? undefined : slot.value;
    if (windowStart > this.#newestStartInFiles()) return undefined;
    const bytes = this.db.getBinaryFast(windowStoreKey(key, windowStart));
    if (bytes === undefined) return undefined;
    const value = this.decode(bytes);
    this.#slots.cacheRead(key, windowStart, value);
    return value;
  }

  put(key: Buffer, windowStart: number, value: unknown, timestamp: number): void {
    checkKey(this.spec.name, key, 10);
    this.#slots.write(key, windowStart, value, timestamp);
  }

  fetch(key: Buffer, fromStart: number, toStart: number): WindowEntry<unknown>[] {
    const from = Math.max(fromStart, this.expiredBefore, 0);
    if (toStart < from) return [];
    const slots = this.#slots.keyWindows(key)?.slots;
    const out: WindowEntry<unknown>[] = [];
    for (const { key: storeKey, value } of this.db.getRange({
      start: windowStoreKey(key, from),
      end: windowStoreKey(key, toStart),
      inclusiveEnd: true,
    })) {
      const windowStart = windowStartOfStoreKey(storeKey);
      if (slots?.has(windowStart) !== true) out.push({ key, windowStart, value: this.decode(value) });
    }
    if (slots === undefined) return out;
    for (const slot of slots.values()) {
      if (slot.value === null || slot.start < from || slot.start > toStart) continue;
      out.push({ key, windowStart: slot.start, value: slot.value });
    }
    return out.sort((a, b) => a.windowStart - b.windowStart);
  }

  fetchAll(fromStart: number, toStart: number): WindowEntry<unknown>[] {
    const from = Math.max(fromStart, this.expiredBefore);
    const out: WindowEntry<unknown>[] = [];
    for (const { key: storeKey, value } of this.db.getRange()) {
      const windowStart = windowStartOfStoreKey(storeKey);
      if (windowStart < from || windowStart > toStart) continue;
      const key = keyOfStoreKey(storeKey);
      const slot = this.#slots.slot(key, windowStart);
      // Clean slots equal the files; changed ones are added below.
      if (slot !== undefined && (slot.dirty || slot.unflushed)) continue;
      out.push({ key: Buffer.from(key), windowStart, value: slot?.value ?? this.decode(value) });
    }
    for (const slot of this.#slots.changed()) {
      if (slot.value === null || slot.start < from || slot.start > toStart) continue;
      out.push({ key: slot.keyWindows.key, windowStart: slot.start, value: slot.value });
    }
    return out.sort((a, b) => Buffer.compare(a.key, b.key) || a.windowStart - b.windowStart);
  }

  override changelogRecords(partition: number): ProduceRecord[] {
    const records: ProduceRecord[] = [];
    for (const slot of this.#slots.batch) {
      if (slot.staged === undefined) slot.staged = slot.value === null ? null : this.encode(slot.value);
      records.push({
        key: windowChangelogKey(slot.keyWindows.key, slot.start),
        value: slot.staged,
        timestamp: slot.timestamp,
        partition,
      });
    }
    return records;
  }

  override commitBatch(): void {
    this.#slots.commitBatch((value) => this.encode(value));
  }

  override discardBatch(): void {
    this.#slots.discardBatch((bytes) => this.decode(bytes));
  }

  override writeUnflushed(): void {
    for (const slot of this.#slots.unflushed) {
      const storeKey = windowStoreKey(slot.keyWindows.key, slot.start);
      if (slot.committed === null || slot.committed === undefined) this.db.removeSync(storeKey);
      else {
        this.db.putSync(storeKey, slot.committed);
        if (this.#filesNewestStart !== undefined && slot.start > this.#filesNewestStart)
          this.#filesNewestStart = slot.start;
      }
    }
    this.sweep();
  }

  override clearUnflushed(): void {
    this.#slots.capacity = this.cacheCapacity;
    this.#slots.flushed(this.expiredBefore);
  }
}

class SessionStoreImpl extends TimedStoreBase implements SessionStore<unknown> {
  storeKeyOfChangelog(changelogKey: Buffer): Buffer {
    return sessionStoreKeyOfChangelog(changelogKey);
  }

  protected timeOfStoreKey(storeKey: Buffer): number {
    return sessionOfStoreKey(storeKey).end;
  }

  put(key: Buffer, start: number, end: number, value: unknown, timestamp: number): void {
    checkKey(this.spec.name, key, 18);
    if (end < start) throw new StateStoreError(`A session cannot end (${end}) before it starts (${start}).`);
    this.record(key.toString('latin1'), `${end}:${start}`, {
      storeKey: sessionStoreKey(key, start, end),
      changelogKey: sessionChangelogKey(key, start, end),
      value,
      timestamp,
    });
  }

  findSessions(key: Buffer, earliestEnd: number, latestStart: number): SessionEntry<unknown>[] {
    const minEnd = Math.max(earliestEnd, this.expiredBefore, 0);
    const id = key.toString('latin1');
    const out: SessionEntry<unknown>[] = [];
    for (const { key: storeKey, value } of this.db.getRange({
      start: sessionStoreKey(key, 0, minEnd),
      end: sessionStoreKey(key, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
      inclusiveEnd: true,
    })) {
      const { start, end } = sessionOfStoreKey(storeKey);
      if (start > latestStart || this.shadowed(id, `${end}:${start}`)) continue;
      out.push({ key, start, end, value: this.decode(value) });
    }
    const above = this.changesOf(id);
    if (above.length === 0) return out;
    for (const change of above) {
      const { start, end } = sessionOfStoreKey(change.storeKey);
      if (change.value === null || end < minEnd || start > latestStart) continue;
      out.push({ key, start, end, value: change.value });
    }
    return out.sort((a, b) => a.end - b.end || a.start - b.start);
  }

  fetchAll(earliestEnd: number, latestStart: number): SessionEntry<unknown>[] {
    const minEnd = Math.max(earliestEnd, this.expiredBefore);
    const out: SessionEntry<unknown>[] = [];
    for (const { key: storeKey, value } of this.db.getRange()) {
      const { start, end } = sessionOfStoreKey(storeKey);
      if (end < minEnd || start > latestStart) continue;
      const key = keyOfStoreKey(storeKey);
      if (this.shadowed(key.toString('latin1'), `${end}:${start}`)) continue;
      out.push({ key: Buffer.from(key), start, end, value: this.decode(value) });
    }
    for (const change of this.changesAbove()) {
      const { start, end } = sessionOfStoreKey(change.storeKey);
      if (change.value === null || end < minEnd || start > latestStart) continue;
      out.push({ key: keyOfStoreKey(change.storeKey), start, end, value: change.value });
    }
    return out.sort((a, b) => Buffer.compare(a.key, b.key) || a.end - b.end || a.start - b.start);
  }
}

/**
 * Removes what a terminated query's state stores left: its changelog topics (every
 * `<application id>-…-changelog`) and its state directory (all partitions). The stores must be closed.
 */
export async function deleteQueryState(log: Log, stateDir: string, applicationId: string): Promise<string[]> {
  const prefix = `${applicationId}-`;
  const deleted: string[] = [];
  for (const topic of await log.listTopics()) {
    if (topic.startsWith(prefix) && topic.endsWith('-changelog')) {
      await log.deleteTopic(topic);
      deleted.push(topic);
    }
  }
  rmSync(join(stateDir, applicationId), { recursive: true, force: true });
  return deleted;
}
