import { decimalPrecision, parseDecimalExact, pow10, rescaleDecimal } from '../serde/index.js';
import { BIGINT, DOUBLE, decimal, INTEGER } from '../types/index.js';
import { ExpressionError } from './compiled-expression.js';
import { type CompiledNode, constantNode } from './compiled-node.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A number as written: whole numbers are INTEGER when they fit 32 bits, else BIGINT; a point makes
 * a DECIMAL of the digits written; an exponent makes a DOUBLE. `text` may carry a leading '-'.
 */
export function numberLiteral(text: string): CompiledNode {
  if (/[eE]/.test(text)) return constantNode(DOUBLE, Number(text));
  if (!text.includes('.')) {
    const value = BigInt(text);
    if (value >= INT32_MIN && value <= INT32_MAX) return constantNode(INTEGER, Number(value));
    if (value >= INT64_MIN && value <= INT64_MAX) return constantNode(BIGINT, value);
    throw new ExpressionError(
      `Number ${text} is out of range for BIGINT. Write it as a decimal (${text}.0).`,
    );
  }
  const value = parseDecimalExact(text);
  const scale = Math.max(value.scale, 0);
  const exact = rescaleDecimal(value, scale);
  // As ksqlDB's DecimalUtil.fromValue: below 1 in magnitude, the precision counts the leading zero
  // digits after the point too (0.005 is DECIMAL(4, 3), not BigDecimal's precision 1).
  const magnitude = exact.unscaled < 0n ? -exact.unscaled : exact.unscaled;
  const belowOne = magnitude < pow10(scale);
  const precision = belowOne ? scale + 1 : decimalPrecision(exact);
  return constantNode(decimal(precision, scale), exact);
}
