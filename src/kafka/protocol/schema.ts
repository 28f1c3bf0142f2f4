import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { MalformedRequestError } from './malformed.js';

/*
 * Kafka's messages described as data, the way Kafka's own JSON message definitions describe them
 * (clients/src/main/resources/common/message/*.json): each field has a type, the versions it exists
 * in, the versions it may be null in, and optionally a tag (a tagged field of flexible versions).
 * One interpreter reads and writes every message at every version, so a new API or version is a
 * table entry rather than a hand-written codec.
 */

export type Primitive =
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'bool'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records';

/** An inclusive version range. */
export interface Versions {
  readonly min: number;
  readonly max: number;
}

export interface Field {
  readonly name: string;
  /** A primitive, or a struct given by its fields. */
  readonly type: Primitive | readonly Field[];
  readonly array: boolean;
  readonly versions: Versions;
  readonly nullable: Versions | undefined;
  /** Tagged fields are written in the struct's tag section, only in flexible versions. */
  readonly tag: number | undefined;
  readonly default: unknown;
}

export type Struct = { readonly [name: string]: unknown };

/** `"3+"`, `"0-4"`, `"5"` or `"none"`, as Kafka writes version ranges. */
export function versions(text: string): Versions {
  if (text === 'none') return { min: 1, max: 0 };
  if (text.endsWith('+')) return { min: Number(text.slice(0, -1)), max: 32767 };
  const [a, b] = text.split('-');
  return { min: Number(a), max: Number(b ?? a) };
}

function within(v: number, r: Versions | undefined): boolean {
  return r !== undefined && v >= r.min && v <= r.max;
}

interface FieldOptions {
  readonly nullable?: string;
  readonly tag?: number;
  readonly default?: unknown;
}

/** A scalar or struct field. */
export function field(
  name: string,
  type: Primitive | readonly Field[],
  range: string,
  options: FieldOptions = {},
): Field {
  return {
    name,
    type,
    array: false,
    versions: versions(range),
    nullable: options.nullable === undefined ? undefined : versions(options.nullable),
    tag: options.tag,
    default: options.default,
  };
}

/** An array of primitives or of structs. */
export function array(
  name: string,
  type: Primitive | readonly Field[],
  range: string,
  options: FieldOptions = {},
): Field {
  return { ...field(name, type, range, options), array: true };
}

function defaultOf(f: Field, version: number): unknown {
  if (f.default !== undefined) return f.default;
  if (f.array) return within(version, f.nullable) ? null : [];
  if (typeof f.type !== 'string') return null;
  switch (f.type) {
    case 'bool':
      return false;
    case 'string':
      return within(version, f.nullable) ? null : '';
    case 'bytes':
    case 'records':
      return within(version, f.nullable) ? null : Buffer.alloc(0);
    case 'uuid':
      return Buffer.alloc(16);
    default:
      return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

function readPrimitive(r: ByteReader, type: Primitive, compact: boolean, nullable: boolean): unknown {
  switch (type) {
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'uint16':
      return r.uint16();
    case 'int32':
      return r.int32();
    case 'int64':
      return r.int64();
    case 'float64':
      return r.float64();
    case 'bool':
      return r.bool();
    case 'uuid':
      return r.uuid();
    case 'string': {
      const s = r.string(compact);
      if (s === null && !nullable) throw new MalformedRequestError('null in a non-nullable STRING');
      return s;
    }
    case 'bytes':
    case 'records': {
      const b = r.bytes(compact);
      if (b === null && !nullable) throw new MalformedRequestError('null in non-nullable BYTES');
      return b;
    }
  }
}

function readValue(r: ByteReader, f: Field, version: number, flexible: boolean): unknown {
  const nullable = within(version, f.nullable);
  if (f.array) {
    const n = r.arrayLength(flexible);
    if (n === -1) {
      if (!nullable) throw new MalformedRequestError(`null array ${f.name}`);
      return null;
    }
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] =
        typeof f.type === 'string'
          ? readPrimitive(r, f.type, flexible, false)
          : decodeStruct(r, f.type, version, flexible);
    }
    return out;
  }
  if (typeof f.type === 'string') return readPrimitive(r, f.type, flexible, nullable);
  // A nullable struct is preceded by an int8 presence marker.
  if (nullable && r.int8() < 0) return null;
  return decodeStruct(r, f.type, version, flexible);
}

