import pg from 'pg';
import {
  arraySchema,
  type ConnectValue,
  DataException,
  type Schema,
  Schemas,
  Struct,
  structSchema,
  unscaledToBytes,
} from '../../connect/api/index.js';
import { columnSchema, columnValue, OID } from '../postgres/column-types.js';
import { parseDecimalText } from '../postgres/decimal.js';
import type { ValueModes } from './config.js';

// PostgreSQL columns → Debezium's schemas and values (its defaults: time.precision.mode=adaptive,
// decimal.handling.mode=precise, interval.handling.mode=numeric, binary.handling.mode=bytes,
// hstore as JSON). Plain types (integers, floats, text, bytea, numeric with a declared scale) go
// through the shared JDBC mapping; Debezium's semantic types are built here. Values arrive as
// PostgreSQL's text output of a UTC, ISO-datestyle, iso_8601-intervalstyle session.

/** A column's type, domains resolved to their base type. */
export interface PgType {
  readonly oid: number;
  /** pg_type.typname of the base type (extension types such as hstore have no fixed OID). */
  readonly name: string;
  readonly typmod: number;
  readonly element?: PgType;
  readonly enumLabels?: readonly string[];
}

export type TextConverter = (text: string) => ConnectValue;

const DBZ = {
  date: 'io.debezium.time.Date',
  time: 'io.debezium.time.Time',
  microTime: 'io.debezium.time.MicroTime',
  timestamp: 'io.debezium.time.Timestamp',
  microTimestamp: 'io.debezium.time.MicroTimestamp',
  zonedTimestamp: 'io.debezium.time.ZonedTimestamp',
  zonedTime: 'io.debezium.time.ZonedTime',
  microDuration: 'io.debezium.time.MicroDuration',
  interval: 'io.debezium.time.Interval',
  variableScaleDecimal: 'io.debezium.data.VariableScaleDecimal',
  json: 'io.debezium.data.Json',
  uuid: 'io.debezium.data.Uuid',
  xml: 'io.debezium.data.Xml',
  enum: 'io.debezium.data.Enum',
  bits: 'io.debezium.data.Bits',
  ltree: 'io.debezium.data.Ltree',
  point: 'io.debezium.data.geometry.Point',
} as const;

/** Debezium's stand-in for a TOASTed value PostgreSQL did not send (unchanged, REPLICA IDENTITY not FULL). */
export const UNAVAILABLE_VALUE = '__debezium_unavailable_value';

// Debezium's representation of +/-infinity timestamps.
const POSITIVE_INFINITY_TS = 9223372036825200000n;
const NEGATIVE_INFINITY_TS = -9223372036832400000n;
const MICROS_PER_DAY = 86_400_000_000;
const DAYS_PER_MONTH_AVG = 365.25 / 12;

function named(
  type: Schema['type'],
  name: string,
  optional: boolean,
  parameters?: Record<string, string>,
): Schema {
  return { type, optional, name, version: 1, ...(parameters === undefined ? {} : { parameters }) };
}

const variableScaleDecimalFields = [
  { name: 'scale', schema: Schemas.INT32 },
  { name: 'value', schema: Schemas.BYTES },
];
const pointFields = [
  { name: 'x', schema: Schemas.FLOAT64 },
  { name: 'y', schema: Schemas.FLOAT64 },
  { name: 'wkb', schema: Schemas.OPTIONAL_BYTES },
  { name: 'srid', schema: Schemas.OPTIONAL_INT32 },
];

/** TIME(p)/TIMESTAMP(p) precision; typmod -1 means the default, 6. */
function precision(typmod: number): number {
  return typmod < 0 ? 6 : typmod;
}

