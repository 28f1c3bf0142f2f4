// Row readers and writers compiled from a Protobuf message and the columns, once per schema: each
// field number gets a function that reads (or writes) its wire value as the column's SQL value, so
// a record is a loop over its tags with no protobufjs message object in between. Reading follows
// Confluent's ProtobufData: proto3 scalars absent from the bytes read as their zero value, messages,
// wrappers and `optional` fields as null, enums as their value's name, a oneof as a STRUCT of its
// members. Columns and fields are matched by name, ignoring case, as ksqlDB matches them.
import protobuf from 'protobufjs';
import type { Decimal, SqlType, SqlValue, StructValue } from '../types/index.js';
import { bigIntFromTwosComplement, twosComplementOf } from './avro-binary.js';
import { fitDecimal, rescaleDecimal } from './decimal.js';
import type { SerdeColumn } from './format.js';
import { protobufFullName } from './protobuf-schema.js';
import {
  DATE_MESSAGE,
  DECIMAL_MESSAGE,
  decimalParams,
  fieldSqlType,
  realOneof,
  TIME_MESSAGE,
  TIMESTAMP_MESSAGE,
  WRAPPER_TYPES,
} from './protobuf-translation.js';
import {
  type PbReader,
  type PbWriter,
  ProtobufDataError,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH,
  WIRE_VARINT,
} from './protobuf-wire.js';
import { FormatSchemaError } from './serde-error.js';

/** A value that cannot be written with the message's schema. */
export class ProtobufValueError extends Error {
  override readonly name = 'ProtobufValueError';
}

const MS_PER_DAY = 86_400_000;
const EMPTY_ARRAY: readonly SqlValue[] = Object.freeze([]);
const EMPTY_MAP: ReadonlyMap<SqlValue, SqlValue> = new Map();

const WIRE_OF_SCALAR: Readonly<Record<string, number>> = {
  int32: WIRE_VARINT,
  sint32: WIRE_VARINT,
  uint32: WIRE_VARINT,
  int64: WIRE_VARINT,
  sint64: WIRE_VARINT,
  uint64: WIRE_VARINT,
  bool: WIRE_VARINT,
  fixed32: WIRE_FIXED32,
  sfixed32: WIRE_FIXED32,
  float: WIRE_FIXED32,
  fixed64: WIRE_FIXED64,
  sfixed64: WIRE_FIXED64,
  double: WIRE_FIXED64,
  string: WIRE_LENGTH,
  bytes: WIRE_LENGTH,
};

function sameName(a: string, b: string): boolean {
  return a === b || a.toUpperCase() === b.toUpperCase();
}

function typeText(t: SqlType): string {
  switch (t.kind) {
    case 'ARRAY':
      return `ARRAY<${typeText(t.element)}>`;
    case 'MAP':
      return `MAP<${typeText(t.key)}, ${typeText(t.value)}>`;
    case 'STRUCT':
      return `STRUCT<${t.fields.map((f) => `${f.name} ${typeText(f.type)}`).join(', ')}>`;
    case 'DECIMAL':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    default:
      return t.kind;
  }
}

// ================================================================ reading

/** Reads one occurrence of a field (its tag already read) as a SQL value. */
type ValueReader = (r: PbReader, wireType: number) => SqlValue;

interface ReadSlot {
  readonly column: number;
  readonly kind: 'single' | 'repeated' | 'map' | 'oneof';
  readonly read: ValueReader;
  /** repeated scalars: whether a length-delimited occurrence is a packed run, of elements of this wire type. */
  readonly packable: boolean;
  readonly elementWire?: number;
  /** oneof: the member's name in the STRUCT, and every member's name. */
  readonly member?: string;
  readonly members?: readonly string[];
}

/** Reads a message body (up to `end`) into values in column order. */
export type MessageReader = (r: PbReader, end: number) => SqlValue[];

