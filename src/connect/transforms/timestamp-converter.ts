import {
  ConfigDef,
  ConfigException,
  type ConnectRecord,
  type ConnectValue,
  DataException,
  dateSchema,
  enumValue,
  LOGICAL,
  type Schema,
  Schemas,
  Struct,
  type Transformation,
  timeSchema,
  timestampSchema,
} from '../api/index.js';
import { int64Value, mapEntries, mapLike, typeName } from '../converters/index.js';
import { validDateFormat } from './routers.js';
import { SimpleDateFormat } from './simple-date-format.js';
import {
  operatingSchema,
  operatingValue,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordSide,
  requireMap,
  requireStructOrNull,
  SchemaUpdateCache,
  structLike,
  withOperating,
} from './support.js';

const PURPOSE = 'converting timestamp formats';
const MS_PER_DAY = 86_400_000;
const TIMESTAMP_TYPES = ['string', 'unix', 'Date', 'Time', 'Timestamp'] as const;
const UNIX_PRECISIONS = ['nanoseconds', 'microseconds', 'milliseconds', 'seconds'] as const;
type TimestampType = (typeof TIMESTAMP_TYPES)[number];
type UnixPrecision = (typeof UNIX_PRECISIONS)[number];
const PER_MS: Record<UnixPrecision, bigint> = {
  seconds: 1n,
  milliseconds: 1n,
  microseconds: 1000n,
  nanoseconds: 1_000_000n,
};

/** org.apache.kafka.connect.transforms.TimestampConverter$Key/$Value: between unix numbers, strings and Connect's Date/Time/Timestamp. */
export class TimestampConverter implements Transformation {
  static readonly CONFIG_DEF = new ConfigDef()
    .define({
      name: 'field',
      type: 'STRING',
      defaultValue: '',
      importance: 'HIGH',
      documentation: 'The field containing the timestamp, or empty if the entire value is a timestamp',
    })
    .define({
      name: 'target.type',
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
      validator: exactlyOneOf('string', 'unix', 'Date', 'Time', 'Timestamp'),
      recommendedValues: ['string', 'unix', 'Date', 'Time', 'Timestamp'],
    })
    .define({
      name: 'format',
      type: 'STRING',
      defaultValue: '',
      importance: 'MEDIUM',
      documentation:
        'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.',
      validator: (name, value) => {
        try {
          validDateFormat(name, value);
        } catch (err) {
          throw new Error(
            `TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${(err as Error).message}`,
          );
        }
      },
    })
    .define({
      name: 'unix.precision',
      type: 'STRING',
      defaultValue: 'milliseconds',
      importance: 'LOW',
      documentation:
        'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.',
      validator: exactlyOneOf('nanoseconds', 'microseconds', 'milliseconds', 'seconds'),
      recommendedValues: ['nanoseconds', 'microseconds', 'milliseconds', 'seconds'],
    })
    .define(REPLACE_NULL_WITH_DEFAULT);

  private readonly side: RecordSide;
  private field = '';
  private targetType: TimestampType = 'Timestamp';
  private format: SimpleDateFormat | null = null;
  private precision: UnixPrecision = 'milliseconds';
  private readonly schemaCache = new SchemaUpdateCache();

  constructor(side: RecordSide) {
    this.side = side;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const parsed = TimestampConverter.CONFIG_DEF.parse(configs);
    this.field = parsed.field;
    this.targetType = enumValue(TIMESTAMP_TYPES, parsed['target.type']);
    const pattern = parsed.format;
    if (this.targetType === 'string' && pattern.trim() === '')
      throw new ConfigException([
        {
          key: 'format',
          message: 'TimestampConverter requires format option to be specified when using string timestamps',
        },
      ]);
    this.format = pattern.trim() === '' ? null : new SimpleDateFormat(pattern);
    this.precision = enumValue(UNIX_PRECISIONS, parsed['unix.precision']);
    this.schemaCache.clear();
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = operatingSchema(record, this.side);
    const value = operatingValue(record, this.side);
    if (schema === null) {
      if (value === null || this.field === '')
        return withOperating(record, this.side, null, this.convert(value, null));
      const map = requireMap(value, PURPOSE);
      const entries = new Map(mapEntries(map).map(([k, v]) => [String(k), v] as [string, ConnectValue]));
      entries.set(this.field, this.convert(entries.get(this.field) ?? null, null));
      return withOperating(record, this.side, null, mapLike(map, entries));
    }
    if (this.field === '')
      return withOperating(
        record,
        this.side,
        this.targetSchema(schema.optional),
        this.convert(value, typeFromSchema(schema)),
      );
    const struct = requireStructOrNull(value, PURPOSE);
    const updatedSchema = this.schemaCache.get(schema, (s) =>
      structLike(
        s,
        (s.fields ?? []).map((f) => ({
          name: f.name,
          schema: f.name === this.field ? this.targetSchema(f.schema.optional) : f.schema,
        })),
        { optional: s.optional },
      ),
    );
    if (struct === null) return withOperating(record, this.side, updatedSchema, null);
    const updated = new Struct(updatedSchema);
    for (const f of schema.fields ?? []) {
      const v = struct.get(f.name);
      updated.put(f.name, f.name === this.field ? this.convert(v, typeFromSchema(f.schema)) : v);
    }
    return withOperating(record, this.side, updatedSchema, updated);
  }

