// Test helpers: compile and evaluate SQL expression text over a few named, typed columns.
import { parseDecimal } from '../serde/index.js';
import { parseExpressionText } from '../sql/index.js';
import { type Decimal, formatType, type SqlType, type SqlValue } from '../types/index.js';
import type { ColumnScope, CompiledExpression, ScopeColumn } from './compiled-expression.js';
import { compileExpression } from './expression-compiler.js';

/** Columns by name, each with its type and (for evaluation) its value in the test row. */
export type TestColumns = Record<string, readonly [SqlType, SqlValue?]>;

/** A scope whose columns sit in the row in the order given, reachable as `col` or `S.col`. */
export function testScope(columns: TestColumns): ColumnScope {
  const all: ScopeColumn[] = Object.entries(columns).map(([name, [type]], index) => ({ index, type, name }));
  return {
    resolve: (name, qualifier) =>
      qualifier === undefined || qualifier === 'S' ? all.find((c) => c.name === name) : undefined,
    columns: () => all,
  };
}

export function compileText(
  sql: string,
  columns: TestColumns = {},
  customTypes?: ReadonlyMap<string, SqlType>,
): CompiledExpression {
  return compileExpression(parseExpressionText(sql), testScope(columns), customTypes);
}

/** The value of `sql` on the one row the columns describe. */
export function evaluateText(sql: string, columns: TestColumns = {}): SqlValue {
  const row = Object.values(columns).map(([, value]) => value ?? null);
  return compileText(sql, columns).evaluate(row);
}

/** The type of `sql`, as ksqlDB spells it. */
export function typeOfText(sql: string, columns: TestColumns = {}): string {
  return formatType(compileText(sql, columns).type);
}

/** A decimal from its text, keeping the scale written ('1.50' has scale 2). */
export function dec(text: string): Decimal {
  return parseDecimal(text);
}
