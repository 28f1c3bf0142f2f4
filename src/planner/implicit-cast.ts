// ksqlDB's implicit conversions: numbers widen INTEGER → BIGINT → DECIMAL → DOUBLE, and lists of
// values (CASE branches, IN lists, ARRAY/MAP elements) meet at their narrowest common type.
import { decimalToNumber, pow10, rescaleDecimal } from '../serde/index.js';
import type { Decimal, SqlValue, StructValue } from '../types/index.js';
import {
  decimalOf,
  isNumeric,
  type SqlType,
  type StructField,
  typesEqual,
  widerNumeric,
} from '../types/index.js';
import { type CompiledNode, node } from './compiled-node.js';

/** Converts one non-null value; never called with null. */
export type ValueConverter = (value: SqlValue) => SqlValue;

export { decimalOf, isNumeric, widerNumeric };

/**
 * The type two values meet at, `null` when both are untyped NULLs, or undefined when they cannot
 * meet. Structs meet at the union of their fields, as ksqlDB's coercion of user lists does.
 */
export function commonType(a: SqlType | null, b: SqlType | null): SqlType | null | undefined {
  if (a === null) return b;
  if (b === null || typesEqual(a, b)) return a;
  if (isNumeric(a) && isNumeric(b)) return widerNumeric(a, b);
  if (a.kind === 'ARRAY' && b.kind === 'ARRAY') {
    const element = commonType(a.element, b.element);
    return element ? { kind: 'ARRAY', element } : undefined;
  }
  if (a.kind === 'MAP' && b.kind === 'MAP') {
    const key = commonType(a.key, b.key);
    const value = commonType(a.value, b.value);
    return key && value ? { kind: 'MAP', key, value } : undefined;
  }
  if (a.kind === 'STRUCT' && b.kind === 'STRUCT') {
    const fields: StructField[] = [...a.fields];
    for (const f of b.fields) {
      const at = fields.findIndex((g) => g.name === f.name);
      if (at < 0) {
        fields.push(f);
        continue;
      }
      const type = commonType(fields[at].type, f.type);
      if (!type) return undefined;
      fields[at] = { name: f.name, type };
    }
    return { kind: 'STRUCT', fields };
  }
  return undefined;
}

/** Whether values of `from` convert to `to` implicitly (the direction commonType goes). */
export function canWiden(from: SqlType, to: SqlType): boolean {
  const common = commonType(from, to);
  return common !== undefined && common !== null && typesEqual(common, to);
}

const toBigint: ValueConverter = (v) => BigInt(v as number);
const integralToDouble: ValueConverter = (v) => Number(v as number | bigint);
const decimalToDouble: ValueConverter = (v) => decimalToNumber(v as Decimal);

/** An integral value as a Decimal with the given scale. */
export function integralToDecimal(v: number | bigint, scale: number): Decimal {
  const unscaled = BigInt(v);
  return { unscaled: scale === 0 ? unscaled : unscaled * pow10(scale), scale };
}

/**
 * The conversion of values from `from` to the wider `to`, or undefined when none is needed. Only
 * for pairs where canWiden holds; the scale of a decimal only ever grows, so nothing rounds.
 */
export function widening(from: SqlType, to: SqlType): ValueConverter | undefined {
  if (typesEqual(from, to)) return undefined;
  switch (to.kind) {
    case 'BIGINT':
      return from.kind === 'INTEGER' ? toBigint : undefined;
    case 'DOUBLE':
      if (from.kind === 'DECIMAL') return decimalToDouble;
      return from.kind === 'BIGINT' ? integralToDouble : undefined;
    case 'DECIMAL': {
      const scale = to.scale;
      if (from.kind === 'DECIMAL') {
        return from.scale === scale ? undefined : (v) => rescaleDecimal(v as Decimal, scale);
      }
      return (v) => integralToDecimal(v as number | bigint, scale);
    }
    case 'ARRAY': {
      if (from.kind !== 'ARRAY') return undefined;
      const convert = widening(from.element, to.element);
      return convert && ((v) => (v as readonly SqlValue[]).map((e) => (e === null ? null : convert(e))));
    }
    case 'MAP': {
      if (from.kind !== 'MAP') return undefined;
      const key = widening(from.key, to.key) ?? same;
      const value = widening(from.value, to.value) ?? same;
      if (key === same && value === same) return undefined;
      return (v) => {
        const out = new Map<SqlValue, SqlValue>();
        for (const [k, x] of v as ReadonlyMap<SqlValue, SqlValue>) {
          out.set(k === null ? null : key(k), x === null ? null : value(x));
        }
        return out;
      };
    }
    case 'STRUCT': {
      if (from.kind !== 'STRUCT') return undefined;
      const parts = to.fields.map((f) => {
        const source = from.fields.find((g) => g.name === f.name);
        return {
          name: f.name,
          present: source !== undefined,
          convert: source && widening(source.type, f.type),
        };
      });
      return (v) => {
        const input = v as StructValue;
        const out: Record<string, SqlValue> = {};
        for (const p of parts) {
          const x = p.present ? (input[p.name] ?? null) : null;
          out[p.name] = x === null || !p.convert ? x : p.convert(x);
        }
        return out;
      };
    }
    default:
      return undefined;
  }
}

const same: ValueConverter = (v) => v;

/** The node with its values converted to the wider type `to`. */
export function widenNode(n: CompiledNode, to: SqlType): CompiledNode {
  if (n.type === null) return { ...n, type: to };
  const convert = widening(n.type, to);
  if (!convert) return n.type === to ? n : { ...n, type: to };
  const inner = n.evaluate;
  return node(
    to,
    (row) => {
      const v = inner(row);
      return v === null ? null : convert(v);
    },
    n.constant,
  );
}