  private targetSchema(optional: boolean): Schema {
    switch (this.targetType) {
      case 'string':
        return optional ? Schemas.OPTIONAL_STRING : Schemas.STRING;
      case 'unix':
        return optional ? Schemas.OPTIONAL_INT64 : Schemas.INT64;
      case 'Date':
        return dateSchema(optional);
      case 'Time':
        return timeSchema(optional);
      case 'Timestamp':
        return timestampSchema(optional);
    }
  }

  private convert(value: ConnectValue, sourceType: TimestampType | null): ConnectValue {
    if (value === null) return null;
    const ms = this.toEpochMillis(value, sourceType ?? inferType(value));
    switch (this.targetType) {
      case 'string':
        return (this.format as SimpleDateFormat).format(ms);
      case 'unix': {
        const per = PER_MS[this.precision];
        const n = this.precision === 'seconds' ? BigInt(ms) / 1000n : BigInt(ms) * per;
        return int64Value(n);
      }
      case 'Date':
        return new Date(Math.floor(ms / MS_PER_DAY) * MS_PER_DAY);
      case 'Time':
        return new Date(((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);
      case 'Timestamp':
        return new Date(ms);
    }
  }

  private toEpochMillis(value: ConnectValue, type: TimestampType): number {
    switch (type) {
      case 'string': {
        if (typeof value !== 'string')
          throw new DataException(`Expected string timestamp to be a String, but found ${typeName(value)}`);
        if (this.format === null)
          throw new DataException(
            'TimestampConverter requires format option to be specified when using string timestamps',
          );
        return this.format.parse(value);
      }
      case 'unix': {
        if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value)))
          throw new DataException(`Expected Unix timestamp to be a Long, but found ${typeName(value)}`);
        const n = BigInt(value);
        // TimeUnit conversions: seconds multiply; finer units divide, truncating toward zero.
        return Number(this.precision === 'seconds' ? n * 1000n : n / PER_MS[this.precision]);
      }
      default:
        if (!(value instanceof Date))
          throw new DataException(`Expected ${type} to be a java.util.Date, but found ${typeName(value)}`);
        return value.getTime();
    }
  }

  config(): ConfigDef {
    return TimestampConverter.CONFIG_DEF;
  }

  close(): void {
    this.schemaCache.clear();
  }
}

function exactlyOneOf(...allowed: string[]) {
  return (_name: string, value: unknown) => {
    if (typeof value === 'string' && !allowed.includes(value))
      throw new Error(`String must be one of: ${allowed.join(', ')}`);
  };
}

function typeFromSchema(schema: Schema): TimestampType {
  if (schema.name === LOGICAL.timestamp) return 'Timestamp';
  if (schema.name === LOGICAL.date) return 'Date';
  if (schema.name === LOGICAL.time) return 'Time';
  if (schema.type === 'STRING') return 'string';
  if (schema.type === 'INT64') return 'unix';
  throw new DataException(`Schema ${schema.type} does not correspond to a known timestamp type format`);
}

function inferType(value: ConnectValue): TimestampType {
  if (value instanceof Date) return 'Timestamp';
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return 'unix';
  if (typeof value === 'string') return 'string';
  throw new DataException(`TimestampConverter does not support ${typeName(value)} objects as timestamps`);
}
