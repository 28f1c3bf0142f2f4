import pg from 'pg';
import {
  arraySchema,
  type ConnectValue,
  DataException,
  dateSchema,
  decimalSchema,
  type Schema,
  Schemas,
  timeSchema,
  timestampSchema,
} from '../../connect/api/index.js';
import { parseDecimalText } from './decimal.js';

// PostgreSQL column types → Kafka Connect schemas and values, shared by the JDBC source and the
// CDC source. Date, Time and Timestamp values are Dates, as java.util.Date in Kafka Connect. Values arrive as PostgreSQL's text output (connections run with every type parser
// off, in UTC; pgoutput sends text too), so one conversion serves both and numerics stay exact.

/** A column's type as the server describes it (RowDescription or a pgoutput Relation message). */
export interface ColumnType {
  readonly oid: number;
  /** The type modifier: precision and scale for numeric, -1 when none. */
  readonly typmod: number;
}

/**
 * What NUMERIC becomes: `precise` a Connect Decimal (exact; unconstrained NUMERIC has no fixed
 * scale, so it becomes its exact text), `double` FLOAT64, `string` its text. The JDBC source's
 * `numeric.mapping` and Debezium's `decimal.handling.mode` both choose among these.
 */
export type DecimalHandling = 'precise' | 'double' | 'string';

export const OID = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  float4: 700,
  float8: 701,
  money: 790,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  bit: 1560,
  varbit: 1562,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

/** Array type OID → element type OID, for the element types mapped above. */
const ARRAY_ELEMENT = new Map<number, number>([
  [1000, OID.bool],
  [1001, OID.bytea],
  [1002, OID.char],
  [1003, OID.name],
  [1005, OID.int2],
  [1007, OID.int4],
  [1009, OID.text],
  [1014, OID.bpchar],
  [1015, OID.varchar],
  [1016, OID.int8],
  [1021, OID.float4],
  [1022, OID.float8],
  [1028, OID.oid],
  [1115, OID.timestamp],
  [1182, OID.date],
  [1183, OID.time],
  [1185, OID.timestamptz],
  [1187, OID.interval],
  [1231, OID.numeric],
  [1270, OID.timetz],
  [199, OID.json],
  [2951, OID.uuid],
  [3807, OID.jsonb],
]);

/** Precision and scale of a numeric typmod; undefined for unconstrained NUMERIC. */
export function numericPrecisionScale(typmod: number): { precision: number; scale: number } | undefined {
  if (typmod < 4) return undefined;
  const m = typmod - 4;
  return { precision: (m >> 16) & 0xffff, scale: m & 0xffff };
}

export function isArrayType(oid: number): boolean {
  return ARRAY_ELEMENT.has(oid);
}

/** The Connect schema of a column. Types without a closer match (uuid, json, inet, enums…) are STRING. */
export function columnSchema(type: ColumnType, optional: boolean, decimal: DecimalHandling): Schema {
  const element = ARRAY_ELEMENT.get(type.oid);
  if (element !== undefined)
    return arraySchema(columnSchema({ oid: element, typmod: type.typmod }, true, decimal), optional);
  switch (type.oid) {
    case OID.bool:
      return optional ? Schemas.OPTIONAL_BOOLEAN : Schemas.BOOLEAN;
    case OID.int2:
      return optional ? Schemas.OPTIONAL_INT16 : Schemas.INT16;
    case OID.int4:
      return optional ? Schemas.OPTIONAL_INT32 : Schemas.INT32;
    case OID.int8:
    case OID.oid:
      return optional ? Schemas.OPTIONAL_INT64 : Schemas.INT64;
    case OID.float4:
      return optional ? Schemas.OPTIONAL_FLOAT32 : Schemas.FLOAT32;
    case OID.float8:
      return optional ? Schemas.OPTIONAL_FLOAT64 : Schemas.FLOAT64;
    case OID.bytea:
      return optional ? Schemas.OPTIONAL_BYTES : Schemas.BYTES;
    case OID.date:
      return dateSchema(optional);
    case OID.time:
      return timeSchema(optional);
    case OID.timestamp:
    case OID.timestamptz:
      return timestampSchema(optional);
    case OID.numeric: {
      const ps = numericPrecisionScale(type.typmod);
      if (decimal === 'double') return optional ? Schemas.OPTIONAL_FLOAT64 : Schemas.FLOAT64;
      if (decimal === 'precise' && ps !== undefined) {
        const s = decimalSchema(ps.scale, optional);
        return { ...s, parameters: { ...s.parameters, 'connect.decimal.precision': String(ps.precision) } };
      }
      return optional ? Schemas.OPTIONAL_STRING : Schemas.STRING;
    }
    default:
      return optional ? Schemas.OPTIONAL_STRING : Schemas.STRING;
  }
}

