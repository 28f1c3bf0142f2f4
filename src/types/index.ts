export { formatDoubleLikeJava } from './java-text.js';
export {
  type ArithmeticOperator,
  arithmeticResultType,
  decimalOf,
  isNumeric,
  NUMERIC_RANK,
  widerNumeric,
} from './numeric-rules.js';
export * from './sql-type.js';
export type { Decimal, Row, SqlValue, StructValue } from './sql-value.js';
