// = <> < <= > >= with ksqlDB's rules (ComparisonUtil) for which types compare: numbers with numbers,
// strings with strings or temporal types, DATE with TIMESTAMP, booleans and collections for
// equality only. Values are compared after converting both sides to one representation.
import { compareDecimals, decimalToNumber, parseDecimal } from '../serde/index.js';
import type { Decimal, SqlType, SqlValue, StructValue } from '../types/index.js';
import type { Evaluator } from './compiled-node.js';
import { integralToDecimal, isNumeric, type ValueConverter } from './implicit-cast.js';
import { MS_PER_DAY, parseDate, parseTime, parseTimestamp } from './temporal-text.js';

export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** Tests two non-null values. */
export type ValueTest = (a: SqlValue, b: SqlValue) => boolean;

const isEquality = (op: ComparisonOperator): boolean => op === '=' || op === '<>';

/**
 * How to compare non-null values of the two types: convert each side (undefined = as is), then
 * apply `test`. Undefined when ksqlDB does not allow the comparison.
 */
export interface ComparisonPlan {
  readonly convertLeft: ValueConverter | undefined;
  readonly convertRight: ValueConverter | undefined;
  readonly test: ValueTest;
  /** `test` is JavaScript's own operator on the converted values. */
  readonly native: boolean;
}

export function planComparison(
  op: ComparisonOperator,
  left: SqlType,
  right: SqlType,
): ComparisonPlan | undefined {
  if (isNumeric(left) && isNumeric(right)) return numericPlan(op, left, right);
  const l = left.kind;
  const r = right.kind;
  if (l === 'STRING' && r === 'STRING') return plan(undefined, undefined, primitiveTest(op));
  if (isTemporal(left) || isTemporal(right)) return temporalPlan(op, left, right);
  if (l === 'BOOLEAN' && r === 'BOOLEAN' && isEquality(op))
    return plan(undefined, undefined, primitiveTest(op));
  if (l === 'BYTES' && r === 'BYTES') return plan(undefined, undefined, orderTest(op, compareBytes));
  if ((l === 'ARRAY' || l === 'MAP' || l === 'STRUCT') && l === r && isEquality(op)) {
    return plan(undefined, undefined, op === '=' ? valuesEqual : (a, b) => !valuesEqual(a, b));
  }
  return undefined;
}

function plan(
  convertLeft: ValueConverter | undefined,
  convertRight: ValueConverter | undefined,
  test: ValueTest,
): ComparisonPlan {
  return { convertLeft, convertRight, test, native: NATIVE_TESTS.has(test) };
}

function isTemporal(type: SqlType): boolean {
  return type.kind === 'DATE' || type.kind === 'TIME' || type.kind === 'TIMESTAMP';
}

function numericPlan(op: ComparisonOperator, left: SqlType, right: SqlType): ComparisonPlan {
  const l = left.kind;
  const r = right.kind;
  if (l === 'DECIMAL' || r === 'DECIMAL') {
    if (l === 'DOUBLE' || r === 'DOUBLE') {
      return plan(
        l === 'DECIMAL' ? withNearestDouble : undefined,
        r === 'DECIMAL' ? withNearestDouble : undefined,
        orderTest(op, doubleDecimalOrder),
      );
    }
    return plan(toDecimal(left), toDecimal(right), orderTest(op, decimalOrder));
  }
  if (l === 'DOUBLE' || r === 'DOUBLE') {
    const toNumber = (v: SqlValue) => Number(v as bigint);
    return plan(
      l === 'BIGINT' ? toNumber : undefined,
      r === 'BIGINT' ? toNumber : undefined,
      primitiveTest(op),
    );
  }
  if (l !== r) {
    const toBigint = (v: SqlValue) => BigInt(v as number);
    return plan(
      l === 'INTEGER' ? toBigint : undefined,
      r === 'INTEGER' ? toBigint : undefined,
      primitiveTest(op),
    );
  }
  return plan(undefined, undefined, primitiveTest(op));
}

