// + - * / % with ksqlDB's result types and Java's run-time behaviour: INTEGER and BIGINT wrap on
// overflow, integer division truncates, dividing an integer or decimal by zero is an error, and
// DOUBLE follows IEEE 754.
import {
  addDecimals,
  DecimalError,
  decimalToNumber,
  divideDecimals,
  multiplyDecimals,
  rescaleDecimal,
  subtractDecimals,
} from '../serde/index.js';
import type { Decimal, SqlValue } from '../types/index.js';
import {
  type ArithmeticOperator,
  arithmeticResultType,
  type DecimalType,
  type SqlType,
} from '../types/index.js';
import { EvaluationError } from './compiled-expression.js';
import type { Evaluator } from './compiled-node.js';
import { integralToDecimal } from './implicit-cast.js';

export { type ArithmeticOperator, arithmeticResultType };

function divisionByZero(): EvaluationError {
  return new EvaluationError('Division by zero');
}

/**
 * The evaluator of `left op right` where both operands already have the type `operandType` (the
 * wider numeric type) and the result has `resultType`. Null in either operand gives null.
 */
export function arithmeticEvaluator(
  op: ArithmeticOperator,
  operandType: SqlType,
  resultType: SqlType,
  left: Evaluator,
  right: Evaluator,
): Evaluator {
  switch (operandType.kind) {
    case 'INTEGER':
      return integerArithmetic(op, left, right);
    case 'BIGINT':
      return bigintArithmetic(op, left, right);
    case 'DOUBLE':
      return doubleArithmetic(op, left, right);
    default:
      return decimalArithmetic(op, resultType as DecimalType, left, right);
  }
}

// One closure per operator rather than a shared closure calling an operator function: V8 then
// compiles each to straight-line code instead of a call through a megamorphic site.
function integerArithmetic(op: ArithmeticOperator, left: Evaluator, right: Evaluator): Evaluator {
  switch (op) {
    case '+':
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        return b === null ? null : ((a as number) + (b as number)) | 0;
      };
    case '-':
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        return b === null ? null : ((a as number) - (b as number)) | 0;
      };
    case '*':
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        return b === null ? null : Math.imul(a as number, b as number);
      };
    case '/':
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        if (b === null) return null;
        if (b === 0) throw divisionByZero();
        return ((a as number) / (b as number)) | 0;
      };
    case '%':
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        if (b === null) return null;
        if (b === 0) throw divisionByZero();
        return ((a as number) % (b as number)) | 0; // `| 0` turns JavaScript's -0 into Java's 0
      };
  }
}

function bigintArithmetic(op: ArithmeticOperator, left: Evaluator, right: Evaluator): Evaluator {
  const compute = BIGINT_OPS[op];
  return (row) => {
    const a = left(row);
    if (a === null) return null;
    const b = right(row);
    return b === null ? null : compute(a as bigint, b as bigint);
  };
}

const BIGINT_OPS: Record<ArithmeticOperator, (a: bigint, b: bigint) => bigint> = {
  '+': (a, b) => BigInt.asIntN(64, a + b),
  '-': (a, b) => BigInt.asIntN(64, a - b),
  '*': (a, b) => BigInt.asIntN(64, a * b),
  '/': (a, b) => {
    if (b === 0n) throw divisionByZero();
    return BigInt.asIntN(64, a / b);
  },
  '%': (a, b) => {
    if (b === 0n) throw divisionByZero();
    return a % b;
  },
};

function doubleArithmetic(op: ArithmeticOperator, left: Evaluator, right: Evaluator): Evaluator {
  switch (op) {
    case '+':
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        return b === null ? null : (a as number) + (b as number);
      };
    case '-':
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        return b === null ? null : (a as number) - (b as number);
      };
    case '*':
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        return b === null ? null : (a as number) * (b as number);
      };
    case '/':
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        return b === null ? null : (a as number) / (b as number);
      };
    case '%':
      return (row) => {
        const a = left(row);
        if (a === null) return null;
        const b = right(row);
        return b === null ? null : (a as number) % (b as number);
      };
  }
}

function decimalArithmetic(
  op: ArithmeticOperator,
  result: DecimalType,
  left: Evaluator,
  right: Evaluator,
): Evaluator {
  const compute = decimalOperation(op, result.scale);
  return (row) => {
    const a = left(row);
    if (a === null) return null;
    const b = right(row);
    return b === null ? null : compute(a as Decimal, b as Decimal);
  };
}

// Each result type leaves room for the exact result of + - * and %, so only / rounds (HALF_UP at
// the result scale, which ksqlDB's rules make at least 6).
function decimalOperation(op: ArithmeticOperator, scale: number): (a: Decimal, b: Decimal) => Decimal {
  switch (op) {
    case '+':
      return (a, b) => rescaleDecimal(addDecimals(a, b), scale);
    case '-':
      return (a, b) => rescaleDecimal(subtractDecimals(a, b), scale);
    case '*':
      return (a, b) => rescaleDecimal(multiplyDecimals(a, b), scale);
    case '/':
      return (a, b) => {
        if (b.unscaled === 0n) throw divisionByZero();
        try {
          return divideDecimals(a, b, scale);
        } catch (error) {
          if (error instanceof DecimalError) throw new EvaluationError(error.message);
          throw error;
        }
      };
    case '%':
      return (a, b) => {
        if (b.unscaled === 0n) throw divisionByZero();
        const x = rescaleDecimal(a, scale);
        const y = rescaleDecimal(b, scale);
        return { unscaled: x.unscaled % y.unscaled, scale };
      };
  }
}

/** Converts a non-null operand value of `from` to the operand type arithmetic works in. */
export function toOperandType(from: SqlType, operandType: SqlType): ((v: SqlValue) => SqlValue) | undefined {
  if (from.kind === operandType.kind) return undefined;
  switch (operandType.kind) {
    case 'BIGINT':
      return (v) => BigInt(v as number);
    case 'DOUBLE':
      if (from.kind === 'INTEGER') return undefined;
      return from.kind === 'BIGINT' ? (v) => Number(v as bigint) : (v) => decimalToNumber(v as Decimal);
    case 'DECIMAL':
      return (v) => integralToDecimal(v as number | bigint, 0);
    default:
      return undefined;
  }
}

/** -x: INTEGER and BIGINT wrap (-MIN is MIN, as in Java). */
export function negation(type: SqlType, operand: Evaluator): Evaluator {
  switch (type.kind) {
    case 'INTEGER':
      return (row) => {
        const v = operand(row);
        return v === null ? null : -(v as number) | 0;
      };
    case 'BIGINT':
      return (row) => {
        const v = operand(row);
        return v === null ? null : BigInt.asIntN(64, -(v as bigint));
      };
    case 'DOUBLE':
      return (row) => {
        const v = operand(row);
        return v === null ? null : -(v as number);
      };
    default:
      return (row) => {
        const v = operand(row) as Decimal | null;
        return v === null ? null : { unscaled: -v.unscaled, scale: v.scale };
      };
  }
}
