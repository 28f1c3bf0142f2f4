// ksqlDB's DELIMITED format: one CSV record per Kafka record, primitive columns only, the
// configured delimiter (default ',', or the names TAB and SPACE). An empty field, quoted or not, is
// null for every type, as in ksqlDB; values are written with ksqlDB's quoting (see quoteCsvField).
import { formatType, type SqlType, type SqlValue } from '../types/index.js';
import { CsvSyntaxError, quoteCsvField, readCsvRecord } from './csv-record.js';
import { DecimalError, fitDecimal, formatDecimal, parseDecimalExact } from './decimal.js';
import type { Format, FormatOptions, RowDeserializer, RowSerializer, SerdeColumn } from './format.js';
import {
  decodeBase64,
  encodeBase64,
  formatDoubleLikeJava,
  parseBooleanLikeJava,
  parseDoubleLikeJava,
  parseIntLikeJava,
  parseLongLikeJava,
} from './java-text.js';
import { excerptText, FormatSchemaError, SerdeError } from './serde-error.js';

/** Parses a non-empty field; undefined when the text is not of the type. */
type FieldParser = (text: string) => SqlValue | undefined;
/** Writes a non-null value as field text (before quoting). */
type FieldWriter = (value: SqlValue) => string;

const MS_PER_DAY = 86_400_000;

function parserFor(type: SqlType): FieldParser | undefined {
  switch (type.kind) {
    case 'BOOLEAN':
      return parseBooleanLikeJava;
    case 'INTEGER':
      return parseIntLikeJava;
    case 'BIGINT':
      return parseLongLikeJava;
    case 'DOUBLE':
      return parseDoubleLikeJava;
    case 'STRING':
      return (text) => text;
    case 'DECIMAL':
      // DecimalError (overflow, rounding) propagates with its own message.
      return (text) => fitDecimal(parseDecimalExact(text), type.precision, type.scale);
    case 'TIMESTAMP':
    case 'DATE':
      return (text) => {
        const n = parseLongLikeJava(text);
        return n === undefined ? undefined : Number(n);
      };
    case 'TIME':
      return (text) => {
        const n = parseLongLikeJava(text);
        return n === undefined || n < 0n || n > MS_PER_DAY ? undefined : Number(n);
      };
    case 'BYTES':
      return decodeBase64;
    default:
      return undefined;
  }
}

function writerFor(type: SqlType): FieldWriter {
  switch (type.kind) {
    case 'DOUBLE':
      return (v) => formatDoubleLikeJava(v as number);
    case 'DECIMAL':
      return (v) => formatDecimal(v as { unscaled: bigint; scale: number });
    case 'BYTES':
      return (v) => encodeBase64(v as Uint8Array);
    default:
      return (v) => String(v);
  }
}

/** VALUE_DELIMITER / KEY_DELIMITER as ksqlDB reads it. */
export function parseDelimiter(option: string | undefined): number {
  if (option === undefined) return 44; // ','
  const named = option.toUpperCase();
  if (named === 'TAB') return 9;
  if (named === 'SPACE') return 32;
  if (option.length === 0) {
    throw new FormatSchemaError(
      "Delimiter cannot be empty; for tab or space delimiters use the special values 'TAB' or 'SPACE'",
    );
  }
  if (option.length !== 1 || option === '"' || option === '\n' || option === '\r') {
    throw new FormatSchemaError(
      `Invalid delimiter value: '${option}'. Delimiter must be a single character (not a quote or line break) or the special values 'TAB' or 'SPACE'`,
    );
  }
  return option.charCodeAt(0);
}

function checkSchema(columns: readonly SerdeColumn[], options: FormatOptions | undefined): void {
  if (options?.wrapSingleValue === true) {
    throw new FormatSchemaError("Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'.");
  }
  for (const c of columns) {
    if (!parserFor(c.type)) {
      throw new FormatSchemaError(
        `The 'DELIMITED' format does not support type '${c.type.kind}', column: \`${c.name}\``,
      );
    }
  }
}

export const delimitedFormat: Format = {
  name: 'DELIMITED',
  supportsKey: true,
  supportsValue: true,

  createSerializer(columns, options): RowSerializer {
    checkSchema(columns, options);
    const delimiter = parseDelimiter(options?.delimiter);
    const separator = String.fromCharCode(delimiter);
    const writers = columns.map((c) => writerFor(c.type));
    const n = columns.length;
    if (n === 0) return () => null;
    return (row) => {
      if (row === null) return null;
      let text = '';
      for (let i = 0; i < n; i++) {
        if (i > 0) text += separator;
        const v = row[i];
        if (v !== null && v !== undefined) text += quoteCsvField(writers[i](v), delimiter, i === 0);
      }
      return Buffer.from(text, 'utf8');
    };
  },

  createDeserializer(columns, options): RowDeserializer {
    checkSchema(columns, options);
    const delimiter = parseDelimiter(options?.delimiter);
    const target = options?.target ?? 'value';
    const parsers = columns.map((c) => parserFor(c.type)!);
    const n = columns.length;
    const fields: string[] = [];
    if (n === 0) return (bytes) => (bytes === null ? null : []);

    function fail(text: string, problem: string, column?: SerdeColumn, at?: number): never {
      throw new SerdeError({
        format: 'DELIMITED',
        target,
        column: column?.name,
        expectedType: column && formatType(column.type),
        problem,
        excerpt: excerptText(text, at),
      });
    }

    return (bytes) => {
      if (bytes === null) return null;
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      let count: number;
      try {
        count = readCsvRecord(text, delimiter, fields);
      } catch (e) {
        if (e instanceof CsvSyntaxError) fail(text, e.message, undefined, e.at);
        throw e;
      }
      if (count === 0) fail(text, 'No fields in record');
      if (count !== n) {
        // ksqlDB's wording, then the columns expected.
        fail(
          text,
          `Column count mismatch on deserialization. expected: ${n}, got: ${count} (columns ${columns.map((c) => c.name).join(', ')})`,
        );
      }
      const row: SqlValue[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const field = fields[i];
        if (field.length === 0) {
          row[i] = null;
          continue;
        }
        let value: SqlValue | undefined;
        try {
          value = parsers[i](field);
        } catch (e) {
          if (e instanceof DecimalError) fail(text, e.message, columns[i]);
          throw e;
        }
        if (value === undefined) {
          fail(
            text,
            `'${field.length > 40 ? `${field.slice(0, 40)}…` : field}' is not a valid ${formatType(columns[i].type)}`,
            columns[i],
          );
        }
        row[i] = value;
      }
      return row;
    };
  },
};