function toDecimal(type: SqlType): ValueConverter | undefined {
  return type.kind === 'DECIMAL' ? undefined : (v) => integralToDecimal(v as number | bigint, 0);
}

function decimalOrder(a: SqlValue, b: SqlValue): number {
  return compareDecimals(a as Decimal, b as Decimal);
}

/** A decimal beside its nearest double, so most comparisons with a double need no decimal work. */
interface DecimalWithDouble {
  readonly decimal: Decimal;
  readonly nearest: number;
}

const withNearestDouble: ValueConverter = (v) =>
  ({ decimal: v as Decimal, nearest: decimalToNumber(v as Decimal) }) as unknown as SqlValue;

/**
 * ksqlDB compares a DOUBLE with a DECIMAL as BigDecimal.valueOf(double) (its shortest digits)
 * against the decimal. Rounding to double is monotonic, so when the decimal's nearest double
 * differs from the double the order is already known; only a tie needs the exact comparison.
 */
function doubleDecimalOrder(a: SqlValue, b: SqlValue): number {
  if (typeof a === 'number') return -decimalAgainstDouble(b as unknown as DecimalWithDouble, a);
  return decimalAgainstDouble(a as unknown as DecimalWithDouble, b as number);
}

function decimalAgainstDouble(x: DecimalWithDouble, d: number): number {
  if (Number.isNaN(d)) return Number.NaN; // NaN: every ordered test is false, <> is true
  if (x.nearest < d) return -1;
  if (x.nearest > d) return 1;
  return Number.isFinite(d) ? compareDecimals(x.decimal, parseDecimal(String(d))) : 0;
}

/**
 * TIME compares with TIME or text; DATE and TIMESTAMP compare with each other or text. Text is
 * read in the other side's format; a DATE meeting a TIMESTAMP becomes the start of its day.
 */
function temporalPlan(op: ComparisonOperator, left: SqlType, right: SqlType): ComparisonPlan | undefined {
  const kinds = new Set([left.kind, right.kind]);
  let target: 'TIME' | 'DATE' | 'TIMESTAMP';
  if (kinds.has('TIME')) {
    if (kinds.has('DATE') || kinds.has('TIMESTAMP')) return undefined;
    target = 'TIME';
  } else target = kinds.has('TIMESTAMP') ? 'TIMESTAMP' : 'DATE';
  const l = toTemporal(left, target);
  const r = toTemporal(right, target);
  if (l === null || r === null) return undefined;
  return plan(l, r, primitiveTest(op));
}

function toTemporal(type: SqlType, target: 'TIME' | 'DATE' | 'TIMESTAMP'): ValueConverter | undefined | null {
  if (type.kind === target) return undefined;
  if (type.kind === 'STRING') {
    if (target === 'TIME') return (v) => parseTime(v as string);
    return target === 'DATE' ? (v) => parseDate(v as string) : (v) => parseTimestamp(v as string);
  }
  if (type.kind === 'DATE' && target === 'TIMESTAMP') return (v) => (v as number) * MS_PER_DAY;
  return null;
}

// JavaScript's operators on two numbers, two bigints or two strings (UTF-16 order, as Java).
const PRIMITIVE_TESTS: Record<ComparisonOperator, ValueTest> = {
  '=': (a, b) => a === b,
  '<>': (a, b) => a !== b,
  '<': (a, b) => (a as number) < (b as number),
  '<=': (a, b) => (a as number) <= (b as number),
  '>': (a, b) => (a as number) > (b as number),
  '>=': (a, b) => (a as number) >= (b as number),
};
const NATIVE_TESTS: ReadonlySet<ValueTest> = new Set(Object.values(PRIMITIVE_TESTS));

function primitiveTest(op: ComparisonOperator): ValueTest {
  return PRIMITIVE_TESTS[op];
}

