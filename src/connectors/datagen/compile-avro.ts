import {
  arraySchema,
  type ConnectValue,
  dateSchema,
  decimalSchema,
  mapSchema,
  type Schema,
  Schemas,
  Struct,
  structSchema,
  timestampSchema,
} from '../../connect/api/index.js';
import { type ArgProperties, iterationValue, readArgProperties } from './arg-properties.js';
import { isObject, type Json, type JsonObject, SchemaError } from './avro-json.js';
import { regexGenerator, type SeededRandom } from './seeded-random.js';

/** One Avro type, compiled: its Connect schema and how to make a value of it. */
export interface GeneratedType {
  readonly schema: Schema;
  generate(): ConnectValue;
  /** Converts a JSON value (an `options` entry) to this type's Connect value. */
  fromJson(value: Json): ConnectValue;
}

interface Context {
  readonly random: SeededRandom;
  /** Where every iteration counter starts: the records already generated (resumed offsets). */
  readonly firstIteration: number;
  readonly named: Map<string, GeneratedType>;
}

const INT_MAX = 2 ** 31 - 1;
const LONG_MAX = Number.MAX_SAFE_INTEGER;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Compiles an Avro schema (JSON) into a generator of Connect values following its arg.properties. */
export function compileAvroSchema(json: Json, random: SeededRandom, firstIteration = 0): GeneratedType {
  return compile(json, { random, firstIteration, named: new Map() }, null);
}

function withOptional(type: GeneratedType): GeneratedType {
  return { ...type, schema: { ...type.schema, optional: true } };
}

function compile(json: Json, ctx: Context, namespace: string | null): GeneratedType {
  if (typeof json === 'string') {
    const named = ctx.named.get(json) ?? (namespace ? ctx.named.get(`${namespace}.${json}`) : undefined);
    if (named !== undefined) return named;
    return compileObject({ type: json }, ctx, namespace);
  }
  if (Array.isArray(json)) return compileUnion(json, ctx, namespace);
  if (isObject(json)) return compileObject(json, ctx, namespace);
  throw new SchemaError(`${JSON.stringify(json)} is not an Avro type`);
}

function compileUnion(branches: readonly Json[], ctx: Context, namespace: string | null): GeneratedType {
  const nonNull = branches.filter((b) => b !== 'null');
  if (nonNull.length === 1 && branches.length === 2) {
    // ["null", X] is an optional X; the generator picks either branch uniformly, as upstream does.
    const inner = withOptional(compile(nonNull[0], ctx, namespace));
    return {
      schema: inner.schema,
      generate: () => (ctx.random.below(2) === 0 ? null : inner.generate()),
      fromJson: (v) => (v === null ? null : inner.fromJson(v)),
    };
  }
  throw new SchemaError(`unions other than ["null", <type>] are not supported: ${JSON.stringify(branches)}`);
}

function fullName(type: JsonObject, namespace: string | null): string {
  const name = type.name;
  if (typeof name !== 'string' || name === '') throw new SchemaError(`a ${String(type.type)} needs a name`);
  if (name.includes('.')) return name;
  const ns = typeof type.namespace === 'string' ? type.namespace : namespace;
  return ns ? `${ns}.${name}` : name;
}

/** Options take precedence over everything else: a uniform pick, converted to the type. */
function withOptions(type: GeneratedType, props: ArgProperties, random: SeededRandom): GeneratedType {
  if (props.options === undefined) return type;
  const values = props.options.map((o) => type.fromJson(o));
  return { ...type, generate: () => values[random.below(values.length)] };
}

function compileObject(type: JsonObject, ctx: Context, namespace: string | null): GeneratedType {
  const props = readArgProperties(type);
  const t = type.type;
  if (typeof t !== 'string') return withOptions(compile(t ?? null, ctx, namespace), props, ctx.random);
  const base = compileNamedOrPrimitive(t, type, props, ctx, namespace);
  return withOptions(base, props, ctx.random);
}

