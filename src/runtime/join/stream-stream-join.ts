// A stream-stream join within a time window (Kafka Streams' KStreamKStreamJoin, which ksqlDB's
// StreamStreamJoinBuilder runs): each side's records wait in a window store, and a record joins
// every record of the other side with its key whose time is within the window, one row per match,
// stamped with the later of the two times. Outer sides (LEFT, RIGHT, FULL) also give a record that
// met nothing, padded with NULLs: at once without GRACE PERIOD (ksqlDB's legacy windows), or, with
// one, only once its window has closed and it still met nothing (KIP-633's spurious-result-free
// emission), from a shared store of records still waiting for a match.
// Kafka Streams runs one such join per task (one partition of each co-partitioned input), each with
// its own stores and stream time; Sluice runs one join over every partition, so each partition's
// records wait, expire and are given alone by that partition's own stream time, and meet only
// records of their partition. A side re-keyed in process (where ksqlDB writes a repartition topic)
// takes the partition its new key hashes to.
import { partitionForKey } from '../../log/index.js';
import type { SqlValue } from '../../types/index.js';
import { decodeAccumulator, encodeAccumulator } from '../aggregate/state-codec.js';
import { evaluateOrNull, type Operator, type OperatorContext, type RowBatch } from '../operators.js';
import type { KeyValueStore, StoreSpec, WindowStore } from '../state/index.js';
import { joinKeyBytes } from './join-keys.js';
import { JoinWindowBuffer } from './join-window-buffer.js';
import { emptyLike, type JoinedRowLayout, joinedRow } from './joined-rows.js';

type RowFunction = (row: readonly SqlValue[]) => SqlValue;
type Side = 'left' | 'right';

/** Kafka Streams' default grace of legacy windows: a day, less the window (JoinWindows.of). */
const LEGACY_GRACE_BASE_MS = 86_400_000;
/** Kafka Streams' smallest segment of a window store (RocksDbWindowBytesStoreSupplier). */
const MIN_SEGMENT_MS = 60_000;

export interface StreamStreamJoinStores {
  readonly left: string;
  readonly right: string;
  /** The store of outer records still waiting for a match; only with GRACE PERIOD on an outer join. */
  readonly outer: string | undefined;
}

export interface StreamStreamJoinSpec extends JoinedRowLayout {
  readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
  readonly leftKey: RowFunction;
  readonly rightKey: RowFunction;
  /** A right record at tR joins a left record at tL when tL − beforeMs ≤ tR ≤ tL + afterMs. */
  readonly beforeMs: number;
  readonly afterMs: number;
  /** Undefined without GRACE PERIOD. */
  readonly graceMs: number | undefined;
  readonly stores: StreamStreamJoinStores;
  /** Whether a side is re-keyed in process: its records take the partition their join key hashes to. */
  readonly rekeyed: { readonly left: boolean; readonly right: boolean };
  /** The inputs' partition count (co-partitioned); needed when a side is re-keyed. */
  readonly partitions: number | undefined;
  /**
   * A re-keyed key's bytes as its repartition topic's key format writes them, which its partition
   * is hashed from; absent, the join's own encoding of the key (a STRING's UTF-8) is hashed.
   */
  readonly serializeKey?: (key: SqlValue) => Buffer | null;
}

/** How long each side's records are kept, and the segments Kafka Streams expires them by. */
function retentionOf(spec: Pick<StreamStreamJoinSpec, 'beforeMs' | 'afterMs' | 'graceMs'>) {
  const size = spec.beforeMs + spec.afterMs;
  const grace = spec.graceMs ?? Math.max(LEGACY_GRACE_BASE_MS - 2 * spec.beforeMs, 0);
  const retentionMs = size + grace;
  return { graceMs: grace, retentionMs, segmentMs: Math.max(Math.floor(retentionMs / 2), MIN_SEGMENT_MS) };
}

