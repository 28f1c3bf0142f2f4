// The decoded rows of a join's table side, in memory, by join key: a stream record's lookup is one
// Map read on the key value itself, with neither key encoding nor a store read nor value decoding.
import type { SqlValue } from '../../types/index.js';

/** How many table rows a join keeps decoded (beyond that the oldest go; the store still has them). */
export const MIRROR_ENTRIES = 100_000;

/** Strings longer than this are not shared: sharing pays off for short, repeated values. */
const SHARED_STRING_MAX_LENGTH = 32;
/** V8 keeps a substring this long or longer as a slice of the string it was cut from. */
const SLICED_STRING_MIN_LENGTH = 13;
/** Distinct short strings remembered for sharing; when full the pool starts again. */
const SHARED_STRING_ENTRIES = 4096;

/** `TableMirror.slotOf` for a key the table has no row for. */
export const ABSENT = -1;

/** Whole-number keys from 0 to below this are found by index in a typed array, not by hashing. */
const DIRECT_KEY_LIMIT = 1 << 22;

/**
 * Keys are the join key's value when it is a primitive (every SQL type but DECIMAL, BYTES, ARRAY,
 * MAP, STRUCT and -0.0, which Map would confuse with 0.0 while their bytes differ), else the latin1
 * text of its store key bytes. Each known key has a slot: its row's values side by side in one
 * array, so reading a row is one place in memory rather than an array object and its elements
 * apart; or ABSENT when the table has no row (a tombstone or a store miss), so a lookup of an
 * absent key does not go to the store again.
 */
export class TableMirror {
  readonly #slots = new Map<SqlValue, number>();
  readonly #width: number;
  readonly #capacity: number;
  /** Slot s holds its row's values at [s × width, (s + 1) × width). */
  readonly #values: SqlValue[] = [];
  /** Slots of deleted rows, for the next rows. */
  readonly #free: number[] = [];
  readonly #strings = new Map<string, string>();
  /**
   * Each small whole-number key's slot + 2 (0: not known, 1: ABSENT), in step with `#slots`, which
   * still keeps their order: a lookup is one read where a Map of 100,000 keys is a hash and two
   * or three places in memory.
   */
  #direct = new Int32Array(0);

  /** `width`: how many values of each row are kept (the rest are never read). */
  constructor(width: number, capacity = MIRROR_ENTRIES) {
    this.#width = width;
    this.#capacity = capacity;
  }

  /** The key's slot, ABSENT when the table has no row for it, undefined when not known here. */
  slotOf(key: SqlValue): number | undefined {
    if (isDirectKey(key)) {
      const known = key < this.#direct.length ? this.#direct[key] : 0;
      return known === 0 ? undefined : known - 2;
    }
    return this.#slots.get(key);
  }

  /** Copies the row in `slot` into `row` from `at` on. */
  copyRow(slot: number, row: SqlValue[], at: number): void {
    const values = this.#values;
    const width = this.#width;
    const from = slot * width;
    for (let i = 0; i < width; i++) row[at + i] = values[from + i];
  }

  /** The row in `slot`, as an array of its own. */
  rowAt(slot: number): SqlValue[] {
    const row = new Array<SqlValue>(this.#width);
    this.copyRow(slot, row, 0);
    return row;
  }

  /** Remembers the key's row (null: the table has none); returns its slot, or ABSENT. */
  set(key: SqlValue, row: readonly SqlValue[] | null): number {
    const slots = this.#slots;
    let slot = slots.get(key);
    if (slot === undefined && slots.size >= this.#capacity) {
      // Map keeps insertion order: the oldest key goes, and its slot is the new key's.
      for (const [oldest, itsSlot] of slots) {
        slots.delete(oldest);
        if (isDirectKey(oldest)) this.#direct[oldest] = 0;
        slot = itsSlot === ABSENT ? undefined : itsSlot;
        break;
      }
    }
    if (row === null) {
      if (slot !== undefined && slot !== ABSENT) this.#release(slot);
      slots.set(key, ABSENT);
      this.#index(key, ABSENT);
      return ABSENT;
    }
    if (slot === undefined || slot === ABSENT) slot = this.#free.pop() ?? this.#values.length / this.#width;
    this.#write(slot, row);
    slots.set(key, slot);
    this.#index(key, slot);
    return slot;
  }

  #index(key: SqlValue, slot: number): void {
    if (!isDirectKey(key)) return;
    if (key >= this.#direct.length) {
      const grown = new Int32Array(Math.min(DIRECT_KEY_LIMIT, Math.max(key + 1, 2 * this.#direct.length)));
      grown.set(this.#direct);
      this.#direct = grown;
    }
    this.#direct[key] = slot + 2;
  }

  #release(slot: number): void {
    const values = this.#values;
    const from = slot * this.#width;
    // Nothing the row held stays reachable from here.
    for (let i = 0; i < this.#width; i++) values[from + i] = null;
    this.#free.push(slot);
  }

  /**
   * The row's values into its slot, strings made compact: a short string equal to one another row
   * holds becomes that one (a table's repeated values, a city, a state, a status, are then one
   * string each), and a string long enough for V8 to have kept as a slice of its record's JSON text
   * is copied out of it (the mirror does not hold the whole text). The values are the same.
   */
  #write(slot: number, row: readonly SqlValue[]): void {
    const values = this.#values;
    const strings = this.#strings;
    const width = this.#width;
    const from = slot * width;
    for (let i = 0; i < width; i++) {
      let value = row[i] ?? null;
      if (typeof value === 'string') {
        if (value.length > SHARED_STRING_MAX_LENGTH) value = flatCopy(value);
        else {
          const shared = strings.get(value);
          if (shared !== undefined) value = shared;
          else {
            if (value.length >= SLICED_STRING_MIN_LENGTH) value = flatCopy(value);
            if (strings.size >= SHARED_STRING_ENTRIES) strings.clear();
            strings.set(value, value);
          }
        }
      }
      if (from + i < values.length) values[from + i] = value;
      else values.push(value);
    }
  }
}

function isDirectKey(key: SqlValue): key is number {
  return typeof key === 'number' && key >= 0 && key < DIRECT_KEY_LIMIT && Number.isInteger(key);
}

/** A copy of `s` in its own memory: latin1 keeps one-byte strings exact, utf16le any other. */
function flatCopy(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) return Buffer.from(s, 'utf16le').toString('utf16le');
  }
  return Buffer.from(s, 'latin1').toString('latin1');
}

/** The mirror's key for a join key value, or undefined when the key goes by its bytes (see TableMirror). */
export function primitiveMirrorKey(key: SqlValue): SqlValue | undefined {
  switch (typeof key) {
    case 'number':
      return key === 0 && 1 / key < 0 ? undefined : key;
    case 'string':
    case 'bigint':
    case 'boolean':
      return key;
    default:
      return undefined;
  }
}