/** Compiles a reader of `type` into `columns`; columns the message lacks read as null. */
export function compileProtobufRowReader(
  type: protobuf.Type,
  columns: readonly SerdeColumn[],
  wrapped: boolean,
): MessageReader {
  if (!wrapped) {
    // One bare value: the message's first field, whatever its name (a wrapper's `value`).
    const [first] = type.fieldsArray;
    if (first === undefined)
      throw new FormatSchemaError(`The message ${protobufFullName(type)} has no field`);
    return messageReader(type, columns, [first]);
  }
  return messageReader(type, columns, undefined);
}

function messageReader(
  type: protobuf.Type,
  columns: readonly { name: string; type: SqlType }[],
  byPosition: readonly protobuf.Field[] | undefined,
): MessageReader {
  const defaults: SqlValue[] = columns.map(() => null);
  const slots: (ReadSlot | undefined)[] = [];
  const far = new Map<number, ReadSlot>();
  const add = (id: number, slot: ReadSlot) => {
    if (id < 1024) slots[id] = slot;
    else far.set(id, slot);
  };
  columns.forEach((column, index) => {
    if (byPosition !== undefined) {
      const field = byPosition[index];
      if (field !== undefined) addField(field, column.type, index, column.name);
      return;
    }
    const field = type.fieldsArray.find((f) => realOneof(f) === undefined && sameName(f.name, column.name));
    if (field !== undefined) {
      addField(field, column.type, index, column.name);
      return;
    }
    const oneof = type.oneofsArray.find(
      (o) => sameName(o.name, column.name) && o.fieldsArray.some((f) => realOneof(f) !== undefined),
    );
    if (oneof === undefined) return;
    if (column.type.kind !== 'STRUCT')
      throw new FormatSchemaError(
        `Field ${oneof.name} of ${protobufFullName(type)} is a oneof, which reads as a STRUCT, not ${typeText(column.type)}`,
      );
    const members = column.type.fields.map((f) => f.name);
    for (const m of oneof.fieldsArray) {
      const target = column.type.fields.find((f) => sameName(f.name, m.name));
      if (target === undefined) continue;
      add(m.id, {
        column: index,
        kind: 'oneof',
        read: valueReader(m, target.type, `${column.name}.${target.name}`),
        packable: false,
        member: target.name,
        members,
      });
    }
  });

  function addField(field: protobuf.Field, target: SqlType, index: number, where: string): void {
    field.resolve();
    if (field.map) {
      if (target.kind !== 'MAP') throw mismatch(field, target, where);
      add(field.id, {
        column: index,
        kind: 'map',
        read: mapEntryReader(field, target.value, where),
        packable: false,
      });
      defaults[index] = EMPTY_MAP;
      return;
    }
    if (field.repeated) {
      if (target.kind !== 'ARRAY') throw mismatch(field, target, where);
      add(field.id, {
        column: index,
        kind: 'repeated',
        read: valueReader(field, target.element, `${where}[]`),
        packable: wireOf(field) !== WIRE_LENGTH,
        elementWire: wireOf(field),
      });
      defaults[index] = EMPTY_ARRAY;
      return;
    }
    add(field.id, {
      column: index,
      kind: 'single',
      read: valueReader(field, target, where),
      packable: false,
    });
    defaults[index] = zeroValue(field, target);
  }

  const n = columns.length;
  return (r, end) => {
    const out = defaults.slice();
    while (r.pos < end) {
      const tag = r.uint32();
      const id = tag >>> 3;
      const wireType = tag & 7;
      const slot = id < 1024 ? slots[id] : far.get(id);
      if (slot === undefined) {
        if (id === 0) throw new ProtobufDataError(`field number 0 (at byte ${r.pos})`);
        r.skip(wireType);
        continue;
      }
      const c = slot.column;
      switch (slot.kind) {
        case 'single':
          out[c] = slot.read(r, wireType);
          break;
        case 'repeated': {
          let list = out[c] as SqlValue[];
          if (list === EMPTY_ARRAY) {
            list = [];
            out[c] = list;
          }
          if (wireType === WIRE_LENGTH && slot.packable) {
            const packedEnd = r.lengthEnd();
            const elementWire = slot.elementWire ?? -1;
            while (r.pos < packedEnd) list.push(slot.read(r, elementWire));
          } else list.push(slot.read(r, wireType));
          break;
        }
        case 'map': {
          let m = out[c] as Map<SqlValue, SqlValue>;
          if (m === EMPTY_MAP) {
            m = new Map();
            out[c] = m;
          }
          const entry = slot.read(r, wireType) as [SqlValue, SqlValue];
          m.set(entry[0], entry[1]);
          break;
        }
        case 'oneof': {
          const struct: Record<string, SqlValue> = {};
          for (const name of slot.members ?? []) struct[name] = null;
          struct[slot.member as string] = slot.read(r, wireType);
          out[c] = struct;
          break;
        }
      }
    }
    if (r.pos !== end) throw new ProtobufDataError('a field runs past the end of its message');
    return n === out.length ? out : out.slice(0, n);
  };
}

