/**
 * The window store's memory above its files: one slot per key and window start, holding the latest
 * value and where it stands (in the current batch, committed but not yet flushed, or clean: equal to
 * the files). A slot stays the same object while its window is hot, so an aggregate updating a window
 * costs two map lookups and a flag, where moving changes between per-layer maps cost allocations and
 * string keys on every update. Clean slots are kept as a cache, the least recently flushed dropped first.
 */

export interface WindowSlot {
  readonly keyWindows: KeyWindows;
  readonly start: number;
  /** The latest value; null for a delete. */
  value: unknown;
  /** Timestamp of the latest write (stamps its changelog record). */
  timestamp: number;
  /** Written in the current batch, not yet in the changelog. */
  dirty: boolean;
  /** Committed to the changelog, not yet written to the files. */
  unflushed: boolean;
  /** The value's bytes as last committed (null for a delete), kept until they reach the files. */
  committed: Buffer | null | undefined;
  /** The current batch's bytes, once encoded for the changelog. */
  staged: Buffer | null | undefined;
  /** When the slot was last queued for eviction (see WindowSlots.#queue). */
  queuedAt: number;
}

/** One key's slots, by window start. */
export interface KeyWindows {
  readonly id: string;
  /** The key's bytes (a copy owned by the store). */
  readonly key: Buffer;
  readonly slots: Map<number, WindowSlot>;
}

export class WindowSlots {
  readonly #keys = new Map<string, KeyWindows>();
  /** Slots written in the current batch, in first-write order. */
  batch: WindowSlot[] = [];
  /** Slots committed but not flushed. */
  unflushed: WindowSlot[] = [];
  #size = 0;
  /** Clean slots in the order they became clean (a slot may be queued again later: `queuedAt` tells). */
  #queue: WindowSlot[] = [];
  /** The `queuedAt` each queue entry was made with: an entry is current only while they match. */
  #queuedAt: number[] = [];
  #queueHead = 0;
  #tick = 0;
  /** The last key looked up: an aggregate reads and writes all of a record's windows with one key. */
  #lastKey: Buffer | undefined;
  #lastId = '';
  /** The last key's windows (undefined: none in memory, or not looked up since the key changed). */
  #lastWindows: KeyWindows | undefined;
  capacity = 0;

  get size(): number {
    return this.#size;
  }

  keyWindows(key: Buffer): KeyWindows | undefined {
    if (key !== this.#lastKey) {
      this.#lastKey = key;
      this.#lastId = key.toString('latin1');
      this.#lastWindows = this.#keys.get(this.#lastId);
    }
    return this.#lastWindows;
  }

  slot(key: Buffer, start: number): WindowSlot | undefined {
    return this.keyWindows(key)?.slots.get(start);
  }

  /** The slot of a key's window, made (clean, without value) if missing. */
  #ensure(key: Buffer, start: number): WindowSlot {
    let kw = this.keyWindows(key);
    if (kw === undefined) {
      const id = this.#lastId;
      kw = { id, key: Buffer.from(key), slots: new Map() };
      this.#keys.set(id, kw);
      this.#lastWindows = kw;
    }
    let slot = kw.slots.get(start);
    if (slot === undefined) {
      slot = {
        keyWindows: kw,
        start,
        value: null,
        timestamp: 0,
        dirty: false,
        unflushed: false,
        committed: undefined,
        staged: undefined,
        queuedAt: -1,
      };
      kw.slots.set(start, slot);
      this.#size++;
    }
    return slot;
  }

  /** Records a write of the current batch. */
  write(key: Buffer, start: number, value: unknown, timestamp: number): void {
    const slot = this.#ensure(key, start);
    slot.value = value;
    slot.timestamp = timestamp;
    if (!slot.dirty) {
      slot.dirty = true;
      slot.staged = undefined;
      this.batch.push(slot);
    }
  }

  /** Keeps a value just read from the files (it is likely to be updated next). */
  cacheRead(key: Buffer, start: number, value: unknown): void {
    const slot = this.#ensure(key, start);
    slot.value = value;
    this.#enqueue(slot);
  }

  /** Every slot not equal to the files (written or committed since the last flush). */
  *changed(): Iterable<WindowSlot> {
    for (const slot of this.unflushed) if (!slot.dirty) yield slot;
    yield* this.batch;
  }

  /** The batch is in the changelog. */
  commitBatch(encode: (value: unknown) => Buffer): void {
    for (const slot of this.batch) {
      const bytes = slot.staged !== undefined ? slot.staged : slot.value === null ? null : encode(slot.value);
      slot.committed = bytes;
      slot.staged = undefined;
      slot.dirty = false;
      if (!slot.unflushed) {
        slot.unflushed = true;
        this.unflushed.push(slot);
      }
    }
    this.batch = [];
  }

  /**
   * Forgets the batch. Values may have been changed in place, so a committed slot takes its
   * committed bytes back, and a slot the files hold (or never held) is dropped to be read again.
   */
  discardBatch(decode: (bytes: Buffer) => unknown): void {
    for (const slot of this.batch) {
      slot.dirty = false;
      slot.staged = undefined;
      if (slot.unflushed) slot.value = slot.committed === null ? null : decode(slot.committed as Buffer);
      else this.#drop(slot);
    }
    this.batch = [];
  }

  /** After the unflushed slots reached the files: they are clean (deletes leave memory), then trims to capacity. */
  flushed(expiredBefore: number): void {
    for (const slot of this.unflushed) {
      slot.unflushed = false;
      slot.committed = undefined;
      if (slot.dirty) continue;
      if (slot.value === null || slot.start < expiredBefore) this.#drop(slot);
      else this.#enqueue(slot);
    }
    this.unflushed = [];
    this.#evict(expiredBefore);
  }

  #enqueue(slot: WindowSlot): void {
    slot.queuedAt = ++this.#tick;
    this.#queue.push(slot);
    this.#queuedAt.push(slot.queuedAt);
  }

  #evict(expiredBefore: number): void {
    const queue = this.#queue;
    const queuedAt = this.#queuedAt;
    let head = this.#queueHead;
    while (head < queue.length && (this.#size > this.capacity || queue[head].start < expiredBefore)) {
      const slot = queue[head];
      const current = slot.queuedAt === queuedAt[head];
      head++;
      // Queued again since (the newer entry decides), written since, or already gone.
      if (!current || slot.dirty || slot.unflushed) continue;
      this.#drop(slot);
    }
    if (head > 4096 && head * 2 > queue.length) {
      this.#queue = queue.slice(head);
      this.#queuedAt = queuedAt.slice(head);
      head = 0;
    }
    this.#queueHead = head;
  }

  #drop(slot: WindowSlot): void {
    const kw = slot.keyWindows;
    if (kw.slots.get(slot.start) !== slot) return;
    kw.slots.delete(slot.start);
    this.#size--;
    if (kw.slots.size === 0) {
      this.#keys.delete(kw.id);
      if (this.#lastWindows === kw) this.#lastWindows = undefined;
    }
  }
}
