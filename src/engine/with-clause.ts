import type { Literal, Property } from '../sql/index.js';
import { StatementError } from './errors.js';

/** The WITH properties of CREATE STREAM|TABLE and CREATE … AS SELECT, by ksqlDB's names. */
export interface SourceProperties {
  readonly kafkaTopic?: string;
  readonly keyFormat?: string;
  readonly valueFormat?: string;
  readonly partitions?: number;
  readonly replicas?: number;
  readonly retentionMs?: number;
  readonly timestamp?: string;
  readonly timestampFormat?: string;
  readonly wrapSingleValue?: boolean;
  readonly valueDelimiter?: string;
  readonly keyDelimiter?: string;
  /** WINDOW_TYPE, upper-cased, and WINDOW_SIZE as written. */
  readonly windowType?: string;
  readonly windowSize?: string;
  readonly keySchemaId?: number;
  readonly valueSchemaId?: number;
  readonly keySchemaFullName?: string;
  readonly valueSchemaFullName?: string;
  /** KEY_/VALUE_PROTOBUF_NULLABLE_REPRESENTATION: how PROTOBUF schemas declare nullable primitives. */
  readonly keyProtobufNullable?: 'OPTIONAL' | 'WRAPPER';
  readonly valueProtobufNullable?: 'OPTIONAL' | 'WRAPPER';
}

const CREATE_KEYS = new Set([
  'KAFKA_TOPIC',
  'KEY_FORMAT',
  'VALUE_FORMAT',
  'FORMAT',
  'PARTITIONS',
  'REPLICAS',
  'RETENTION_MS',
  'TIMESTAMP',
  'TIMESTAMP_FORMAT',
  'WRAP_SINGLE_VALUE',
  'VALUE_DELIMITER',
  'KEY_DELIMITER',
  'KEY_SCHEMA_ID',
  'VALUE_SCHEMA_ID',
  'KEY_SCHEMA_FULL_NAME',
  'VALUE_SCHEMA_FULL_NAME',
  'VALUE_AVRO_SCHEMA_FULL_NAME',
  'KEY_PROTOBUF_NULLABLE_REPRESENTATION',
  'VALUE_PROTOBUF_NULLABLE_REPRESENTATION',
  'WINDOW_TYPE',
  'WINDOW_SIZE',
]);

function literalText(value: Literal): string | null {
  switch (value.kind) {
    case 'string':
      return value.value;
    case 'number':
      return value.text;
    case 'boolean':
      return String(value.value);
    case 'null':
      return null;
    default:
      throw new StatementError(`Variable \${${value.name}} is not defined. Define it first with DEFINE.`);
  }
}

function positiveInt(key: string, text: string | null): number {
  const n = Number(text);
  if (text === null || !Number.isInteger(n) || n < 1) {
    throw new StatementError(`Invalid value for ${key}: '${text}'. Expected a whole number of at least 1.`);
  }
  return n;
}

function schemaId(key: string, text: string | null): number {
  const n = Number(text);
  if (text === null || !Number.isInteger(n) || n < 0) {
    throw new StatementError(
      `Invalid value for ${key}: '${text}'. Expected a Schema Registry schema id (a whole number).`,
    );
  }
  return n;
}

/** *_PROTOBUF_NULLABLE_REPRESENTATION: OPTIONAL or WRAPPER (any case), as ksqlDB's validator takes them. */
function nullableRepresentation(key: string, text: string | undefined): 'OPTIONAL' | 'WRAPPER' | undefined {
  if (text === undefined) return undefined;
  const upper = text.toUpperCase();
  if (upper === 'OPTIONAL' || upper === 'WRAPPER') return upper;
  throw new StatementError(
    `Invalid value ${text} for configuration ${key}: String must be one of: OPTIONAL, WRAPPER`,
  );
}

const DELIMITER_NAMES: Record<string, string> = { TAB: '\t', SPACE: ' ' };

