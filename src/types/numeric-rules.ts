// ksqlDB's numeric type rules, in one place for the planner and the function registry: implicit
// widening INTEGER → BIGINT → DECIMAL → DOUBLE, and the DECIMAL precision and scale of arithmetic.
import { BIGINT, type DecimalType, DOUBLE, decimal, type SqlType } from './sql-type.js';

/** How far a numeric type widens, in ksqlDB's order INTEGER → BIGINT → DECIMAL → DOUBLE. */
export const NUMERIC_RANK: Readonly<Partial<Record<SqlType['kind'], number>>> = {
  INTEGER: 0,
  BIGINT: 1,
  DECIMAL: 2,
  DOUBLE: 3,
};

export function isNumeric(type: SqlType): boolean {
  return NUMERIC_RANK[type.kind] !== undefined;
}

/** The DECIMAL an integral type converts to without loss (ksqlDB's DecimalUtil.toSqlDecimal). */
export function decimalOf(type: SqlType): DecimalType {
  switch (type.kind) {
    case 'DECIMAL':
      return type;
    case 'INTEGER':
      return decimal(10, 0);
    case 'BIGINT':
      return decimal(19, 0);
    default:
      throw new TypeError(`${type.kind} has no DECIMAL form`);
  }
}

/**
 * The narrowest numeric type both widen to. Two decimals meet as ksqlDB's DecimalUtil.widen has it:
 * the larger integer part plus the larger scale, with no cap (ksqlDB's SqlDecimal has no maximum
 * precision, so DECIMAL(40, 2) and INT meet at DECIMAL(40, 2), not at a precision cut to 38).
 */
export function widerNumeric(a: SqlType, b: SqlType): SqlType {
  const ra = NUMERIC_RANK[a.kind] ?? 0;
  const rb = NUMERIC_RANK[b.kind] ?? 0;
  if (ra === 3 || rb === 3) return DOUBLE;
  if (ra === 2 || rb === 2) {
    const x = decimalOf(a);
    const y = decimalOf(b);
    const scale = Math.max(x.scale, y.scale);
    return decimal(Math.max(x.precision - x.scale, y.precision - y.scale) + scale, scale);
  }
  return ra === 1 || rb === 1 ? BIGINT : a;
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';

/**
 * The result type of a numeric operation: the wider type, and for decimals ksqlDB's SqlDecimal
 * add/subtract/multiply/divide/modulus rules (again without a cap on precision).
 */
export function arithmeticResultType(op: ArithmeticOperator, left: SqlType, right: SqlType): SqlType {
  const wider = widerNumeric(left, right);
  if (wider.kind !== 'DECIMAL') return wider;
  const a = decimalOf(left);
  const b = decimalOf(right);
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(a.scale, b.scale);
      return decimal(scale + Math.max(a.precision - a.scale, b.precision - b.scale) + 1, scale);
    }
    case '*':
      return decimal(a.precision + b.precision + 1, a.scale + b.scale);
    case '/': {
      const scale = Math.max(6, a.scale + b.precision + 1);
      return decimal(a.precision - a.scale + b.scale + scale, scale);
    }
    case '%': {
      const scale = Math.max(a.scale, b.scale);
      return decimal(Math.min(a.precision - a.scale, b.precision - b.scale) + scale, scale);
    }
  }
}