/** The Connect schema of a column under Debezium's mapping. */
export function debeziumSchema(type: PgType, optional: boolean, modes: ValueModes): Schema {
  if (type.element !== undefined) return arraySchema(debeziumSchema(type.element, true, modes), optional);
  const str = optional ? Schemas.OPTIONAL_STRING : Schemas.STRING;
  switch (type.oid) {
    case OID.date:
      if (modes.time === 'connect') return columnSchema(type, optional, 'string');
      return named('INT32', DBZ.date, optional);
    case OID.time:
      if (modes.time === 'connect') return columnSchema(type, optional, 'string');
      return modes.time === 'adaptive' && precision(type.typmod) <= 3
        ? named('INT32', DBZ.time, optional)
        : named('INT64', DBZ.microTime, optional);
    case OID.timestamp:
      if (modes.time === 'connect') return columnSchema(type, optional, 'string');
      return precision(type.typmod) <= 3
        ? named('INT64', DBZ.timestamp, optional)
        : named('INT64', DBZ.microTimestamp, optional);
    case OID.timestamptz:
      return named('STRING', DBZ.zonedTimestamp, optional);
    case OID.timetz:
      return named('STRING', DBZ.zonedTime, optional);
    case OID.interval:
      return modes.interval === 'string'
        ? named('STRING', DBZ.interval, optional)
        : named('INT64', DBZ.microDuration, optional);
    case OID.numeric:
      if (modes.decimal === 'precise' && type.typmod < 4)
        return structSchema(variableScaleDecimalFields, {
          name: DBZ.variableScaleDecimal,
          optional,
          version: 1,
          doc: 'Variable scaled decimal',
        });
      return columnSchema(type, optional, modes.decimal);
    case OID.money:
      if (modes.decimal === 'double') return optional ? Schemas.OPTIONAL_FLOAT64 : Schemas.FLOAT64;
      if (modes.decimal === 'string') return str;
      return named('BYTES', 'org.apache.kafka.connect.data.Decimal', optional, { scale: '2' });
    case OID.bytea:
      return modes.binary === 'bytes' ? columnSchema(type, optional, 'precise') : str;
    case OID.bit:
    case OID.varbit:
      if (type.oid === OID.bit && type.typmod === 1)
        return optional ? Schemas.OPTIONAL_BOOLEAN : Schemas.BOOLEAN;
      // varbit without a length: Debezium gives Java's Integer.MAX_VALUE.
      return named('BYTES', DBZ.bits, optional, {
        length: String(type.typmod < 0 ? 2147483647 : type.typmod),
      });
    case OID.json:
    case OID.jsonb:
      return named('STRING', DBZ.json, optional);
    case OID.uuid:
      return named('STRING', DBZ.uuid, optional);
    case OID.xml:
      return named('STRING', DBZ.xml, optional);
    case OID.bool:
    case OID.int2:
    case OID.int4:
    case OID.int8:
    case OID.oid:
    case OID.float4:
    case OID.float8:
      return columnSchema(type, optional, 'precise');
    default:
      break;
  }
  if (type.enumLabels !== undefined)
    return named('STRING', DBZ.enum, optional, { allowed: type.enumLabels.join(',') });
  if (type.name === 'hstore') return named('STRING', DBZ.json, optional);
  if (type.name === 'ltree') return named('STRING', DBZ.ltree, optional);
  if (type.name === 'point')
    return structSchema(pointFields, {
      name: DBZ.point,
      optional,
      version: 1,
      doc: 'Geometry (POINT)',
    });
  return str;
}