function mismatch(field: protobuf.Field, target: SqlType, where: string): FormatSchemaError {
  const natural = fieldSqlType(field, (x) => x);
  return new FormatSchemaError(
    `Field ${field.name} (${field.map ? 'map' : field.repeated ? 'repeated ' : ''}${field.type}) of ${protobufFullName(field.parent as protobuf.Type)} reads as ${natural === undefined ? 'no SQL type' : typeText(natural)}, which column ${where} (${typeText(target)}) cannot hold`,
  );
}

/** What a field absent from the bytes reads as: proto3 scalars their zero, anything with presence null. */
function zeroValue(field: protobuf.Field, target: SqlType): SqlValue {
  if (field.options?.proto3_optional === true || field.resolvedType instanceof protobuf.Type) return null;
  if (field.resolvedType instanceof protobuf.Enum) {
    const first = Object.entries(field.resolvedType.values).find(([, v]) => v === 0);
    return first?.[0] ?? null;
  }
  switch (target.kind) {
    case 'INTEGER':
    case 'DOUBLE':
      return 0;
    case 'BIGINT':
      return 0n;
    case 'BOOLEAN':
      return false;
    case 'STRING':
      return '';
    case 'BYTES':
      return new Uint8Array(0);
    case 'DECIMAL':
      return { unscaled: 0n, scale: target.scale };
    default:
      return null;
  }
}

function expectWire(r: PbReader, actual: number, expected: number, field: protobuf.Field): void {
  if (actual !== expected)
    throw new ProtobufDataError(
      `field ${field.name} (${field.type}) has wire type ${actual}, not ${expected} (at byte ${r.pos})`,
    );
}

/** A reader of one field value into the target SQL type (widening numbers where SQL would). */
function valueReader(field: protobuf.Field, target: SqlType, where: string): ValueReader {
  field.resolve();
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    if (target.kind !== 'STRING') throw mismatch(field, target, where);
    const names = new Map<number, string>();
    for (const [k, v] of Object.entries(resolved.values)) if (!names.has(v)) names.set(v, k);
    return (r, w) => {
      expectWire(r, w, WIRE_VARINT, field);
      const n = r.int32();
      return names.get(n) ?? String(n);
    };
  }
  if (resolved instanceof protobuf.Type) {
    const body = messageValueReader(resolved, field, target, where);
    return (r, w) => {
      expectWire(r, w, WIRE_LENGTH, field);
      const end = r.lengthEnd();
      const v = body(r, end);
      r.pos = end;
      return v;
    };
  }
  const read = scalarReader(field.type, target);
  if (read === undefined) throw mismatch(field, target, where);
  const wire = WIRE_OF_SCALAR[field.type];
  return (r, w) => {
    if (w !== wire) expectWire(r, w, wire, field);
    return read(r);
  };
}