function compileNamedOrPrimitive(
  t: string,
  type: JsonObject,
  props: ArgProperties,
  ctx: Context,
  namespace: string | null,
): GeneratedType {
  const { random } = ctx;
  switch (t) {
    case 'record':
    case 'error':
      return compileRecord(type, ctx, namespace);
    case 'enum': {
      const symbols = type.symbols;
      if (!Array.isArray(symbols) || symbols.length === 0 || !symbols.every((s) => typeof s === 'string')) {
        throw new SchemaError('an enum needs a non-empty list of symbols');
      }
      const result: GeneratedType = {
        schema: Schemas.STRING,
        generate: () => symbols[random.below(symbols.length)] as string,
        fromJson: (v) => String(v),
      };
      ctx.named.set(fullName(type, namespace), result);
      return result;
    }
    case 'array': {
      if (type.items === undefined) throw new SchemaError('an array needs items');
      const items = compile(type.items, ctx, namespace);
      const size = lengthOf(props, random);
      return {
        schema: arraySchema(items.schema),
        generate: () => Array.from({ length: size() }, () => items.generate()),
        fromJson: (v) => (Array.isArray(v) ? v.map((x) => items.fromJson(x)) : []),
      };
    }
    case 'map': {
      if (type.values === undefined) throw new SchemaError('a map needs values');
      const values = compile(type.values, ctx, namespace);
      const keys = compileObject({ type: 'string', 'arg.properties': props.keys ?? {} }, ctx, namespace);
      const size = lengthOf(props, random);
      return {
        schema: mapSchema(Schemas.STRING, values.schema),
        generate: () => {
          const map = new Map<ConnectValue, ConnectValue>();
          for (let i = size(); i > 0; i--) map.set(keys.generate(), values.generate());
          return map;
        },
        fromJson: (v) =>
          new Map(
            isObject(v)
              ? Object.entries(v).map(([k, x]): [ConnectValue, ConnectValue] => [k, values.fromJson(x)])
              : [],
          ),
      };
    }
    case 'fixed': {
      const size = type.size;
      if (typeof size !== 'number') throw new SchemaError('a fixed needs a size');
      const result: GeneratedType = {
        schema: Schemas.BYTES,
        generate: () => randomBytes(size, random),
        fromJson: (v) => Buffer.from(String(v), 'latin1'),
      };
      ctx.named.set(fullName(type, namespace), result);
      return result;
    }
    default:
      return compilePrimitive(t, type, props, ctx);
  }
}

function compileRecord(type: JsonObject, ctx: Context, namespace: string | null): GeneratedType {
  const name = fullName(type, namespace);
  const ownNamespace = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : null;
  const fieldsJson = type.fields;
  if (!Array.isArray(fieldsJson)) throw new SchemaError(`record ${name} needs a list of fields`);
  const fields = fieldsJson.map((f) => {
    if (!isObject(f) || typeof f.name !== 'string' || f.type === undefined) {
      throw new SchemaError(`record ${name} has a field without a name or type`);
    }
    return { name: f.name, type: compile(f.type, ctx, ownNamespace) };
  });
  const schema = structSchema(
    fields.map((f) => ({ name: f.name, schema: f.type.schema })),
    { name },
  );
  const result: GeneratedType = {
    schema,
    generate: () => {
      const struct = new Struct(schema);
      for (const f of fields) struct.put(f.name, f.type.generate());
      return struct;
    },
    fromJson: (v) => {
      const struct = new Struct(schema);
      const obj = isObject(v) ? v : {};
      for (const f of fields)
        struct.put(f.name, obj[f.name] === undefined ? null : f.type.fromJson(obj[f.name]));
      return struct;
    },
  };
  ctx.named.set(name, result);
  return result;
}

function lengthOf(props: ArgProperties, random: SeededRandom): () => number {
  const { min, max } = props.length ?? { min: 8, max: 16 };
  return () => min + random.below(Math.max(1, max - min));
}

function randomBytes(n: number, random: SeededRandom): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = random.below(256);
  return bytes;
}

/** A counter per iteration-annotated type, starting where the resumed task left off. */
function iterator(props: ArgProperties, ctx: Context, typeMax: number): (() => number) | null {
  const it = props.iteration;
  if (it === undefined) return null;
  let n = ctx.firstIteration;
  return () => iterationValue(it, n++, typeMax);
}

function rangeOf(props: ArgProperties, random: SeededRandom, defaults: { min: number; max: number }) {
  const min = props.range?.min ?? defaults.min;
  const max = props.range?.max ?? defaults.max;
  if (min >= max) throw new SchemaError('range.min must be less than range.max');
  return () => min + random.nextDouble() * (max - min);
}

