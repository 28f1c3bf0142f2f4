export { formatDoubleLikeJava } from './java-text.js';
export * from './sql-type.js';
export type { Decimal, Row, SqlValue, StructValue } from './sql-value.js';