/** Reads a protobuf scalar as the target SQL type; undefined when SQL would not convert it. */
function scalarReader(protoType: string, target: SqlType): ((r: PbReader) => SqlValue) | undefined {
  const natural: Record<string, (r: PbReader) => number | bigint | boolean | string | Uint8Array> = {
    int32: (r) => r.int32(),
    sint32: (r) => r.sint32(),
    sfixed32: (r) => r.sfixed32(),
    uint32: (r) => BigInt(r.uint32()),
    fixed32: (r) => BigInt(r.fixed32()),
    int64: (r) => r.int64(),
    uint64: (r) => r.int64(),
    sint64: (r) => r.sint64(),
    fixed64: (r) => r.fixed64(),
    sfixed64: (r) => r.fixed64(),
    float: (r) => r.float(),
    double: (r) => r.double(),
    bool: (r) => r.bool(),
    string: (r) => r.string(),
    bytes: (r) => r.bytes(),
  };
  const read = natural[protoType];
  if (read === undefined) return undefined;
  const isInt32 = protoType === 'int32' || protoType === 'sint32' || protoType === 'sfixed32';
  const isInt64 = !isInt32 && /int|fixed/.test(protoType);
  switch (target.kind) {
    case 'INTEGER':
      return isInt32 ? read : undefined;
    case 'BIGINT':
      if (isInt64) return read;
      return isInt32 ? (r) => BigInt(read(r) as number) : undefined;
    case 'DOUBLE':
      if (protoType === 'float' || protoType === 'double' || isInt32) return read;
      return isInt64 ? (r) => Number(read(r)) : undefined;
    case 'BOOLEAN':
      return protoType === 'bool' ? read : undefined;
    case 'STRING':
      return protoType === 'string' ? read : undefined;
    case 'BYTES':
      return protoType === 'bytes' ? read : undefined;
    default:
      return undefined;
  }
}

/** A message-typed field's body: the well-known messages as SQL values, others as STRUCTs. */
function messageValueReader(
  type: protobuf.Type,
  field: protobuf.Field,
  target: SqlType,
  where: string,
): (r: PbReader, end: number) => SqlValue {
  const full = protobufFullName(type);
  const wrapped = WRAPPER_TYPES.get(full);
  if (wrapped !== undefined) {
    const value = type.fields.value;
    const read = scalarReader(value.type, target);
    if (read === undefined) throw mismatch(field, target, where);
    const zero = zeroValue(value, target);
    return (r, end) => {
      let out: SqlValue = zero;
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag >>> 3 === 1) out = read(r);
        else r.skip(tag & 7);
      }
      return out;
    };
  }
  if (full === TIMESTAMP_MESSAGE) {
    if (target.kind !== 'TIMESTAMP') throw mismatch(field, target, where);
    return (r, end) => {
      let seconds = 0;
      let nanos = 0;
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === 0x08) seconds = r.int64Number();
        else if (tag === 0x10) nanos = r.int32();
        else r.skip(tag & 7);
      }
      return seconds * 1000 + Math.floor(nanos / 1_000_000);
    };
  }
  if (full === DATE_MESSAGE) {
    if (target.kind !== 'DATE') throw mismatch(field, target, where);
    return (r, end) => {
      let year = 0;
      let month = 0;
      let day = 0;
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === 0x08) year = r.int32();
        else if (tag === 0x10) month = r.int32();
        else if (tag === 0x18) day = r.int32();
        else r.skip(tag & 7);
      }
      return Math.round(Date.UTC(year, Math.max(month, 1) - 1, Math.max(day, 1)) / MS_PER_DAY);
    };
  }
  if (full === TIME_MESSAGE) {
    if (target.kind !== 'TIME') throw mismatch(field, target, where);
    return (r, end) => {
      const parts = [0, 0, 0, 0];
      while (r.pos < end) {
        const tag = r.uint32();
        const id = tag >>> 3;
        if (id >= 1 && id <= 4 && (tag & 7) === WIRE_VARINT) parts[id - 1] = r.int32();
        else r.skip(tag & 7);
      }
      return ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + Math.floor(parts[3] / 1_000_000);
    };
  }
  if (full === DECIMAL_MESSAGE) {
    if (target.kind !== 'DECIMAL') throw mismatch(field, target, where);
    return (r, end) => {
      let unscaled = 0n;
      let scale = 0;
      while (r.pos < end) {
        const tag = r.uint32();
        if (tag === 0x0a) unscaled = bigIntFromTwosComplement(r.bytes());
        else if (tag === 0x18) scale = r.int32();
        else r.skip(tag & 7);
      }
      return fitDecimal(rescaleDecimal({ unscaled, scale }, target.scale), target.precision, target.scale);
    };
  }
  if (target.kind !== 'STRUCT') throw mismatch(field, target, where);
  const names = target.fields.map((f) => f.name);
  const read = messageReader(type, target.fields, undefined);
  return (r, end) => {
    const values = read(r, end);
    const out: Record<string, SqlValue> = {};
    for (let i = 0; i < names.length; i++) out[names[i]] = values[i];
    return out as StructValue;
  };
}

