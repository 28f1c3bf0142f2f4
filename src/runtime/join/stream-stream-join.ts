// A stream-stream join within a time window (Kafka Streams' KStreamKStreamJoin, which ksqlDB's
// StreamStreamJoinBuilder runs): each side's records wait in a window store, and a record joins
// every record of the other side with its key whose time is within the window, one row per match,
// stamped with the later of the two times. Outer sides (LEFT, RIGHT, FULL) also give a record that
// met nothing, padded with NULLs: at once without GRACE PERIOD (ksqlDB's legacy windows), or, with
// one, only once its window has closed and it still met nothing (KIP-633's spurious-result-free
// emission), from a shared store of records still waiting for a match.
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

/** The waiting-records store's key: time (8 bytes), side (right 0, left 1, as Kafka Streams orders them), join key. */
function outerKey(timestamp: number, side: Side, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(9 + key.length);
  out.writeBigInt64BE(BigInt(Math.max(0, timestamp)), 0);
  out[8] = side === 'left' ? 1 : 0;
  key.copy(out, 9);
  return out;
}

function outerBound(timestamp: number): Buffer {
  const out = Buffer.alloc(9, 0xff);
  out.writeBigInt64BE(BigInt(Math.max(0, timestamp)), 0);
  return out;
}

/**
 * The join's two entry points, `leftSide` and `rightSide`: each takes its stream's rows and gives
 * joined rows. Stream time is shared by both sides (the largest record time either has seen); each
 * side's store keeps its records by Kafka Streams' segments of its own newest time. A row without
 * value or with a NULL join key joins nothing.
 */
export class StreamStreamJoin {
  readonly leftSide: Operator;
  readonly rightSide: Operator;
  readonly #spec: StreamStreamJoinSpec;
  readonly #context: OperatorContext;
  readonly #windows: Record<Side, WindowStore<SqlValue[][]>>;
  /** Each side's store's contents by key, for lookups without a range read of the store. */
  readonly #buffers: Record<Side, JoinWindowBuffer> = {
    left: new JoinWindowBuffer(),
    right: new JoinWindowBuffer(),
  };
  readonly #outer: KeyValueStore<SqlValue[][]> | undefined;
  readonly #outerSides: Record<Side, boolean>;
  readonly #retentionMs: number;
  readonly #segmentMs: number;
  readonly #graceMs: number;
  #streamTime = Number.NEGATIVE_INFINITY;
  readonly #observed: Record<Side, number> = {
    left: Number.NEGATIVE_INFINITY,
    right: Number.NEGATIVE_INFINITY,
  };
  /**
   * At most the oldest waiting record's time (−∞ when unknown, as after a restart), so most
   * records need not look at the waiting store.
   */
  #oldestWaiting = Number.NEGATIVE_INFINITY;

  constructor(spec: StreamStreamJoinSpec, context: OperatorContext) {
    const stores = context.stores;
    if (stores === undefined)
      throw new Error('a join needs the query’s state stores (OperatorContext.stores)');
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
    // What the stores kept (after a restart) comes back into the buffers, with each side's time.
    for (const side of ['left', 'right'] as const) {
      for (const entry of this.#windows[side].fetchAll(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) {
        this.#buffers[side].load(entry.key.toString('latin1'), entry.windowStart, entry.value);
        this.#observed[side] = Math.max(this.#observed[side], entry.windowStart);
        this.#streamTime = Math.max(this.#streamTime, entry.windowStart);
      }
      this.#buffers[side].expire(this.#liveFrom(side));
    }
    this.leftSide = { name: 'Join', process: (batch) => this.#process('left', batch) };
    this.rightSide = { name: 'Join', process: (batch) => this.#process('right', batch) };
  }

  /**
   * The oldest time a side's store still keeps: the start of the segment that holds its newest time
   * less the retention (Kafka Streams' segments).
   */
  #liveFrom(side: Side): number {
    return Math.floor((this.#observed[side] - this.#retentionMs) / this.#segmentMs) * this.#segmentMs;
  }

  #process(side: Side, batch: RowBatch): RowBatch {
    const out = emptyLike(batch);
    const spec = this.#spec;
    const other: Side = side === 'left' ? 'right' : 'left';
    const keyOf = side === 'left' ? spec.leftKey : spec.rightKey;
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
      const timestamp = batch.timestamps[i];
      const origin = batch.origins[i];
      // Kafka Streams' KStreamJoinWindow: the record waits in its side's store first.
      if (timestamp > this.#observed[side]) {
        this.#observed[side] = timestamp;
        own.observeStreamTime(timestamp);
        this.#buffers[side].expire(this.#liveFrom(side));
      }
      if (timestamp >= this.#liveFrom(side))
        own.put(bytes, timestamp, this.#buffers[side].add(id, timestamp, row), timestamp);
      if (timestamp > this.#streamTime) this.#streamTime = timestamp;
      if (timestamp === this.#streamTime && this.#outer !== undefined) this.#emitClosed(out, origin);
      const from = Math.max(0, timestamp - back);
      const to = Math.max(0, timestamp + ahead);
      let matched = false;
      for (const entry of this.#buffers[other].fetch(id, from, to)) {
        matched = true;
        // The other record met this one: it no longer waits to be given alone.
        if (this.#outer !== undefined) {
          const waiting = outerKey(entry.timestamp, other, bytes);
          if (this.#outer.get(waiting) !== undefined) this.#outer.put(waiting, null, timestamp);
        }
        const time = Math.max(timestamp, entry.timestamp);
        for (const match of entry.rows) {
          this.#push(out, side === 'left' ? row : match, side === 'left' ? match : row, key, time, origin);
        }
      }
      if (matched || !this.#outerSides[side]) continue;
      if (this.#outer === undefined || to < this.#streamTime) {
        // No GRACE PERIOD, or its window has closed already: NULLs for the other side now.
        this.#pushAlone(out, side, row, key, timestamp, origin);
      } else {
        const at = outerKey(timestamp, side, bytes);
        this.#outer.put(at, [...(this.#outer.get(at) ?? []), row], timestamp);
        this.#oldestWaiting = Math.min(this.#oldestWaiting, timestamp);
      }
    }
    return out;
  }

  /** Gives the waiting records whose window (and grace) has closed, oldest first, with NULLs. */
  #emitClosed(out: RowBatch, origin: number): void {
    const outer = this.#outer as KeyValueStore<SqlValue[][]>;
    const { afterMs, beforeMs } = this.#spec;
    const grace = this.#graceMs;
    const now = this.#streamTime;
    const soonest = Math.min(afterMs, beforeMs);
    if (this.#oldestWaiting + soonest + grace >= now) return;
    const bound = now - grace - soonest;
    // Records past the bound are not visited: they are newer than it.
    let oldest = bound + 1;
    const open: Record<Side, boolean> = { left: false, right: false };
    for (const entry of outer.range(undefined, outerBound(bound))) {
      const timestamp = Number(entry.key.readBigInt64BE(0));
      const side: Side = entry.key[8] === 1 ? 'left' : 'right';
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
    this.#oldestWaiting = oldest;
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