export function streamStreamJoinStores(spec: StreamStreamJoinSpec): StoreSpec[] {
  const { retentionMs, segmentMs } = retentionOf(spec);
  // The stores keep a segment more than the retention: what is still live is decided here, by
  // Kafka Streams' segments, and the store must not drop it first.
  const stores: StoreSpec[] = [
    { name: spec.stores.left, kind: 'window', retentionMs: retentionMs + segmentMs },
    { name: spec.stores.right, kind: 'window', retentionMs: retentionMs + segmentMs },
  ];
  if (spec.stores.outer !== undefined) stores.push({ name: spec.stores.outer, kind: 'keyValue' });
  return stores;
}

const rowsCodec = {
  encode: (rows: SqlValue[][]) => encodeAccumulator(rows),
  decode: (bytes: Buffer) => decodeAccumulator(bytes) as SqlValue[][],
};

/**
 * A window store's key: the partition (4 bytes, so a restart knows each record's partition), then
 * the join key.
 */
function windowKey(task: number, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + key.length);
  out.writeUInt32BE(task, 0);
  key.copy(out, 4);
  return out;
}

/**
 * The waiting-records store's key: partition (4 bytes; each partition's records apart, as each Kafka
 * Streams task has its own store), time (8 bytes), side (right 0, left 1, as Kafka Streams orders
 * them), join key.
 */
function outerKey(task: number, timestamp: number, side: Side, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(13 + key.length);
  out.writeUInt32BE(task, 0);
  out.writeBigInt64BE(BigInt(Math.max(0, timestamp)), 4);
  out[12] = side === 'left' ? 1 : 0;
  key.copy(out, 13);
  return out;
}

/** Sorts before every key of the partition's. */
function taskPrefix(task: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(task, 0);
  return out;
}

function outerBound(task: number, timestamp: number): Buffer {
  const out = Buffer.alloc(13, 0xff);
  out.writeUInt32BE(task, 0);
  out.writeBigInt64BE(BigInt(Math.max(0, timestamp)), 4);
  return out;
}

/** What Kafka Streams keeps per task: the sides' records in memory, and the times. */
class TaskState {
  readonly buffers: Record<Side, JoinWindowBuffer> = {
    left: new JoinWindowBuffer(),
    right: new JoinWindowBuffer(),
  };
  /** The largest record time either side of this partition has seen (Kafka Streams' shared time tracker). */
  streamTime = Number.NEGATIVE_INFINITY;
  /** Each side's newest record time in this partition (its window store's observed stream time). */
  readonly observed: Record<Side, number> = {
    left: Number.NEGATIVE_INFINITY,
    right: Number.NEGATIVE_INFINITY,
  };
  /**
   * At most the oldest waiting record's time (−∞ when unknown, as after a restart), so most
   * records need not look at the waiting store.
   */
  oldestWaiting = Number.NEGATIVE_INFINITY;
}

/**
 * The join's two entry points, `leftSide` and `rightSide`: each takes its stream's rows and gives
 * joined rows. Each partition has its own stream time, shared by both sides (the largest record
 * time either has seen there); each side's records are kept by Kafka Streams' segments of that
 * side's newest time in the partition. A row without value or with a NULL join key joins nothing.
 */
export class StreamStreamJoin {
  readonly leftSide: Operator;
  readonly rightSide: Operator;
  readonly #spec: StreamStreamJoinSpec;
  readonly #context: OperatorContext;
  readonly #windows: Record<Side, WindowStore<SqlValue[][]>>;
  readonly #tasks = new Map<number, TaskState>();
  readonly #outer: KeyValueStore<SqlValue[][]> | undefined;
  readonly #outerSides: Record<Side, boolean>;
  readonly #retentionMs: number;
  readonly #segmentMs: number;
  readonly #graceMs: number;

