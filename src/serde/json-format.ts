// ksqlDB's JSON format: a row is an object keyed by column name, or, for one column with
// WRAP_SINGLE_VALUE=false (and for a single key column), the column's value on its own.
import { formatType, type SqlValue } from '../types/index.js';
import { DecimalError } from './decimal.js';
import type { Format, FormatOptions, RowDeserializer, RowSerializer, SerdeColumn } from './format.js';
import { JsonCursor, JsonReadFailure } from './json-cursor.js';
import { checkJsonType, compileFieldPlan, compileJsonReader, readObjectFields } from './json-readers.js';
import { compileJsonWriter, objectPrefixes } from './json-writers.js';
import { excerptText, FormatSchemaError, SerdeError } from './serde-error.js';

/** Whether the row is written as an object (true) or as its single column's bare value. */
export function isWrapped(columns: readonly SerdeColumn[], options: FormatOptions | undefined): boolean {
  if (options?.target === 'key') return columns.length !== 1;
  if (options?.wrapSingleValue === false) {
    if (columns.length !== 1) {
      throw new FormatSchemaError(
        `'WRAP_SINGLE_VALUE' is only valid for single-field value schemas; this schema has ${columns.length} fields`,
      );
    }
    return false;
  }
  return true;
}

function checkSchema(columns: readonly SerdeColumn[]): void {
  for (const c of columns) checkJsonType(c.type, c.name);
}

/** Where the JSON starts: after a JSON_SR magic byte and schema id, or a UTF-8 byte order mark. */
function textOf(bytes: Uint8Array): string {
  // Valid JSON never starts with 0x00, so this is JSON_SR framing (magic byte, 4-byte schema id).
  const skip = bytes.length >= 5 && bytes[0] === 0 ? 5 : 0;
  const text =
    bytes instanceof Buffer
      ? bytes.toString('utf8', skip)
      : Buffer.from(bytes.buffer, bytes.byteOffset + skip, bytes.byteLength - skip).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export const jsonFormat: Format = {
  name: 'JSON',
  supportsKey: true,
  supportsValue: true,

  createSerializer(columns, options): RowSerializer {
    checkSchema(columns);
    const writers = columns.map((c) => compileJsonWriter(c.type));
    if (!isWrapped(columns, options)) {
      const write = writers[0];
      // An anonymous null is a null record (a tombstone), as in ksqlDB.
      return (row) => (row === null || row[0] === null ? null : Buffer.from(write(row[0]), 'utf8'));
    }
    const n = columns.length;
    if (n === 0) return (row) => (row === null ? null : Buffer.from('{}'));
    const prefixes = objectPrefixes(columns.map((c) => c.name));
    return (row) => {
      if (row === null) return null;
      let out = '';
      for (let i = 0; i < n; i++) out += prefixes[i] + writers[i](row[i] ?? null);
      return Buffer.from(`${out}}`, 'utf8');
    };
  },

  createDeserializer(columns, options): RowDeserializer {
    checkSchema(columns);
    const target = options?.target ?? 'value';
    const cursor = new JsonCursor();
    const wrapped = isWrapped(columns, options);
    const n = columns.length;

    function fail(e: unknown, text: string): never {
      if (e instanceof JsonReadFailure) {
        const columnName = wrapped ? e.path[0] : columns[0].name;
        const column = columns.find((c) => c.name === columnName);
        const path = jsonPath(e.path);
        throw new SerdeError({
          format: 'JSON',
          target,
          column: column?.name,
          expectedType: column && formatType(column.type),
          path,
          problem: e.message,
          excerpt: excerptText(text, e.at),
        });
      }
      if (e instanceof DecimalError || e instanceof RangeError) {
        // RangeError here is the stack running out on absurdly deep nesting.
        throw new SerdeError({ format: 'JSON', target, problem: e.message, excerpt: excerptText(text) });
      }
      throw e;
    }

    if (!wrapped) {
      const read = compileJsonReader(columns[0].type);
      return (bytes) => {
        if (bytes === null) return null;
        const text = textOf(bytes);
        cursor.reset(text, 0);
        try {
          const value = read(cursor);
          cursor.expectEnd();
          return [value];
        } catch (e) {
          return fail(e, text);
        }
      };
    }

    const plan = compileFieldPlan(columns);
    const expected = `a JSON object with the fields ${columns.map((c) => c.name).join(', ')}`;
    return (bytes) => {
      if (bytes === null) return null;
      const text = textOf(bytes);
      cursor.reset(text, 0);
      try {
        const ch = cursor.peek();
        if (ch === 110 /* null */) {
          cursor.readLiteral();
          cursor.expectEnd();
          return null;
        }
        if (ch !== 123) {
          throw new JsonReadFailure(`expected ${expected}, found ${cursor.describeValue()}`, cursor.pos);
        }
        const row: SqlValue[] = new Array(n).fill(null);
        readObjectFields(cursor, plan, row);
        cursor.expectEnd();
        return row;
      } catch (e) {
        return fail(e, text);
      }
    };
  },
};

/** `$.A.B[2]`; a path deeper than a message can carry shows its first and last steps around "…". */
function jsonPath(parts: readonly string[]): string {
  const shown =
    parts.length <= 24 ? parts : [...parts.slice(0, 12), `[…${parts.length - 20} more…]`, ...parts.slice(-8)];
  return shown.reduce((p, part) => (part.startsWith('[') ? p + part : `${p}.${part}`), '$');
}