function compilePrimitive(t: string, type: JsonObject, props: ArgProperties, ctx: Context): GeneratedType {
  const { random } = ctx;
  const logical = type.logicalType;
  switch (t) {
    case 'null':
      return { schema: Schemas.OPTIONAL_STRING, generate: () => null, fromJson: () => null };
    case 'boolean': {
      const it = iterator(props, ctx, 2);
      const odds = props.odds ?? 0.5;
      return {
        schema: Schemas.BOOLEAN,
        generate: it ? () => it() % 2 === 1 : () => random.nextDouble() < odds,
        fromJson: (v) => v === true,
      };
    }
    case 'int': {
      const it = iterator(props, ctx, INT_MAX);
      const range = props.range ? rangeOf(props, random, { min: 0, max: INT_MAX }) : null;
      const make = it ?? (range ? () => Math.floor(range()) : () => random.nextInt());
      if (logical === 'date') {
        return {
          schema: dateSchema(),
          generate: () => new Date(make() * 86_400_000),
          fromJson: (v) => new Date(Number(v) * 86_400_000),
        };
      }
      return { schema: Schemas.INT32, generate: make, fromJson: (v) => Math.trunc(Number(v)) };
    }
    case 'long': {
      const it = iterator(props, ctx, LONG_MAX);
      const range = props.range ? rangeOf(props, random, { min: 0, max: LONG_MAX }) : null;
      const make: () => number | bigint = it ?? (range ? () => Math.floor(range()) : () => random.nextLong());
      if (logical === 'timestamp-millis') {
        return {
          schema: timestampSchema(),
          generate: () => new Date(Number(make())),
          fromJson: (v) => new Date(Number(v)),
        };
      }
      return { schema: Schemas.INT64, generate: make, fromJson: (v) => Math.trunc(Number(v)) };
    }
    case 'float':
    case 'double': {
      const it = iterator(props, ctx, t === 'float' ? 3.4e38 : Number.MAX_VALUE);
      const range = rangeOf(props, random, { min: 0, max: 1 });
      return {
        schema: t === 'float' ? Schemas.FLOAT32 : Schemas.FLOAT64,
        generate: it ?? range,
        fromJson: (v) => Number(v),
      };
    }
    case 'bytes': {
      if (logical === 'decimal') return compileDecimal(type, random);
      const size = lengthOf(props, random);
      return {
        schema: Schemas.BYTES,
        generate: () => randomBytes(size(), random),
        fromJson: (v) => Buffer.from(String(v), 'latin1'),
      };
    }
    case 'string':
      return compileString(props, ctx);
    default:
      throw new SchemaError(`unknown type '${t}'`);
  }
}

function compileString(props: ArgProperties, ctx: Context): GeneratedType {
  const { random } = ctx;
  const it = iterator(props, ctx, LONG_MAX);
  let make: () => string;
  if (it) make = () => String(it());
  else if (props.regex !== undefined) {
    try {
      make = regexGenerator(props.regex, random);
    } catch (err) {
      throw new SchemaError(`regex ${props.regex} cannot be used: ${(err as Error).message}`);
    }
  } else {
    const size = lengthOf(props, random);
    make = () => {
      let s = '';
      for (let i = size(); i > 0; i--) s += ALPHANUMERIC[random.below(ALPHANUMERIC.length)];
      return s;
    };
  }
  const { prefix = '', suffix = '' } = props;
  return {
    schema: Schemas.STRING,
    generate: prefix || suffix ? () => prefix + make() + suffix : make,
    fromJson: (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
  };
}

/** Decimal values are their unscaled two's-complement bytes, as Connect's Decimal serialises them. */
function compileDecimal(type: JsonObject, random: SeededRandom): GeneratedType {
  const scale = typeof type.scale === 'number' ? type.scale : 0;
  const precision = typeof type.precision === 'number' ? type.precision : 10;
  const limit = 10 ** Math.min(precision, 15);
  const toBytes = (unscaled: bigint): Uint8Array => {
    let hex = BigInt.asUintN(64, unscaled).toString(16).padStart(16, '0');
    // Trim redundant sign bytes.
    while (
      hex.length > 2 &&
      ((hex.startsWith('00') && Number.parseInt(hex[2], 16) < 8) ||
        (hex.startsWith('ff') && Number.parseInt(hex[2], 16) >= 8))
    )
      hex = hex.slice(2);
    return Uint8Array.from(Buffer.from(hex, 'hex'));
  };
  return {
    schema: decimalSchema(scale),
    generate: () => toBytes(BigInt(random.below(limit))),
    fromJson: (v) => toBytes(BigInt(Math.round(Number(v) * 10 ** scale))),
  };
}
