import type { LogRecord } from '../log/index.js';
import { formatByName, type RowDeserializer } from '../serde/index.js';
import type { SqlValue } from '../types/index.js';
import type { RuntimeSource } from './runtime-source.js';
import { timestampExtractor } from './timestamp-extractor.js';
import { deserializeSessionWindowedKey, deserializeTimeWindowedKey } from './windows/index.js';

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
  /** Values per row: the columns, ROWTIME, ROWPARTITION, ROWOFFSET (then a window's bounds). */
  readonly width: number;
  private readonly extractTimestamp: ((row: SqlValue[], recordTime: number) => number) | undefined;

  private readonly fillPseudoColumns: boolean;
  private readonly window: RuntimeSource['windowInfo'];
  /** The record time of the row decoded last (ROWTIME as a number). */
  lastTimestamp = 0;
  /** A windowed source: the window of the key decoded last (WINDOWSTART, WINDOWEND). */
  lastWindow: { start: number; end: number } | undefined;

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
            topic: source.topic,
            ...(source.serde.schemaRegistry === undefined
              ? {}
              : { schemaRegistry: source.serde.schemaRegistry }),
            ...(source.serde.keyDelimiter === undefined ? {} : { delimiter: source.serde.keyDelimiter }),
            ...(source.serde.keyProtobufNullable === undefined
              ? {}
              : { protobufNullable: source.serde.keyProtobufNullable }),
          });
    this.valueDeserializer = formatByName(source.valueFormat).createDeserializer(values, {
      target: 'value',
      topic: source.topic,
      ...(source.serde.schemaRegistry === undefined ? {} : { schemaRegistry: source.serde.schemaRegistry }),
      ...(source.serde.wrapSingleValue === undefined
        ? {}
        : { wrapSingleValue: source.serde.wrapSingleValue }),
      ...(source.serde.valueDelimiter === undefined ? {} : { delimiter: source.serde.valueDelimiter }),
      ...(source.serde.valueProtobufNullable === undefined
        ? {}
        : { protobufNullable: source.serde.valueProtobufNullable }),
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
    this.window = source.windowInfo;
    // A windowed source's rows end with WINDOWSTART and WINDOWEND, after the pseudo columns.
    this.width = source.columns.length + 3 + (source.windowInfo === undefined ? 0 : 2);
    this.extractTimestamp = timestampExtractor(source);
  }

  /** Whether a record's time comes from a TIMESTAMP column (its value must be read for it). */
  get extractsTimestamp(): boolean {
    return this.extractTimestamp !== undefined;
  }

  /**
   * Fetches what reading these records needs first (the writer schemas AVRO records name): a
   * promise when there was something to fetch, else undefined.
   */
  prepare(records: readonly LogRecord[]): Promise<void> | undefined {
    const keys = this.keyDeserializer?.prepare?.(records.map((r) => r.key));
    const values = this.valueDeserializer.prepare?.(records.map((r) => r.value));
    if (keys === undefined) return values;
    return values === undefined ? keys : Promise.all([keys, values]).then(() => {});
  }

  /**
   * Decodes one record. A null value gives `null` (a tombstone) unless `keepTombstone`, when the row
   * holds the key with null values. Throws DecodeError for bytes that do not fit the schema.
   */
  decode(record: LogRecord, partition: number): SqlValue[] | null {
    const keyValues = this.decodeKey(record);
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
    const window = this.lastWindow;
    if (window !== undefined) {
      row[slots.length + 3] = BigInt(window.start);
      row[slots.length + 4] = BigInt(window.end);
    }
    return row;
  }

  /** The key's bytes without its window; the window goes to lastWindow. */
  private unwindowed(key: Buffer | null): Buffer | null {
    const window = this.window;
    this.lastWindow = undefined;
    if (window === undefined || key === null) return key;
    try {
      const split =
        window.type === 'SESSION'
          ? deserializeSessionWindowedKey(key)
          : deserializeTimeWindowedKey(key, window.sizeMs ?? 0);
      this.lastWindow = split.window;
      return split.key;
    } catch (err) {
      throw new DecodeError('key', (err as Error).message, { cause: err });
    }
  }

  /** The key columns of a record (a windowed key's window goes to lastWindow). */
  decodeKey(record: LogRecord): SqlValue[] | null {
    const key = this.unwindowed(record.key);
    if (this.keyDeserializer === undefined) return null;
    try {
      return this.keyDeserializer(key);
    } catch (err) {
      throw new DecodeError('key', (err as Error).message, { cause: err });
    }
  }
}