/** A map entry message (key = 1, value = 2) as a [key, value] pair; keys read as STRING. */
function mapEntryReader(field: protobuf.Field, valueType: SqlType, where: string): ValueReader {
  const mapField = field as unknown as protobuf.MapField;
  const keyRead = scalarReaderAny(mapField.keyType);
  // A map field's type and resolvedType are its values'.
  const read = valueReader(field, valueType, `${where}{}`);
  const zero = zeroValue(field, valueType);
  const keyWire = WIRE_OF_SCALAR[mapField.keyType];
  return (r, w) => {
    expectWire(r, w, WIRE_LENGTH, field);
    const end = r.lengthEnd();
    let key: SqlValue = mapField.keyType === 'string' ? '' : mapField.keyType === 'bool' ? 'false' : '0';
    let value: SqlValue = zero;
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag === ((1 << 3) | keyWire)) key = String(keyRead(r));
      else if (tag >>> 3 === 2) value = read(r, tag & 7);
      else r.skip(tag & 7);
    }
    return [key, value] as unknown as SqlValue;
  };
}

function scalarReaderAny(protoType: string): (r: PbReader) => unknown {
  const read =
    scalarReader(protoType, { kind: 'STRING' }) ??
    scalarReader(protoType, { kind: 'BIGINT' }) ??
    scalarReader(protoType, { kind: 'BOOLEAN' });
  if (read === undefined) throw new FormatSchemaError(`A map key of type ${protoType} is not supported`);
  return read;
}

// ================================================================ writing

/** Writes one field (tag included) when the value is to be written. */
type FieldWriter = (w: PbWriter, v: SqlValue) => void;

/** Writes a row's values (in column order) as a message body. */
export type MessageWriter = (w: PbWriter, row: readonly SqlValue[]) => void;

/** Compiles a writer of `columns` as `type`; every column must have a field of its name. */
export function compileProtobufRowWriter(
  type: protobuf.Type,
  columns: readonly SerdeColumn[],
  wrapped: boolean,
): MessageWriter {
  const writers: FieldWriter[] = columns.map((column) => {
    const field = wrapped
      ? type.fieldsArray.find((f) => realOneof(f) === undefined && sameName(f.name, column.name))
      : type.fieldsArray[0];
    if (field === undefined) {
      const oneof = type.oneofsArray.find((o) => sameName(o.name, column.name));
      if (oneof !== undefined && column.type.kind === 'STRUCT')
        return oneofWriter(oneof, column.type, column.name);
      throw new FormatSchemaError(
        `The message ${protobufFullName(type)} has no field for column ${column.name}`,
      );
    }
    return fieldWriter(field, column.type, column.name);
  });
  const n = writers.length;
  return (w, row) => {
    for (let i = 0; i < n; i++) writers[i](w, row[i]);
  };
}