/** A converter from the column's text to the value of the schema `debeziumSchema` gave it. */
export function debeziumConverter(type: PgType, schema: Schema, modes: ValueModes): TextConverter {
  if (type.element !== undefined) {
    const element = debeziumConverter(type.element, schema.valueSchema as Schema, modes);
    return (text) => (pg.types.arrayParser as unknown as ArrayParser).create(text, element).parse();
  }
  switch (type.oid) {
    case OID.date:
      if (modes.time === 'connect') return (t) => columnValue(t, type, schema);
      return (t) => dateDays(t);
    case OID.time:
      if (modes.time === 'connect') return (t) => columnValue(t, type, schema);
      return schema.name === DBZ.time ? (t) => Math.floor(timeMicros(t) / 1000) : timeMicros;
    case OID.timestamp:
      if (modes.time === 'connect') return (t) => columnValue(t, type, schema);
      return schema.name === DBZ.timestamp ? (t) => timestampEpoch(t, 'ms') : (t) => timestampEpoch(t, 'us');
    case OID.timestamptz: {
      const width = precision(type.typmod);
      return (t) => zonedTimestamp(t, width);
    }
    case OID.timetz:
      return zonedTime;
    case OID.interval:
      return modes.interval === 'string' ? (t) => t : intervalMicros;
    case OID.numeric:
      if (schema.name === DBZ.variableScaleDecimal) return (t) => variableScaleDecimal(t, schema);
      return (t) =>
        t === 'NaN' && schema.type === 'BYTES' ? nanAsNull(schema) : columnValue(t, type, schema);
    case OID.money:
      return (t) => moneyValue(t, schema);
    case OID.bytea:
      if (modes.binary === 'bytes') return (t) => columnValue(t, type, schema);
      return (t) => {
        const bytes = Buffer.from(columnValue(t, type, { type: 'BYTES', optional: true }) as Uint8Array);
        return modes.binary === 'hex' ? bytes.toString('hex') : bytes.toString('base64');
      };
    case OID.bit:
    case OID.varbit:
      return schema.type === 'BOOLEAN' ? (t) => t === '1' : bitsValue;
    default:
      break;
  }
  if (schema.name === DBZ.json && type.name === 'hstore') return hstoreJson;
  if (schema.name === DBZ.point) return (t) => pointValue(t, schema);
  if (schema.type === 'STRING') return (t) => t;
  return (t) => columnValue(t, type, schema);
}

const CONNECT_TEMPORAL = new Set([
  'org.apache.kafka.connect.data.Date',
  'org.apache.kafka.connect.data.Time',
  'org.apache.kafka.connect.data.Timestamp',
]);

/** What Debezium puts in a required column PostgreSQL sent no value for (the old row of a default-identity delete). */
export function fallbackValue(schema: Schema): ConnectValue {
  if (schema.optional) return null;
  if (schema.name === 'org.apache.kafka.connect.data.Decimal')
    return { unscaled: 0n, scale: Number(schema.parameters?.scale ?? 0) };
  if (CONNECT_TEMPORAL.has(schema.name ?? '')) return new Date(0);
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
    case 'FLOAT32':
    case 'FLOAT64':
      return 0;
    case 'BOOLEAN':
      return false;
    case 'STRING':
      return '';
    case 'BYTES':
      return new Uint8Array(0);
    case 'ARRAY':
      return [];
    case 'MAP':
      return new Map();
    case 'STRUCT': {
      const s = new Struct(schema);
      for (const f of schema.fields ?? []) s.put(f.name, fallbackValue(f.schema));
      return s;
    }
    default:
      return null;
  }
}

/** The placeholder for an unchanged TOASTed value, where the column's type can hold it. */
export function unavailableValue(schema: Schema): ConnectValue {
  if (schema.type === 'STRING') return UNAVAILABLE_VALUE;
  if (schema.type === 'BYTES' && schema.name === undefined)
    return new Uint8Array(Buffer.from(UNAVAILABLE_VALUE));
  if (schema.type === 'ARRAY' && schema.valueSchema?.type === 'STRING') return [UNAVAILABLE_VALUE];
  return fallbackValue(schema);
}

function nanAsNull(schema: Schema): ConnectValue {
  if (schema.optional) return null;
  throw new DataException('NUMERIC NaN has no Decimal form: use decimal.handling.mode=double or string.');
}

const DATE = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/;

function utcDayMs(year: number, month: number, day: number): number {
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC maps years 0-99 to 1900-1999.
  return year >= 0 && year < 100 ? new Date(ms).setUTCFullYear(year) : ms;
}

function yearOf(digits: string, bc: string | undefined): number {
  // 1 BC is year 0 in the proleptic Gregorian calendar Java uses.
  return bc === undefined ? Number(digits) : 1 - Number(digits);
}