function orderTest(op: ComparisonOperator, order: (a: SqlValue, b: SqlValue) => number): ValueTest {
  switch (op) {
    case '=':
      return (a, b) => order(a, b) === 0;
    case '<>':
      return (a, b) => order(a, b) !== 0;
    case '<':
      return (a, b) => order(a, b) < 0;
    case '<=':
      return (a, b) => order(a, b) <= 0;
    case '>':
      return (a, b) => order(a, b) > 0;
    case '>=':
      return (a, b) => order(a, b) >= 0;
  }
}

function compareBytes(a: SqlValue, b: SqlValue): number {
  const x = a as Uint8Array;
  const y = b as Uint8Array;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function isDecimalValue(v: SqlValue): v is Decimal {
  return typeof v === 'object' && v !== null && typeof (v as Decimal).unscaled === 'bigint';
}

/** Deep equality of two values of one type, as Java's equals on ksqlDB's values (NULL equals NULL inside). */
export function valuesEqual(a: SqlValue, b: SqlValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (isDecimalValue(a)) return isDecimalValue(b) && compareDecimals(a, b) === 0;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && compareBytes(a, b) === 0;
  if (Array.isArray(a)) {
    const y = b as readonly SqlValue[];
    if (!Array.isArray(y) || a.length !== y.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], y[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !valuesEqual(v, b.get(k) ?? null)) return false;
    return true;
  }
  const x = a as StructValue;
  const y = b as StructValue;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) if (!valuesEqual(x[k], y[k] ?? null)) return false;
  return true;
}

/** Applies a converter to an evaluator's non-null values. */
export function converted(evaluate: Evaluator, convert: ValueConverter | undefined): Evaluator {
  if (!convert) return evaluate;
  return (row) => {
    const v = evaluate(row);
    return v === null ? null : convert(v);
  };
}

/**
 * `left op right` with SQL's three-valued result: NULL when either side is NULL. A constant right
 * side (`x > 10`, the usual shape) is read once, not per row.
 */
export function comparisonEvaluator(
  op: ComparisonOperator,
  comparison: ComparisonPlan,
  left: Evaluator,
  right: Evaluator,
  rightConstant: boolean,
): Evaluator {
  // ksqlDB's generated code tests for null first and answers FALSE (SqlToJavaVisitor's null check),
  // so a comparison is never NULL: `NOT (x = 1)` is TRUE for a NULL x.
  const l = converted(left, comparison.convertLeft);
  const r = converted(right, comparison.convertRight);
  const test = comparison.test;
  const b = rightConstant ? constantValue(r) : undefined;
  if (b !== undefined) {
    if (b === null) return () => false;
    if (comparison.native) return nativeAgainstConstant(op, l, b);
    return (row) => {
      const a = l(row);
      return a === null ? false : test(a, b);
    };
  }
  return (row) => {
    const a = l(row);
    if (a === null) return false;
    const b = r(row);
    return b === null ? false : test(a, b);
  };
}

/** The value of a constant evaluator, or undefined when it fails (then it fails per row instead). */
function constantValue(evaluate: Evaluator): SqlValue | undefined {
  try {
    return evaluate([]);
  } catch {
    return undefined;
  }
}

function nativeAgainstConstant(op: ComparisonOperator, left: Evaluator, b: SqlValue): Evaluator {
  const n = b as number;
  switch (op) {
    case '=':
      return (row) => {
        const a = left(row);
        return a === null ? false : a === b;
      };
    case '<>':
      return (row) => {
        const a = left(row);
        return a === null ? false : a !== b;
      };
    case '<':
      return (row) => {
        const a = left(row);
        return a === null ? false : (a as number) < n;
      };
    case '<=':
      return (row) => {
        const a = left(row);
        return a === null ? false : (a as number) <= n;
      };
    case '>':
      return (row) => {
        const a = left(row);
        return a === null ? false : (a as number) > n;
      };
    case '>=':
      return (row) => {
        const a = left(row);
        return a === null ? false : (a as number) >= n;
      };
  }
}