function oneofWriter(oneof: protobuf.OneOf, type: SqlType & { kind: 'STRUCT' }, where: string): FieldWriter {
  const members = type.fields.map((f) => {
    const field = oneof.fieldsArray.find((m) => sameName(m.name, f.name));
    if (field === undefined)
      throw new FormatSchemaError(`The oneof ${oneof.name} has no member for ${where}.${f.name}`);
    return [f.name, fieldWriter(field, f.type, `${where}.${f.name}`, true)] as const;
  });
  return (w, v) => {
    if (v === null) return;
    const s = v as StructValue;
    // A oneof holds one member: the first that is set.
    for (const [name, write] of members)
      if (s[name] !== null && s[name] !== undefined) {
        write(w, s[name]);
        return;
      }
  };
}

function tagOf(id: number, wire: number): number {
  return ((id << 3) | wire) >>> 0;
}

/**
 * The writer of one field. Proto3 fields without presence leave out zero values, as protobuf's own
 * serializers do; `present` (a oneof member, `optional`) writes any non-null value.
 */
function fieldWriter(field: protobuf.Field, target: SqlType, where: string, present = false): FieldWriter {
  field.resolve();
  if (field.map) {
    if (target.kind !== 'MAP') throw mismatchWrite(field, target, where);
    const mapField = field as unknown as protobuf.MapField;
    const writeKey = scalarWriter(mapField.keyType, { kind: 'STRING' }, `${where} key`, true);
    // A map field's type and resolvedType are its values'.
    const writeValue = valueWriter(field, target.value, `${where}{}`);
    const tag = tagOf(field.id, WIRE_LENGTH);
    const keyTag = tagOf(1, WIRE_OF_SCALAR[mapField.keyType]);
    const valueTag = tagOf(2, wireOf(field));
    return (w, v) => {
      if (v === null) return;
      for (const [k, x] of v as ReadonlyMap<SqlValue, SqlValue>) {
        w.uint32(tag);
        const mark = w.begin();
        if (k !== null) {
          w.uint32(keyTag);
          writeKey(w, mapField.keyType === 'string' ? k : keyFromString(String(k), mapField.keyType, where));
        }
        if (x !== null) {
          w.uint32(valueTag);
          writeValue(w, x);
        }
        w.finish(mark);
      }
    };
  }
  if (field.repeated) {
    if (target.kind !== 'ARRAY') throw mismatchWrite(field, target, where);
    const write = valueWriter(field, target.element, `${where}[]`);
    const wire = wireOf(field);
    const packed = wire !== WIRE_LENGTH;
    const tag = tagOf(field.id, packed ? WIRE_LENGTH : wire);
    return (w, v) => {
      if (v === null) return;
      const list = v as readonly SqlValue[];
      if (list.length === 0) return;
      if (packed) {
        w.uint32(tag);
        const mark = w.begin();
        for (const x of list) {
          if (x === null)
            throw new ProtobufValueError(`${where}: a Protobuf repeated field cannot hold null`);
          write(w, x);
        }
        w.finish(mark);
        return;
      }
      for (const x of list) {
        if (x === null) throw new ProtobufValueError(`${where}: a Protobuf repeated field cannot hold null`);
        w.uint32(tag);
        write(w, x);
      }
    };
  }
  const write = valueWriter(field, target, where);
  const tag = tagOf(field.id, wireOf(field));
  const hasPresence =
    present || field.options?.proto3_optional === true || field.resolvedType instanceof protobuf.Type;
  if (hasPresence)
    return (w, v) => {
      if (v === null) return;
      w.uint32(tag);
      write(w, v);
    };
  return (w, v) => {
    if (v === null || isZero(v)) return;
    w.uint32(tag);
    write(w, v);
  };
}

function isZero(v: SqlValue): boolean {
  if (v === 0 || v === 0n || v === false || v === '') return !Object.is(v, -0);
  if (v instanceof Uint8Array) return v.length === 0;
  return false;
}