/** VALUE_DELIMITER / KEY_DELIMITER: one character, or TAB or SPACE by name (ksqlDB's checks and messages). */
function readDelimiter(key: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const named = DELIMITER_NAMES[text.toUpperCase()];
  if (named !== undefined) return named;
  const invalid = (why: string) =>
    new StatementError(
      `Failed to prepare statement: Configuration ${key} is invalid: ${why}\nExample valid value: ';'`,
    );
  if (text.trim().length === 0) {
    throw invalid(
      "Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'",
    );
  }
  if (text.length !== 1) {
    throw invalid(`Invalid delimiter value: '${text}'. Delimiter must be a single character or TAB,SPACE`);
  }
  return text;
}

/** Reads a WITH clause, rejecting unknown keys as ksqlDB does, with the formats upper-cased. */
export function readSourceProperties(properties: readonly Property[]): SourceProperties {
  const raw = new Map<string, string | null>();
  const invalid: string[] = [];
  for (const p of properties) {
    const key = p.key.toUpperCase();
    if (!CREATE_KEYS.has(key)) invalid.push(key);
    raw.set(key, literalText(p.value));
  }
  if (invalid.length > 0) {
    throw new StatementError(`Invalid config variable(s) in the WITH clause: ${invalid.join(',')}`);
  }
  const format = raw.get('FORMAT');
  if (format != null && (raw.has('KEY_FORMAT') || raw.has('VALUE_FORMAT'))) {
    throw new StatementError(
      "Cannot supply both 'FORMAT' and 'KEY_FORMAT' or 'VALUE_FORMAT' properties, as 'FORMAT' sets both. Use one or the other.",
    );
  }
  const text = (key: string) => {
    const v = raw.get(key);
    return v === undefined || v === null ? undefined : v;
  };
  const wrap = text('WRAP_SINGLE_VALUE');
  if (wrap !== undefined && wrap.toLowerCase() !== 'true' && wrap.toLowerCase() !== 'false') {
    throw new StatementError(`Invalid value for WRAP_SINGLE_VALUE: '${wrap}'. Expected true or false.`);
  }
  const retention = text('RETENTION_MS');
  return {
    kafkaTopic: text('KAFKA_TOPIC'),
    keyFormat: (text('KEY_FORMAT') ?? text('FORMAT'))?.toUpperCase(),
    valueFormat: (text('VALUE_FORMAT') ?? text('FORMAT'))?.toUpperCase(),
    partitions: raw.has('PARTITIONS') ? positiveInt('PARTITIONS', raw.get('PARTITIONS') ?? null) : undefined,
    replicas: raw.has('REPLICAS') ? positiveInt('REPLICAS', raw.get('REPLICAS') ?? null) : undefined,
    retentionMs: retention === undefined ? undefined : positiveInt('RETENTION_MS', retention),
    timestamp: text('TIMESTAMP')?.toUpperCase(),
    timestampFormat: text('TIMESTAMP_FORMAT'),
    wrapSingleValue: wrap === undefined ? undefined : wrap.toLowerCase() === 'true',
    valueDelimiter: readDelimiter('VALUE_DELIMITER', text('VALUE_DELIMITER')),
    keyDelimiter: readDelimiter('KEY_DELIMITER', text('KEY_DELIMITER')),
    windowType: text('WINDOW_TYPE')?.toUpperCase(),
    windowSize: text('WINDOW_SIZE'),
    keySchemaId: raw.has('KEY_SCHEMA_ID')
      ? schemaId('KEY_SCHEMA_ID', raw.get('KEY_SCHEMA_ID') ?? null)
      : undefined,
    valueSchemaId: raw.has('VALUE_SCHEMA_ID')
      ? schemaId('VALUE_SCHEMA_ID', raw.get('VALUE_SCHEMA_ID') ?? null)
      : undefined,
    keySchemaFullName: text('KEY_SCHEMA_FULL_NAME'),
    valueSchemaFullName: text('VALUE_SCHEMA_FULL_NAME') ?? text('VALUE_AVRO_SCHEMA_FULL_NAME'),
    keyProtobufNullable: nullableRepresentation(
      'KEY_PROTOBUF_NULLABLE_REPRESENTATION',
      text('KEY_PROTOBUF_NULLABLE_REPRESENTATION'),
    ),
    valueProtobufNullable: nullableRepresentation(
      'VALUE_PROTOBUF_NULLABLE_REPRESENTATION',
      text('VALUE_PROTOBUF_NULLABLE_REPRESENTATION'),
    ),
  };
}
