// The decoded rows of a join's table side, in memory, by join key: a stream record's lookup is one
// Map read on the key value itself, with neither key encoding nor a store read nor value decoding.
import type { SqlValue } from '../../types/index.js';

/** How many table rows a join keeps decoded (beyond that the oldest go; the store still has them). */
export const MIRROR_ENTRIES = 100_000;

/** Strings longer than this are kept as they are: a shared copy pays off for short, repeated values. */
const SHARED_STRING_MAX_LENGTH = 32;
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
   * The row with its short strings replaced by equal ones other rows already hold: a table's
   * repeated values (a city, a state, a status) are then one string each, which keeps the rows
   * a lookup reads small and close together. The row is otherwise the same.
   */
  compact(row: SqlValue[]): SqlValue[] {
    const strings = this.#strings;
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (typeof value !== 'string' || value.length > SHARED_STRING_MAX_LENGTH) continue;
      const shared = strings.get(value);
      if (shared !== undefined) row[i] = shared;
      else {
        if (strings.size >= SHARED_STRING_ENTRIES) strings.clear();
        strings.set(value, value);
      }
    }
    return row;
  }
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