function wireOf(field: protobuf.Field): number {
  if (field.resolvedType instanceof protobuf.Type) return WIRE_LENGTH;
  if (field.resolvedType instanceof protobuf.Enum) return WIRE_VARINT;
  return WIRE_OF_SCALAR[field.type] ?? WIRE_LENGTH;
}

function keyFromString(k: string, keyType: string, where: string): SqlValue {
  if (keyType === 'bool') return k === 'true';
  try {
    return BigInt(k);
  } catch {
    throw new ProtobufValueError(`${where}: map key '${k}' is not a ${keyType}`);
  }
}

function mismatchWrite(field: protobuf.Field, target: SqlType, where: string): FormatSchemaError {
  return new FormatSchemaError(
    `Column ${where} (${typeText(target)}) cannot be written as field ${field.name} (${field.map ? 'map' : field.repeated ? 'repeated ' : ''}${field.type}) of ${protobufFullName(field.parent as protobuf.Type)}`,
  );
}

/** Writes a value without its tag. */
type ValueWriter = (w: PbWriter, v: SqlValue) => void;

function valueWriter(field: protobuf.Field, target: SqlType, where: string): ValueWriter {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    if (target.kind !== 'STRING') throw mismatchWrite(field, target, where);
    const values = resolved.values;
    return (w, v) => {
      const n = values[v as string];
      if (n === undefined)
        throw new ProtobufValueError(`${where}: '${String(v)}' is not a value of the enum ${resolved.name}`);
      w.int32(n);
    };
  }
  if (resolved instanceof protobuf.Type) {
    const body = messageWriter(resolved, field, target, where);
    return (w, v) => {
      const mark = w.begin();
      body(w, v);
      w.finish(mark);
    };
  }
  return (
    scalarWriter(field.type, target, where, false) ??
    (() => {
      throw mismatchWrite(field, target, where);
    })()
  );
}

function toInt32(v: SqlValue): number {
  return typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : (v as number) | 0;
}

function toInt64(v: SqlValue): bigint {
  return typeof v === 'bigint' ? v : BigInt(Math.trunc(v as number));
}

function scalarWriter(protoType: string, target: SqlType, where: string, lenient: boolean): ValueWriter {
  const numeric = target.kind === 'INTEGER' || target.kind === 'BIGINT' || target.kind === 'DOUBLE';
  const ok = (kinds: readonly SqlType['kind'][]) => lenient || kinds.includes(target.kind);
  const fail = (): never => {
    throw new FormatSchemaError(
      `Column ${where} (${typeText(target)}) cannot be written as a Protobuf ${protoType}`,
    );
  };
  switch (protoType) {
    case 'int32':
      if (!ok(['INTEGER', 'BIGINT'])) fail();
      return (w, v) => w.int32(toInt32(v));
    case 'sint32':
      if (!ok(['INTEGER', 'BIGINT'])) fail();
      return (w, v) => w.sint32(toInt32(v));
    case 'sfixed32':
      if (!ok(['INTEGER', 'BIGINT'])) fail();
      return (w, v) => w.fixed32(toInt32(v));
    case 'uint32':
      if (!ok(['INTEGER', 'BIGINT'])) fail();
      return (w, v) => w.uint32(toInt32(v));
    case 'fixed32':
      if (!ok(['INTEGER', 'BIGINT'])) fail();
      return (w, v) => w.fixed32(toInt32(v));
    case 'int64':
    case 'uint64':
      if (!ok(['INTEGER', 'BIGINT'])) fail();
      return (w, v) => w.int64(toInt64(v));
    case 'sint64':
      if (!ok(['INTEGER', 'BIGINT'])) fail();
      return (w, v) => w.sint64(toInt64(v));
    case 'fixed64':
    case 'sfixed64':
      if (!ok(['INTEGER', 'BIGINT'])) fail();
      return (w, v) => w.fixed64(toInt64(v));
    case 'float':
      if (!numeric) fail();
      return (w, v) => w.float(Number(v));
    case 'double':
      if (!numeric) fail();
      return (w, v) => w.double(Number(v));
    case 'bool':
      if (!ok(['BOOLEAN'])) fail();
      return (w, v) => w.uint32(v ? 1 : 0);
    case 'string':
      if (!ok(['STRING'])) fail();
      return (w, v) => w.string(String(v));
    case 'bytes':
      if (!ok(['BYTES'])) fail();
      return (w, v) => w.bytes(v as Uint8Array);
    default:
      return fail();
  }
}

