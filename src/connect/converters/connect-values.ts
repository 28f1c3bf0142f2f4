import { type ConnectValue, type Schema, Struct } from '../api/index.js';

/**
 * Small facts about Connect values shared by converters and transforms: which JavaScript values
 * stand for a schemaless map, how to name a value's type in an error, and 64-bit integers kept as
 * numbers while they are exact.
 */

export type SchemalessMap =
  | ReadonlyMap<ConnectValue, ConnectValue>
  | { readonly [key: string]: ConnectValue };

/** A plain object used as a string-keyed map (not a Struct, Date, array or bytes). */
export function isPlainObject(value: ConnectValue): value is { readonly [key: string]: ConnectValue } {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isSchemalessMap(value: ConnectValue): value is SchemalessMap {
  return value instanceof Map || isPlainObject(value);
}

/** The entries of a schemaless map, in order. */
export function mapEntries(value: SchemalessMap): [ConnectValue, ConnectValue][] {
  return value instanceof Map ? [...value.entries()] : Object.entries(value);
}

/** Builds a map shaped like `like`: a Map stays a Map, a plain object stays a plain object. */
export function mapLike(
  like: SchemalessMap,
  entries: Iterable<readonly [string, ConnectValue]>,
): SchemalessMap {
  if (like instanceof Map) return new Map(entries);
  const out: Record<string, ConnectValue> = {};
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** The value at `key` of a schemaless map, null when absent (as Java's Map.get). */
export function mapGet(value: SchemalessMap, key: string): ConnectValue {
  if (value instanceof Map) return value.get(key) ?? null;
  return Object.hasOwn(value, key) ? (value as { readonly [key: string]: ConnectValue })[key] : null;
}

/** A value's type as error messages name it. */
export function typeName(value: ConnectValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Struct) return 'Struct';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Date) return 'Date';
  if (value instanceof Map) return 'Map';
  if (Array.isArray(value)) return 'array';
  if (isPlainObject(value)) return 'object';
  return typeof value;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A 64-bit integer as a number when exact, otherwise a bigint. */
export function int64Value(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** True for an integral number or a bigint within the signed range of `bits`. */
export function fitsSignedBits(value: number | bigint, bits: number): boolean {
  if (typeof value === 'number' && !Number.isInteger(value)) return false;
  const n = BigInt(value);
  if (bits === 64) return n >= INT64_MIN && n <= INT64_MAX;
  const limit = 1n << BigInt(bits - 1);
  return n >= -limit && n < limit;
}

/** Schema equality as Kafka's ConnectSchema.equals: same shape, names, parameters and defaults. */
export function schemasEqual(a: Schema | null | undefined, b: Schema | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (
    a.type !== b.type ||
    a.optional !== b.optional ||
    a.name !== b.name ||
    a.version !== b.version ||
    a.doc !== b.doc ||
    !sameParameters(a.parameters, b.parameters) ||
    !schemasEqual(a.keySchema, b.keySchema) ||
    !schemasEqual(a.valueSchema, b.valueSchema) ||
    !valuesEqual(a.defaultValue ?? null, b.defaultValue ?? null)
  )
    return false;
  const fa = a.fields ?? [];
  const fb = b.fields ?? [];
  return (
    fa.length === fb.length &&
    fa.every((f, i) => f.name === fb[i].name && schemasEqual(f.schema, fb[i].schema))
  );
}

function sameParameters(a?: Readonly<Record<string, string>>, b?: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a?.[k] === b?.[k]);
}

/** Deep equality of Connect values (Struct, Map, arrays, bytes, dates). */
export function valuesEqual(a: ConnectValue, b: ConnectValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // A 64-bit integer may be a number or a bigint; the two are equal when they hold the same integer.
    if (typeof a === 'bigint' && typeof b === 'number') return Number.isInteger(b) && a === BigInt(b);
    if (typeof a === 'number' && typeof b === 'bigint') return Number.isInteger(a) && BigInt(a) === b;
    return false;
  }
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  if (a instanceof Struct) {
    return (
      b instanceof Struct &&
      schemasEqual(a.schema, b.schema) &&
      (a.schema.fields ?? []).every((f) => valuesEqual(a.get(f.name), b.get(f.name)))
    );
  }
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  if (isSchemalessMap(a) && isSchemalessMap(b)) {
    const ea = mapEntries(a);
    const eb = mapEntries(b);
    return (
      ea.length === eb.length && ea.every(([k, v], i) => valuesEqual(k, eb[i][0]) && valuesEqual(v, eb[i][1]))
    );
  }
  return false;
}