/** A column's text value as a Connect value of the schema `columnSchema` gave it. */
export function columnValue(text: string | null, type: ColumnType, schema: Schema): ConnectValue {
  if (text === null) return null;
  const element = ARRAY_ELEMENT.get(type.oid);
  if (element !== undefined) {
    const elementType = { oid: element, typmod: type.typmod };
    const elementSchema = schema.valueSchema as Schema;
    return (pg.types.arrayParser as unknown as ArrayParser)
      .create(text, (item: string | null) => columnValue(item, elementType, elementSchema))
      .parse();
  }
  switch (type.oid) {
    case OID.bool:
      return text === 't' || text === 'true';
    case OID.int2:
    case OID.int4:
      return Number(text);
    case OID.int8:
    case OID.oid:
      return BigInt(text);
    case OID.float4:
    case OID.float8:
      return Number(text);
    case OID.bytea:
      return parseBytea(text);
    case OID.date:
      return new Date(parseDate(text));
    case OID.time:
      return new Date(parseTime(text));
    case OID.timestamp:
      return parseTimestamp(text, false);
    case OID.timestamptz:
      return parseTimestamp(text, true);
    case OID.numeric:
      return numericValue(text, schema);
    default:
      return text;
  }
}

function numericValue(text: string, schema: Schema): ConnectValue {
  if (schema.type === 'FLOAT64') return Number(text);
  if (schema.type === 'STRING') return text;
  if (text === 'NaN' || text.endsWith('Infinity'))
    throw new DataException(
      `NUMERIC value ${text} has no Decimal form: use numeric.mapping=none with strings, or best_fit.`,
    );
  const scale = Number(schema.parameters?.scale ?? 0);
  const exact = parseDecimalText(text);
  if (exact.scale > scale)
    throw new DataException(`NUMERIC value ${text} has more than the column's ${scale} decimal places.`);
  return { unscaled: exact.unscaled * 10n ** BigInt(scale - exact.scale), scale };
}

function parseBytea(text: string): Uint8Array {
  if (text.startsWith('\\x')) return new Uint8Array(Buffer.from(text.slice(2), 'hex'));
  // The old escape format, only if bytea_output was changed on the server.
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      if (text[i + 1] === '\\') {
        out.push(92);
        i += 1;
      } else {
        out.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
        i += 3;
      }
    } else out.push(text.charCodeAt(i));
  }
  return Uint8Array.from(out);
}

function infinite(text: string, kind: string): never {
  throw new DataException(
    `${kind} value '${text}' has no Connect form (infinite or BC dates are not mapped).`,
  );
}

/** Milliseconds since the epoch at midnight UTC of an ISO date (YYYY-MM-DD). */
function parseDate(text: string): number {
  const m = /^(\d{4,})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) infinite(text, 'DATE');
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Milliseconds since midnight of HH:MM:SS[.ffffff] (sub-millisecond digits are dropped, as Connect's Time keeps ms). */
function parseTime(text: string): number {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (m === null) throw new DataException(`TIME value '${text}' is not HH:MM:SS.`);
  const ms = m[4] === undefined ? 0 : Number(m[4].slice(0, 3).padEnd(3, '0'));
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + ms;
}

/** A Date from `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]]`; without a zone the time is UTC. */
function parseTimestamp(text: string, withZone: boolean): Date {
  const m =
    /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/.exec(
      text,
    );
  if (m === null) infinite(text, withZone ? 'TIMESTAMPTZ' : 'TIMESTAMP');
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let t = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    ms,
  );
  if (Number(m[1]) < 100) t = new Date(t).setUTCFullYear(Number(m[1]));
  if (m[8] !== undefined) {
    const offset = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1000;
    t += m[8] === '+' ? -offset : offset;
  }
  return new Date(t);
}

/** pg-types' array literal parser, whose published typing does not match its code. */
interface ArrayParser {
  create(source: string, transform: (item: string | null) => ConnectValue): { parse(): ConnectValue[] };
}