function messageWriter(
  type: protobuf.Type,
  field: protobuf.Field,
  target: SqlType,
  where: string,
): ValueWriter {
  const full = protobufFullName(type);
  if (WRAPPER_TYPES.has(full)) {
    const valueField = type.fields.value;
    const write = scalarWriter(valueField.type, target, where, false);
    const tag = tagOf(1, WIRE_OF_SCALAR[valueField.type]);
    return (w, v) => {
      if (isZero(v)) return;
      w.uint32(tag);
      write(w, v);
    };
  }
  if (full === TIMESTAMP_MESSAGE) {
    if (target.kind !== 'TIMESTAMP') throw mismatchWrite(field, target, where);
    return (w, v) => {
      const ms = v as number;
      const seconds = Math.floor(ms / 1000);
      const nanos = (ms - seconds * 1000) * 1_000_000;
      if (seconds !== 0) {
        w.uint32(0x08);
        w.int64(BigInt(seconds));
      }
      if (nanos !== 0) {
        w.uint32(0x10);
        w.int32(nanos);
      }
    };
  }
  if (full === DATE_MESSAGE) {
    if (target.kind !== 'DATE') throw mismatchWrite(field, target, where);
    return (w, v) => {
      const d = new Date((v as number) * MS_PER_DAY);
      const parts = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
      for (let i = 0; i < 3; i++)
        if (parts[i] !== 0) {
          w.uint32(tagOf(i + 1, WIRE_VARINT));
          w.int32(parts[i]);
        }
    };
  }
  if (full === TIME_MESSAGE) {
    if (target.kind !== 'TIME') throw mismatchWrite(field, target, where);
    return (w, v) => {
      const ms = v as number;
      const parts = [
        Math.floor(ms / 3_600_000),
        Math.floor(ms / 60_000) % 60,
        Math.floor(ms / 1000) % 60,
        (ms % 1000) * 1_000_000,
      ];
      for (let i = 0; i < 4; i++)
        if (parts[i] !== 0) {
          w.uint32(tagOf(i + 1, WIRE_VARINT));
          w.int32(parts[i]);
        }
    };
  }
  if (full === DECIMAL_MESSAGE) {
    if (target.kind !== 'DECIMAL') throw mismatchWrite(field, target, where);
    const declared = (() => {
      try {
        return decimalParams(field);
      } catch {
        return { precision: target.precision, scale: target.scale };
      }
    })();
    return (w, v) => {
      const d = fitDecimal(v as Decimal, declared.precision, declared.scale);
      w.uint32(0x0a);
      w.bytes(twosComplementOf(d.unscaled));
      w.uint32(0x10);
      w.uint32(decimalDigits(d.unscaled));
      if (d.scale !== 0) {
        w.uint32(0x18);
        w.int32(d.scale);
      }
    };
  }
  if (target.kind !== 'STRUCT') throw mismatchWrite(field, target, where);
  const write = compileProtobufRowWriter(type, target.fields, true);
  const names = target.fields.map((f) => f.name);
  const scratch: SqlValue[] = names.map(() => null);
  return (w, v) => {
    const s = v as StructValue;
    const values = scratch.slice();
    for (let i = 0; i < names.length; i++) values[i] = s[names[i]] ?? null;
    write(w, values);
  };
}

/** BigDecimal.precision() of the unscaled value: its digit count (1 for zero). */
function decimalDigits(unscaled: bigint): number {
  return (unscaled < 0n ? -unscaled : unscaled).toString().length;
}