  constructor(spec: StreamStreamJoinSpec, context: OperatorContext) {
    const stores = context.stores;
    if (stores === undefined)
      throw new Error('a join needs the query’s state stores (OperatorContext.stores)');
    if ((spec.rekeyed.left || spec.rekeyed.right) && !(spec.partitions !== undefined && spec.partitions > 0))
      throw new Error('a re-keyed stream-stream join needs its inputs’ partition count');
    this.#spec = spec;
    this.#context = context;
    const { retentionMs, segmentMs, graceMs } = retentionOf(spec);
    this.#retentionMs = retentionMs;
    this.#segmentMs = segmentMs;
    this.#graceMs = graceMs;
    this.#windows = {
      left: stores.windowStore(spec.stores.left, rowsCodec),
      right: stores.windowStore(spec.stores.right, rowsCodec),
    };
    this.#outer =
      spec.stores.outer === undefined ? undefined : stores.keyValueStore(spec.stores.outer, rowsCodec);
    this.#outerSides = {
      left: spec.joinType === 'LEFT' || spec.joinType === 'FULL',
      right: spec.joinType === 'RIGHT' || spec.joinType === 'FULL',
    };
    // What the stores kept (after a restart) comes back into each partition's buffers, and each
    // partition's times with it: a side's newest record time is its store's observed stream time,
    // as a Kafka Streams window store recovers it from the records it restores.
    for (const side of ['left', 'right'] as const) {
      for (const entry of this.#windows[side].fetchAll(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) {
        const task = this.#task(entry.key.readUInt32BE(0));
        task.buffers[side].load(entry.key.subarray(4).toString('latin1'), entry.windowStart, entry.value);
        task.observed[side] = Math.max(task.observed[side], entry.windowStart);
        task.streamTime = Math.max(task.streamTime, entry.windowStart);
      }
    }
    for (const task of this.#tasks.values())
      for (const side of ['left', 'right'] as const) task.buffers[side].expire(this.#liveFrom(task, side));
    this.leftSide = { name: 'Join', process: (batch) => this.#process('left', batch) };
    this.rightSide = { name: 'Join', process: (batch) => this.#process('right', batch) };
  }

  #task(partition: number): TaskState {
    let task = this.#tasks.get(partition);
    if (task === undefined) {
      task = new TaskState();
      this.#tasks.set(partition, task);
    }
    return task;
  }

  /**
   * The oldest time a side's store still keeps in a partition: the start of the segment that holds
   * the side's newest time there less the retention (Kafka Streams' segments).
   */
  #liveFrom(task: TaskState, side: Side): number {
    return Math.floor((task.observed[side] - this.#retentionMs) / this.#segmentMs) * this.#segmentMs;
  }

  /**
   * Tells a side's store the oldest of the partitions' times: what it drops from disk is then dead
   * in every partition (a partition yet to see records has none in it).
   */
  #observeStore(side: Side): void {
    let oldest = Number.POSITIVE_INFINITY;
    for (const task of this.#tasks.values())
      if (task.observed[side] > Number.NEGATIVE_INFINITY) oldest = Math.min(oldest, task.observed[side]);
    if (oldest < Number.POSITIVE_INFINITY) this.#windows[side].observeStreamTime(oldest);
  }

  #process(side: Side, batch: RowBatch): RowBatch {
    const out = emptyLike(batch);
    const spec = this.#spec;
    const other: Side = side === 'left' ? 'right' : 'left';
    const keyOf = side === 'left' ? spec.leftKey : spec.rightKey;
    const rekeyed = spec.rekeyed[side];
    const partitions = spec.partitions ?? 1;
    // A left record meets right records in [t − before, t + after]; a right one, left records in [t − after, t + before].
    const [back, ahead] = side === 'left' ? [spec.beforeMs, spec.afterMs] : [spec.afterMs, spec.beforeMs];
    const own = this.#windows[side];
    for (let i = 0; i < batch.rows.length; i++) {
      if (batch.deletes[i]) continue;
      const row = batch.rows[i];
      const key = evaluateOrNull(this.#context, keyOf, row);
      if (key === null) continue;
      const bytes = joinKeyBytes(key) as Buffer;
      const id = bytes.toString('latin1');
      // The partition a repartition topic would give the re-keyed record, else the one it was read from.
      const partition = rekeyed
        ? partitionForKey(spec.serializeKey?.(key) ?? bytes, partitions)
        : batch.partition;
      const task = this.#task(partition);
      const timestamp = batch.timestamps[i];
      const origin = batch.origins[i];
      // Kafka Streams' KStreamJoinWindow: the record waits in its side's store first.
      if (timestamp > task.observed[side]) {
        task.observed[side] = timestamp;
        this.#observeStore(side);
        task.buffers[side].expire(this.#liveFrom(task, side));
      }
      if (timestamp >= this.#liveFrom(task, side))
        own.put(
          windowKey(partition, bytes),
          timestamp,
          task.buffers[side].add(id, timestamp, row),
          timestamp,
        );
      if (timestamp > task.streamTime) task.streamTime = timestamp;
      if (timestamp === task.streamTime && this.#outer !== undefined)
        this.#emitClosed(out, partition, task, origin);
      const from = Math.max(0, timestamp - back);
      const to = Math.max(0, timestamp + ahead);
      let matched = false;
      for (const entry of task.buffers[other].fetch(id, from, to)) {
        matched = true;
        // The other record met this one: it no longer waits to be given alone.
        if (this.#outer !== undefined) {
          const waiting = outerKey(partition, entry.timestamp, other, bytes);
          if (this.#outer.get(waiting) !== undefined) this.#outer.put(waiting, null, timestamp);
        }
        const time = Math.max(timestamp, entry.timestamp);
        for (const match of entry.rows) {
          this.#push(out, side === 'left' ? row : match, side === 'left' ? match : row, key, time, origin);
        }
      }
      if (matched || !this.#outerSides[side]) continue;
      if (this.#outer === undefined || to < task.streamTime) {
        // No GRACE PERIOD, or its window has closed already: NULLs for the other side now.
        this.#pushAlone(out, side, row, key, timestamp, origin);
      } else {
        const at = outerKey(partition, timestamp, side, bytes);
        this.#outer.put(at, [...(this.#outer.get(at) ?? []), row], timestamp);
        task.oldestWaiting = Math.min(task.oldestWaiting, timestamp);
      }
    }
    return out;
  }

  /** Gives a partition's waiting records whose window (and grace) has closed, oldest first, with NULLs. */
  #emitClosed(out: RowBatch, partition: number, task: TaskState, origin: number): void {
    const outer = this.#outer as KeyValueStore<SqlValue[][]>;
    const { afterMs, beforeMs } = this.#spec;
    const grace = this.#graceMs;
    const now = task.streamTime;
    const soonest = Math.min(afterMs, beforeMs);
    if (task.oldestWaiting + soonest + grace >= now) return;
    const bound = now - grace - soonest;
    // Records past the bound are not visited: they are newer than it.
    let oldest = bound + 1;
    const open: Record<Side, boolean> = { left: false, right: false };
    for (const entry of outer.range(taskPrefix(partition), outerBound(partition, bound))) {
      const timestamp = Number(entry.key.readBigInt64BE(4));
      const side: Side = entry.key[12] === 1 ? 'left' : 'right';
      // A left record's window closes `after` past its time, a right one's `before`.
      if (timestamp + (side === 'left' ? afterMs : beforeMs) + grace >= now) {
        open[side] = true;
        oldest = Math.min(oldest, timestamp);
        if (open.left && open.right) break;
        continue;
      }
      for (const row of entry.value) {
        const keyValue = evaluateOrNull(
          this.#context,
          side === 'left' ? this.#spec.leftKey : this.#spec.rightKey,
          row,
        );
        this.#pushAlone(out, side, row, keyValue, timestamp, origin);
      }
      outer.put(Buffer.from(entry.key), null, now);
    }
    task.oldestWaiting = oldest;
  }

  #pushAlone(
    out: RowBatch,
    side: Side,
    row: SqlValue[],
    key: SqlValue,
    timestamp: number,
    origin: number,
  ): void {
    if (side === 'left') this.#push(out, row, undefined, key, timestamp, origin);
    else this.#push(out, undefined, row, key, timestamp, origin);
  }

  #push(
    out: RowBatch,
    left: SqlValue[] | undefined,
    right: SqlValue[] | undefined,
    key: SqlValue,
    timestamp: number,
    origin: number,
  ): void {
    out.rows.push(joinedRow(this.#spec, left, right, key, timestamp));
    out.deletes.push(false);
    out.timestamps.push(timestamp);
    out.origins.push(origin);
  }
}
