// Table functions in SELECT (EXPLODE, CUBE_EXPLODE), as ksqlDB's FlatMapNode plans them: each call is
// bound against the source row and becomes a column of the flat-map's output row (after the source
// row's columns and pseudo columns); SELECT is then compiled with each call replaced by its column.
import { builtinTableFunctions, FunctionResolutionError } from '../functions/index.js';
import {
  type Expression,
  type FunctionCall,
  mapChildExpressions,
  type Query,
  spanOf,
  visitExpression,
} from '../sql/index.js';
import { array, type SqlType, type SqlValue } from '../types/index.js';
import type { ColumnScope, CompiledExpression, ScopeColumn } from './compiled-expression.js';
import { compileExpression } from './expression-compiler.js';
import type { LogicalPlan, PlanColumn, TableFunctionNode } from './logical-plan.js';
import { PlanningError } from './plan-select.js';
import type { SourceScope } from './source-scope.js';

function isTableFunctionCall(e: Expression): e is FunctionCall {
  return e.kind === 'functionCall' && builtinTableFunctions.get(e.name) !== undefined;
}

/** The table function calls of a SELECT, left to right. */
export function tableFunctionCalls(query: Query): FunctionCall[] {
  const calls: FunctionCall[] = [];
  for (const item of query.select)
    visitExpression(item.expression, (e) => {
      if (isTableFunctionCall(e)) calls.push(e);
    });
  return calls;
}

function positionOf(e: Expression): { line: number; column: number } | undefined {
  const span = spanOf(e);
  return span === undefined ? undefined : { line: span.line, column: span.column };
}

/** What the projection of a query with table functions is compiled against. */
export interface PlannedTableFunctions {
  /** The source row's columns, then one column per call (the flat-map's output row). */
  readonly scope: ColumnScope;
  /** A SELECT item with each table function call replaced by its column. */
  readonly rewrite: (e: Expression) => Expression;
  /** Adds the flat-map node over `input`. */
  readonly node: (input: LogicalPlan) => TableFunctionNode;
}

/** The synthetic column a call's values land in: a name no query can write unquoted. */
const columnName = (i: number) => `$TABLE_FUNCTION_${i}`;

/**
 * Binds the table function calls of a SELECT (undefined when there are none), refusing what ksqlDB
 * refuses: a table source, aggregation, a call nested in another call's arguments, wrong arguments.
 */
export function planTableFunctions(
  query: Query,
  scope: SourceScope,
  aggregates: boolean,
  customTypes: ReadonlyMap<string, SqlType>,
): PlannedTableFunctions | undefined {
  const calls = tableFunctionCalls(query);
  if (calls.length === 0) return undefined;
  if (scope.source.kind === 'TABLE')
    throw new PlanningError('Table source is not supported with table functions');
  if (aggregates) throw new PlanningError('Table functions cannot be used with aggregations.');
  const compiled: CompiledExpression[] = [];
  const columns: ScopeColumn[] = [];
  calls.forEach((call, i) => {
    for (const arg of call.args)
      visitExpression(arg, (inner) => {
        if (isTableFunctionCall(inner))
          throw new PlanningError(
            `Table functions cannot be nested: ${call.name.toUpperCase()} has ${inner.name.toUpperCase()} in its arguments.`,
            positionOf(inner),
          );
      });
    const args = call.args.map((a) => compileExpression(a, scope, customTypes));
    let resolved: ReturnType<typeof builtinTableFunctions.resolve>;
    try {
      resolved = builtinTableFunctions.resolve(
        call.name,
        args.map((a) => (a.tree.type === null ? null : a.type)),
      );
    } catch (err) {
      if (err instanceof FunctionResolutionError) throw new PlanningError(err.message, positionOf(call));
      throw err;
    }
    const evaluators = args.map((a) => a.evaluate);
    const invoke = resolved.invoke;
    compiled.push({
      // The call gives the list of its values; the column holds one of them.
      type: array(resolved.returnType),
      tree: {
        ast: call,
        type: array(resolved.returnType),
        span: spanOf(call),
        constant: false,
        children: args.map((a) => a.tree),
      },
      evaluate: (row: readonly SqlValue[]) => invoke(evaluators.map((f) => f(row))),
    });
    columns.push({ index: scope.width + i, type: resolved.returnType, name: columnName(i) });
  });
  const byName = new Map(columns.map((c) => [c.name, c]));
  const flatMapScope: ColumnScope = {
    resolve: (name, qualifier) =>
      scope.resolve(name, qualifier) ?? (qualifier === undefined ? byName.get(name) : undefined),
    columns: () => [...scope.columns(), ...columns],
  };
  const rewrite = (e: Expression): Expression => {
    const i = calls.indexOf(e as FunctionCall);
    if (i >= 0) return { kind: 'column', name: columnName(i) };
    return mapChildExpressions(e, rewrite);
  };
  const schema: PlanColumn[] = [
    ...scope.columns().map((c) => ({
      name: c.name,
      type: c.type,
      namespace: scope.source.columns[c.index]?.namespace === 'KEY' ? ('KEY' as const) : ('VALUE' as const),
    })),
    ...columns.map((c) => ({ name: c.name, type: c.type, namespace: 'VALUE' as const })),
  ];
  return {
    scope: flatMapScope,
    rewrite,
    node: (input) => ({ kind: 'tableFunction', input, calls: compiled, schema }),
  };
}