/** io.debezium.time.Date: days since the epoch. */
function dateDays(text: string): number {
  if (text === 'infinity') return 2147483647;
  if (text === '-infinity') return -2147483648;
  const m = DATE.exec(text);
  if (m === null) throw new DataException(`DATE value '${text}' is not YYYY-MM-DD.`);
  return Math.round(utcDayMs(yearOf(m[1], m[4]), Number(m[2]), Number(m[3])) / 86_400_000);
}

const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;

function fractionMicros(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(fraction.padEnd(6, '0'));
}

/** io.debezium.time.MicroTime: microseconds since midnight. */
function timeMicros(text: string): number {
  const m = TIME.exec(text);
  if (m === null) throw new DataException(`TIME value '${text}' is not HH:MM:SS.`);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1_000_000 + fractionMicros(m[4]);
}

const TIMESTAMP =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/;

interface Instant {
  /** Whole seconds since the epoch. */
  readonly seconds: number;
  /** 0..999999 */
  readonly micros: number;
}

function parseInstant(text: string, kind: string): Instant {
  const m = TIMESTAMP.exec(text);
  if (m === null) throw new DataException(`${kind} value '${text}' is not a timestamp.`);
  const day = utcDayMs(yearOf(m[1], m[12]), Number(m[2]), Number(m[3])) / 1000;
  let seconds = day + (Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6]);
  if (m[8] !== undefined) {
    const offset = Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0);
    seconds += m[8] === '+' ? -offset : offset;
  }
  return { seconds, micros: fractionMicros(m[7]) };
}

/** io.debezium.time.Timestamp (ms) or MicroTimestamp (µs) since the epoch, of a timestamp without zone. */
function timestampEpoch(text: string, unit: 'ms' | 'us'): ConnectValue {
  if (text === 'infinity') return POSITIVE_INFINITY_TS;
  if (text === '-infinity') return NEGATIVE_INFINITY_TS;
  const { seconds, micros } = parseInstant(text, 'TIMESTAMP');
  if (unit === 'ms') return seconds * 1000 + Math.floor(micros / 1000);
  const us = seconds * 1_000_000 + micros;
  return Number.isSafeInteger(us) ? us : BigInt(seconds) * 1_000_000n + BigInt(micros);
}

