import type { ProduceRecord } from '../log/index.js';
import { type FormatOptions, formatByName, type RowSerializer } from '../serde/index.js';
import type { SqlType, SqlValue } from '../types/index.js';

export interface SinkColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly namespace: 'KEY' | 'VALUE';
}

export interface SinkFormats {
  readonly keyFormat: string;
  readonly valueFormat: string;
  /** The sink topic, so errors name its subjects. */
  readonly topic?: string;
  /** AVRO: the registered schemas records are written with (ids, and their text when pinned by *_SCHEMA_ID). */
  readonly keySchemaId?: number;
  readonly valueSchemaId?: number;
  readonly keySchema?: string;
  readonly valueSchema?: string;
  readonly keySchemaReferences?: readonly { readonly name: string; readonly schema: string }[];
  readonly valueSchemaReferences?: readonly { readonly name: string; readonly schema: string }[];
  readonly keySchemaFullName?: string;
  readonly valueSchemaFullName?: string;
  /** PROTOBUF(_NOSR): how the generated schemas declare nullable primitives. */
  readonly keyProtobufNullable?: 'OPTIONAL' | 'WRAPPER';
  readonly valueProtobufNullable?: 'OPTIONAL' | 'WRAPPER';
  readonly wrapSingleValue?: boolean;
  readonly valueDelimiter?: string;
  readonly keyDelimiter?: string;
}

/** Turns output rows (values in column order) into records for the sink topic. */
export class SinkEncoder {
  private readonly keySerializer: RowSerializer | undefined;
  private readonly valueSerializer: RowSerializer;
  private readonly keyIndexes: number[];
  private readonly valueIndexes: number[];
  /**
   * Reused for every record: the serializers read them synchronously and keep nothing, and a
   * record's worth of small arrays is a good part of the garbage a busy query makes.
   */
  private readonly keyScratch: SqlValue[];
  private readonly valueScratch: SqlValue[];

  constructor(columns: readonly SinkColumn[], formats: SinkFormats) {
    const keys = columns.filter((c) => c.namespace === 'KEY');
    const values = columns.filter((c) => c.namespace === 'VALUE');
    this.keyIndexes = columns.flatMap((c, i) => (c.namespace === 'KEY' ? [i] : []));
    this.valueIndexes = columns.flatMap((c, i) => (c.namespace === 'VALUE' ? [i] : []));
    this.keyScratch = new Array<SqlValue>(this.keyIndexes.length).fill(null);
    this.valueScratch = new Array<SqlValue>(this.valueIndexes.length).fill(null);
    this.keySerializer =
      keys.length === 0 || formats.keyFormat === 'NONE'
        ? undefined
        : formatByName(formats.keyFormat).createSerializer(keys, {
            target: 'key',
            ...schemaOptions(
              formats.topic,
              formats.keySchemaId,
              formats.keySchema,
              formats.keySchemaFullName,
            ),
            ...(formats.keySchemaReferences === undefined
              ? {}
              : { schemaReferences: formats.keySchemaReferences }),
            ...(formats.keyProtobufNullable === undefined
              ? {}
              : { protobufNullable: formats.keyProtobufNullable }),
            ...(formats.keyDelimiter === undefined ? {} : { delimiter: formats.keyDelimiter }),
          });
    this.valueSerializer = formatByName(formats.valueFormat).createSerializer(values, {
      target: 'value',
      ...schemaOptions(
        formats.topic,
        formats.valueSchemaId,
        formats.valueSchema,
        formats.valueSchemaFullName,
      ),
      ...(formats.valueSchemaReferences === undefined
        ? {}
        : { schemaReferences: formats.valueSchemaReferences }),
      ...(formats.valueProtobufNullable === undefined
        ? {}
        : { protobufNullable: formats.valueProtobufNullable }),
      ...(formats.wrapSingleValue === undefined ? {} : { wrapSingleValue: formats.wrapSingleValue }),
      ...(formats.valueDelimiter === undefined ? {} : { delimiter: formats.valueDelimiter }),
    });
  }

  encodeKey(row: readonly SqlValue[]): Buffer | null {
    if (this.keySerializer === undefined) return null;
    const keys = this.keyScratch;
    for (let i = 0; i < keys.length; i++) keys[i] = row[this.keyIndexes[i]];
    return this.keySerializer(keys);
  }

  encode(row: readonly SqlValue[], timestamp: number): ProduceRecord {
    const values = this.valueScratch;
    for (let i = 0; i < values.length; i++) values[i] = row[this.valueIndexes[i]];
    return { key: this.encodeKey(row), value: this.valueSerializer(values), timestamp };
  }

  /** A tombstone for a table row that was deleted or no longer passes the filter. */
  tombstone(keyRow: readonly SqlValue[], timestamp: number): ProduceRecord {
    return { key: this.encodeKey(keyRow), value: null, timestamp };
  }
}

function schemaOptions(
  topic: string | undefined,
  schemaId: number | undefined,
  schema: string | undefined,
  schemaFullName: string | undefined,
): FormatOptions {
  return {
    ...(topic === undefined ? {} : { topic }),
    ...(schemaId === undefined ? {} : { schemaId }),
    ...(schema === undefined ? {} : { schema }),
    ...(schemaFullName === undefined ? {} : { schemaFullName }),
  };
}
