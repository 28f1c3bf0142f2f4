// One side of a stream-stream join held in memory as well as in its window store: the records of
// each key by time, so a record finds its matches without a range read of the store. Every write
// to the side's store goes through the join, which keeps the two in step; the buffer is filled from
// the store when the join starts (after a restart, or after a rolled-back batch).
import type { SqlValue } from '../../types/index.js';

export interface BufferedEntry {
  readonly timestamp: number;
  /** The rows of this key at this time, in arrival order (what the store holds for the window). */
  rows: SqlValue[][];
}

export class JoinWindowBuffer {
  readonly #byKey = new Map<string, BufferedEntry[]>();
  /** Entries older than this are gone (Kafka Streams' expired segments). */
  #liveFrom = Number.NEGATIVE_INFINITY;

  /** Adds a row; returns all rows of its key and time, for the store. */
  add(id: string, timestamp: number, row: SqlValue[]): SqlValue[][] {
    let entries = this.#byKey.get(id);
    if (entries === undefined) {
      entries = [];
      this.#byKey.set(id, entries);
    }
    // Mostly in time order: look from the end.
    let i = entries.length;
    while (i > 0 && entries[i - 1].timestamp > timestamp) i--;
    if (i > 0 && entries[i - 1].timestamp === timestamp) {
      const entry = entries[i - 1];
      entry.rows = [...entry.rows, row];
      return entry.rows;
    }
    const entry = { timestamp, rows: [row] };
    entries.splice(i, 0, entry);
    return entry.rows;
  }

  /** Puts back what the store held (rows of one key and time). */
  load(id: string, timestamp: number, rows: SqlValue[][]): void {
    for (const row of rows) this.add(id, timestamp, row);
  }

  /** The key's entries with from ≤ time ≤ to, oldest first. */
  fetch(id: string, from: number, to: number): BufferedEntry[] {
    const entries = this.#byKey.get(id);
    if (entries === undefined) return [];
    const out: BufferedEntry[] = [];
    for (const e of entries) {
      if (e.timestamp > to) break;
      if (e.timestamp >= from && e.timestamp >= this.#liveFrom) out.push(e);
    }
    return out;
  }

  /** Drops every entry older than `liveFrom`; a no-op unless it moved on. */
  expire(liveFrom: number): void {
    if (liveFrom <= this.#liveFrom) return;
    this.#liveFrom = liveFrom;
    for (const [id, entries] of this.#byKey) {
      let dead = 0;
      while (dead < entries.length && entries[dead].timestamp < liveFrom) dead++;
      if (dead === entries.length) this.#byKey.delete(id);
      else if (dead > 0) entries.splice(0, dead);
    }
  }
}