/** Reads one struct of `fields` at `version`; absent fields get their defaults. */
export function decodeStruct(
  r: ByteReader,
  fields: readonly Field[],
  version: number,
  flexible: boolean,
): Struct {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!within(version, f.versions)) {
      out[f.name] = defaultOf(f, version);
      continue;
    }
    if (f.tag !== undefined) {
      out[f.name] = defaultOf(f, version);
      continue;
    }
    out[f.name] = readValue(r, f, version, flexible);
  }
  if (flexible) readTaggedFields(r, fields, version, out);
  return out;
}

function readTaggedFields(
  r: ByteReader,
  fields: readonly Field[],
  version: number,
  out: Record<string, unknown>,
): void {
  const count = r.unsignedVarint();
  if (count > r.remaining) throw new MalformedRequestError(`${count} tagged fields in ${r.remaining} bytes`);
  for (let i = 0; i < count; i++) {
    const tag = r.unsignedVarint();
    const size = r.unsignedVarint();
    const body = r.bytesOf(size, 'tagged field');
    const f = fields.find((x) => x.tag === tag && within(version, x.versions));
    // Unknown tags are skipped: tagged fields may be added without a version bump.
    if (f === undefined) continue;
    out[f.name] = readValue(new ByteReader(body), f, version, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

function writePrimitive(w: ByteWriter, type: Primitive, compact: boolean, value: unknown): void {
  switch (type) {
    case 'int8':
      w.int8(value as number);
      return;
    case 'int16':
      w.int16(value as number);
      return;
    case 'uint16':
      w.uint16(value as number);
      return;
    case 'int32':
      w.int32(value as number);
      return;
    case 'int64':
      w.int64(value as number);
      return;
    case 'float64':
      w.float64(value as number);
      return;
    case 'bool':
      w.bool(value as boolean);
      return;
    case 'uuid':
      w.uuid(value as Buffer | null);
      return;
    case 'string':
      w.string(value as string | null, compact);
      return;
    case 'bytes':
      w.bytes(value as Buffer | null, compact);
      return;
    case 'records': {
      // A fetch's batches: one Buffer or several, attached by reference rather than copied.
      const v = value as Buffer | readonly Buffer[] | null;
      if (v === null || Buffer.isBuffer(v)) {
        if (v === null) w.bytes(null, compact);
        else {
          w.length(v.length, compact, true);
          w.attach(v);
        }
        return;
      }
      let size = 0;
      for (const b of v) size += b.length;
      w.length(size, compact, true);
      for (const b of v) w.attach(b);
      return;
    }
  }
}

function writeValue(w: ByteWriter, f: Field, version: number, flexible: boolean, value: unknown): void {
  if (f.array) {
    const items = value as readonly unknown[] | null;
    if (items === null) {
      w.length(-1, flexible, true);
      return;
    }
    w.length(items.length, flexible, true);
    for (const item of items) {
      if (typeof f.type === 'string') writePrimitive(w, f.type, flexible, item);
      else encodeStruct(w, f.type, version, flexible, item as Struct);
    }
    return;
  }
  if (typeof f.type === 'string') {
    writePrimitive(w, f.type, flexible, value);
    return;
  }
  if (within(version, f.nullable)) {
    if (value === null) {
      w.int8(-1);
      return;
    }
    w.int8(1);
  }
  encodeStruct(w, f.type, version, flexible, value as Struct);
}

function fieldValue(f: Field, version: number, s: Struct): unknown {
  const v = s[f.name];
  return v === undefined ? defaultOf(f, version) : v;
}

/** Writes one struct of `fields` at `version`. Missing values are written as their defaults. */
export function encodeStruct(
  w: ByteWriter,
  fields: readonly Field[],
  version: number,
  flexible: boolean,
  s: Struct,
): void {
  let tagged: Field[] | undefined;
  for (const f of fields) {
    if (!within(version, f.versions)) continue;
    if (f.tag !== undefined) {
      if (flexible && s[f.name] !== undefined) {
        tagged ??= [];
        tagged.push(f);
      }
      continue;
    }
    writeValue(w, f, version, flexible, fieldValue(f, version, s));
  }
  if (!flexible) return;
  if (tagged === undefined) {
    w.unsignedVarint(0);
    return;
  }
  tagged.sort((a, b) => (a.tag as number) - (b.tag as number));
  w.unsignedVarint(tagged.length);
  for (const f of tagged) {
    const inner = new ByteWriter(64);
    writeValue(inner, f, version, true, s[f.name]);
    const body = inner.result();
    w.unsignedVarint(f.tag as number);
    w.unsignedVarint(body.length);
    w.raw(body);
  }
}