/** ISO-8601 fraction as java.time prints it: no trailing zeros, none at all when zero. */
function isoFraction(micros: number): string {
  if (micros === 0) return '';
  return `.${String(micros).padStart(6, '0').replace(/0+$/, '')}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * io.debezium.time.ZonedTimestamp: ISO-8601 in UTC with as many fraction digits as the column's
 * precision (6 unless given), as Debezium 3 prints it: timestamptz 2024-05-01T10:15:30.500000Z,
 * timestamptz(3) …30.500Z, timestamptz(0) …30Z.
 */
function zonedTimestamp(text: string, width: number): string {
  if (text === 'infinity' || text === '-infinity') return text;
  const { seconds, micros } = parseInstant(text, 'TIMESTAMPTZ');
  const d = new Date(seconds * 1000);
  const year = d.getUTCFullYear();
  const y = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 4)}`;
  const fraction = width === 0 ? '' : `.${String(micros).padStart(6, '0').slice(0, width)}`;
  return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fraction}Z`;
}

const TIMETZ = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

/** io.debezium.time.ZonedTime: the time in UTC, e.g. 08:15:30.5Z. */
function zonedTime(text: string): string {
  const m = TIMETZ.exec(text);
  if (m === null) throw new DataException(`TIMETZ value '${text}' is not HH:MM:SS+HH.`);
  const offset = Number(m[6]) * 3600 + Number(m[7] ?? 0) * 60 + Number(m[8] ?? 0);
  const local = (Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3]);
  const utc = (((local + (m[5] === '+' ? -offset : offset)) % 86400) + 86400) % 86400;
  const h = Math.floor(utc / 3600);
  const min = Math.floor((utc % 3600) / 60);
  return `${pad(h)}:${pad(min)}:${pad(utc % 60)}${isoFraction(fractionMicros(m[4]))}Z`;
}

const INTERVAL =
  /^P(?:(-?\d+)Y)?(?:(-?\d+)M)?(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$/;

/** io.debezium.time.MicroDuration: months count as 365.25/12 days, as Debezium does. */
function intervalMicros(text: string): number {
  const m = INTERVAL.exec(text);
  if (m === null)
    throw new DataException(`INTERVAL value '${text}' is not ISO 8601 (IntervalStyle iso_8601).`);
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  const days = (n(1) * 12 + n(2)) * DAYS_PER_MONTH_AVG + n(3);
  const secondsMicros = Math.round(n(6) * 1_000_000);
  return Math.round(days * MICROS_PER_DAY + (n(4) * 60 + n(5)) * 60 * 1_000_000) + secondsMicros;
}

/** io.debezium.data.VariableScaleDecimal: {scale, value: unscaled two's-complement bytes}. */
function variableScaleDecimal(text: string, schema: Schema): ConnectValue {
  if (text === 'NaN' || text.endsWith('Infinity')) return nanAsNull(schema);
  const { unscaled, scale } = parseDecimalText(text);
  return new Struct(schema).put('scale', scale).put('value', unscaledToBytes(unscaled));
}

/** MONEY's text ("$1,234.50", "-$3.00") as a decimal of 2 places, a double or a plain string. */
function moneyValue(text: string, schema: Schema): ConnectValue {
  const negative = text.includes('-') || text.startsWith('(');
  const digits = text.replace(/[^0-9.]/g, '');
  const plain = `${negative ? '-' : ''}${digits}`;
  if (schema.type === 'FLOAT64') return Number(plain);
  if (schema.type === 'STRING') return plain;
  const [whole, fraction = ''] = digits.split('.');
  const unscaled = BigInt(whole + fraction.padEnd(2, '0').slice(0, 2));
  return { unscaled: negative ? -unscaled : unscaled, scale: 2 };
}

/** io.debezium.data.Bits: the bit string as a number, little-endian bytes (java.util.BitSet). */
function bitsValue(text: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(text.length / 8));
  for (let i = 0; i < text.length; i++) {
    // The rightmost character is bit 0.
    if (text[text.length - 1 - i] === '1') out[i >> 3] |= 1 << (i & 7);
  }
  return out;
}

/** hstore text ("a"=>"1", "b"=>NULL) as a JSON object (Debezium's hstore.handling.mode=json). */
function hstoreJson(text: string): string {
  const out: Record<string, string | null> = {};
  const pair = /"((?:[^"\\]|\\.)*)"\s*=>\s*(NULL|"((?:[^"\\]|\\.)*)")/g;
  const unquote = (s: string) => s.replace(/\\(.)/g, '$1');
  for (const m of text.matchAll(pair)) out[unquote(m[1])] = m[2] === 'NULL' ? null : unquote(m[3]);
  return JSON.stringify(out);
}

/** io.debezium.data.geometry.Point: x, y and the point as little-endian WKB. */
function pointValue(text: string, schema: Schema): ConnectValue {
  const m = /^\(([^,]+),([^)]+)\)$/.exec(text);
  if (m === null) throw new DataException(`POINT value '${text}' is not (x,y).`);
  const x = Number(m[1]);
  const y = Number(m[2]);
  const wkb = Buffer.alloc(21);
  wkb.writeUInt8(1, 0);
  wkb.writeUInt32LE(1, 1);
  wkb.writeDoubleLE(x, 5);
  wkb.writeDoubleLE(y, 13);
  return new Struct(schema).put('x', x).put('y', y).put('wkb', new Uint8Array(wkb)).put('srid', null);
}

/** pg-types' array literal parser, whose published typing does not match its code. */
interface ArrayParser {
  create(source: string, transform: (item: string) => ConnectValue): { parse(): ConnectValue[] };
}
