import type { LogRecord } from '../log/index.js';
import { formatByName, type RowDeserializer } from '../serde/index.js';
import type { SqlValue } from '../types/index.js';
import type { RuntimeSource } from './runtime-source.js';
import { timestampExtractor } from './timestamp-extractor.js';

/** Where a record could not be read: its key or its value. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  readonly target: 'key' | 'value';
  constructor(target: 'key' | 'value', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.target = target;
  }
}

/**
 * Turns records of a source's topic into rows laid out as the planner expects: the source's columns in
 * declared order, then ROWTIME, ROWPARTITION, ROWOFFSET. Deserializers are compiled once.
 */
export class SourceDecoder {
  private readonly keyDeserializer: RowDeserializer | undefined;
  private readonly valueDeserializer: RowDeserializer;
  /** For each column, where its value comes from. */
  private readonly slots: readonly {
    readonly from: 'KEY' | 'VALUE' | 'HEADERS' | 'HEADER';
    readonly index: number;
    readonly header?: string;
  }[];
  private readonly width: number;
  private readonly extractTimestamp: ((row: SqlValue[], recordTime: number) => number) | undefined;

  private readonly fillPseudoColumns: boolean;
  /** The record time of the row decoded last (ROWTIME as a number). */
  lastTimestamp = 0;

  /** `fillPseudoColumns`: false when no expression reads ROWTIME, ROWPARTITION or ROWOFFSET. */
  constructor(source: RuntimeSource, fillPseudoColumns = true) {
    this.fillPseudoColumns = fillPseudoColumns;
    const keys = source.columns.filter((c) => c.namespace === 'KEY');
    const values = source.columns.filter((c) => c.namespace === 'VALUE');
    this.keyDeserializer =
      keys.length === 0 || source.keyFormat === 'NONE'
        ? undefined
        : formatByName(source.keyFormat).createDeserializer(keys, {
            target: 'key',
            ...(source.serde.keyDelimiter === undefined ? {} : { delimiter: source.serde.keyDelimiter }),
          });
    this.valueDeserializer = formatByName(source.valueFormat).createDeserializer(values, {
      target: 'value',
      ...(source.serde.wrapSingleValue === undefined
        ? {}
        : { wrapSingleValue: source.serde.wrapSingleValue }),
      ...(source.serde.valueDelimiter === undefined ? {} : { delimiter: source.serde.valueDelimiter }),
    });
    let k = 0;
    let v = 0;
    this.slots = source.columns.map((c) => {
      if (c.namespace === 'KEY') return { from: 'KEY', index: k++ };
      if (c.namespace === 'VALUE') return { from: 'VALUE', index: v++ };
      return c.headerKey === undefined
        ? { from: 'HEADERS', index: 0 }
        : { from: 'HEADER', index: 0, header: c.headerKey };
    });
    this.width = source.columns.length + 3;
    this.extractTimestamp = timestampExtractor(source);
  }

  /**
   * Decodes one record. A null value gives `null` (a tombstone) unless `keepTombstone`, when the row
   * holds the key with null values. Throws DecodeError for bytes that do not fit the schema.
   */
  decode(record: LogRecord, partition: number): SqlValue[] | null {
    let keyValues: SqlValue[] | null = null;
    if (this.keyDeserializer !== undefined) {
      try {
        keyValues = this.keyDeserializer(record.key);
      } catch (err) {
        throw new DecodeError('key', (err as Error).message, { cause: err });
      }
    }
    if (record.value === null) return null;
    let values: SqlValue[] | null;
    try {
      values = this.valueDeserializer(record.value);
    } catch (err) {
      throw new DecodeError('value', (err as Error).message, { cause: err });
    }
    const row = new Array<SqlValue>(this.width);
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      switch (slot.from) {
        case 'KEY':
          row[i] = keyValues === null ? null : keyValues[slot.index];
          break;
        case 'VALUE':
          row[i] = values === null ? null : values[slot.index];
          break;
        case 'HEADERS':
          row[i] = record.headers.map((h) => ({ KEY: h.key, VALUE: h.value }));
          break;
        default: {
          let found: SqlValue = null;
          for (const h of record.headers) if (h.key === slot.header) found = h.value;
          row[i] = found;
        }
      }
    }
    const time =
      this.extractTimestamp === undefined ? record.timestamp : this.extractTimestamp(row, record.timestamp);
    this.lastTimestamp = time;
    if (this.fillPseudoColumns) {
      row[slots.length] = BigInt(time);
      row[slots.length + 1] = partition;
      row[slots.length + 2] = BigInt(record.offset);
    } else {
      row[slots.length] = null;
      row[slots.length + 1] = null;
      row[slots.length + 2] = null;
    }
    return row;
  }

  /** The key columns of a record, for tombstones of tables. */
  decodeKey(record: LogRecord): SqlValue[] | null {
    if (this.keyDeserializer === undefined) return null;
    try {
      return this.keyDeserializer(record.key);
    } catch (err) {
      throw new DecodeError('key', (err as Error).message, { cause: err });
    }
  }
}
