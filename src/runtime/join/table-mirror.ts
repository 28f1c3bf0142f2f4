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

/**
 * Keys are the join key's value when it is a primitive (every SQL type but DECIMAL, BYTES, ARRAY,
 * MAP, STRUCT and -0.0, which Map would confuse with 0.0 while their bytes differ), else the latin1
 * text of its store key bytes. A row of null means the table has no row for the key (a tombstone or
 * a store miss), so a lookup of an absent key does not go to the store again.
 */
export class TableMirror {
  readonly #rows = new Map<SqlValue, SqlValue[] | null>();
  readonly #capacity: number;
  readonly #strings = new Map<string, string>();

  constructor(capacity = MIRROR_ENTRIES) {
    this.#capacity = capacity;
  }

  /** The row known for `key`: a row, null when the table has none, undefined when not known here. */
  get(key: SqlValue): SqlValue[] | null | undefined {
    return this.#rows.get(key);
  }

  set(key: SqlValue, row: SqlValue[] | null): void {
    const rows = this.#rows;
    if (rows.size >= this.#capacity && !rows.has(key)) {
      // Map keeps insertion order: the oldest entry goes.
      for (const oldest of rows.keys()) {
        rows.delete(oldest);
        break;
      }
    }
    rows.set(key, row);
  }

  /**
   * The row, its strings made compact in place: a short string equal to one another row holds
   * becomes that one (a table's repeated values, a city, a state, a status, are then one string
   * each), and a string long enough for V8 to have kept as a slice of its record's JSON text is
   * copied out of it (the row no longer holds the whole text). Lookups then touch less memory; the
   * values are the same.
   */
  compact(row: SqlValue[]): SqlValue[] {
    const strings = this.#strings;
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (typeof value !== 'string') continue;
      if (value.length > SHARED_STRING_MAX_LENGTH) {
        row[i] = flatCopy(value);
        continue;
      }
      const shared = strings.get(value);
      if (shared !== undefined) {
        row[i] = shared;
        continue;
      }
      const own = value.length >= SLICED_STRING_MIN_LENGTH ? flatCopy(value) : value;
      if (strings.size >= SHARED_STRING_ENTRIES) strings.clear();
      strings.set(own, own);
      row[i] = own;
    }
    return row;
  }
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
