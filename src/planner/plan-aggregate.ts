// GROUP BY analysis, as ksqlDB's AggregateAnalyzer and LogicalPlanner do it: the grouping
// expressions, the aggregate calls of SELECT and HAVING, the result key named after the projection,
// and SELECT/HAVING rewritten over the aggregate's output row (keys, then one column per call, then
// WINDOWSTART and WINDOWEND under a window).
import { AggregateResolutionError, builtinAggregates, type ResolvedAggregate } from '../functions/index.js';
import {
  type Expression,
  expressionsEqual,
  mapChildExpressions,
  printExpression,
  type Query,
  spanOf,
  visitExpression,
} from '../sql/index.js';
import { BIGINT, formatType, type SqlType, type SqlValue } from '../types/index.js';
import { ColumnAliasGenerator } from './column-aliases.js';
import type { ColumnScope, CompiledExpression } from './compiled-expression.js';
import { columnsOf, mapColumns } from './expression-columns.js';
import { compileExpression } from './expression-compiler.js';
import type { AggregateCall, LogicalPlan, PlanColumn, ProjectedColumn } from './logical-plan.js';
import { PlanningError, type SelectMode } from './plan-select.js';
import { type PlannerSource, SourceScope } from './source-scope.js';

type BoundAggregateCall = AggregateCall;

const WINDOW_BOUNDS = ['WINDOWSTART', 'WINDOWEND'] as const;

function positionOf(e: Expression | undefined): { line: number; column: number } | undefined {
  const span = e === undefined ? undefined : spanOf(e);
  return span === undefined ? undefined : { line: span.line, column: span.column };
}

function isAggregateCall(e: Expression): e is Extract<Expression, { kind: 'functionCall' }> {
  return e.kind === 'functionCall' && builtinAggregates.isAggregate(e.name);
}

/** Whether the query aggregates: GROUP BY, WINDOW, HAVING or an aggregate call in SELECT. */
export function isAggregateQuery(query: Query): boolean {
  if (query.groupBy !== undefined || query.window !== undefined || query.having !== undefined) return true;
  let found = false;
  for (const item of query.select) visitExpression(item.expression, (e) => (found ||= isAggregateCall(e)));
  return found;
}

/**
 * What a GROUP BY reads: one source, or the rows of a join. It says how column references compare
 * (two spellings of one column must be equal), how they are named in messages and by default.
 */
export interface AggregateInput {
  /** A table's changes replace each other by key (and only table-capable aggregates apply). */
  readonly kind: 'STREAM' | 'TABLE';
  /** The name the aggregate's output schema takes (messages only). */
  readonly name: string;
  readonly scope: ColumnScope;
  /** Names generated names (KSQL_COL_n) keep clear of. */
  readonly columnNames: readonly string[];
  /** `e` with every column reference spelled one way, for comparing expressions. */
  canonical(e: Expression): Expression;
  /** A column reference as ksqlDB prints it in messages (`T.F1`). */
  columnText(c: { readonly source?: string; readonly name: string }): string;
  /** An unaliased column item's name. */
  columnName(c: { readonly source?: string; readonly name: string }): string;
}

/** A GROUP BY over one source: qualifiers naming it are dropped, messages qualify by its name or alias. */
export function sourceAggregateInput(scope: SourceScope): AggregateInput {
  return {
    kind: scope.source.kind,
    name: scope.source.name,
    scope,
    columnNames: scope.source.columns.map((c) => c.name),
    canonical: (e) =>
      mapColumns(e, (c) =>
        c.source !== undefined && scope.isQualifier(c.source) ? { kind: 'column', name: c.name } : c,
      ),
    columnText: (c) => `${c.source ?? scope.qualifier}.${c.name}`,
    columnName: (c) => c.name,
  };
}

function andList(items: readonly string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

interface Item {
  readonly name: string;
  readonly ast: Expression;
  readonly alias: string | undefined;
}

/**
 * Plans SELECT … [WINDOW …] [WHERE …] GROUP BY … [HAVING …]: source → filter → [window] → aggregate
 * → [HAVING filter] → project. `input` is the plan up to the WHERE filter.
 */
export function planAggregate(
  query: Query,
  input: LogicalPlan,
  from: AggregateInput,
  mode: SelectMode,
  customTypes: ReadonlyMap<string, SqlType>,
): { plan: LogicalPlan; columns: ProjectedColumn[] } {
  const scope = from.scope;
  const unqualified = (e: Expression) => from.canonical(e);
  const qualified = (e: Expression) =>
    printExpression(mapColumns(e, (c) => parseColumnText(from.columnText(c))));
  const groupBy = query.groupBy ?? [];
  if (query.window !== undefined && groupBy.length === 0)
    throw new PlanningError(
      'WINDOW clause requires a GROUP BY clause.',
      positionOf(query.select[0]?.expression),
    );
  if (query.window !== undefined && from.kind === 'TABLE')
    throw new PlanningError('WINDOW clause is only supported on streams: a table cannot be windowed.');
  if (query.select.some((i) => i.expression.kind === 'allColumns'))
    throw new PlanningError('SELECT * is not supported in an aggregate query: name the columns.');
  // GROUP BY: no aggregates, no duplicates, every expression bound against the source row.
  const groupKeys: Expression[] = [];
  const groupCompiled: CompiledExpression[] = [];
  for (const e of groupBy) {
    visitExpression(e, (node) => {
      if (isAggregateCall(node))
        throw new PlanningError(
          `GROUP BY does not support aggregate functions: ${node.name.toUpperCase()} is an aggregate function.`,
          positionOf(node),
        );
    });
    const plain = unqualified(e);
    if (groupKeys.some((k) => expressionsEqual(k, plain)))
      throw new PlanningError(`Duplicate GROUP BY expression: ${qualified(plain)}`, positionOf(e));
    groupKeys.push(plain);
    groupCompiled.push(compileExpression(e, scope, customTypes));
  }
  if (groupKeys.length === 0 && mode.kind === 'persistent') {
    const first = firstAggregate(query);
    throw new PlanningError(
      `CREATE TABLE AS SELECT statement does not support aggregate function [${first === undefined ? '' : printExpression(first)}] without a GROUP BY clause.`,
      positionOf(first),
    );
  }
  if (groupKeys.length === 0)
    throw new PlanningError('An aggregate without GROUP BY is not supported: add a GROUP BY clause.');

  // The aggregate calls of SELECT and HAVING, each once.
  const calls: BoundAggregateCall[] = [];
  const callAsts: Expression[] = [];
  const collect = (e: Expression) =>
    visitExpression(e, (node) => {
      if (!isAggregateCall(node)) return;
      for (const arg of node.args)
        visitExpression(arg, (inner) => {
          if (isAggregateCall(inner))
            throw new PlanningError(
              `Aggregate functions can not be nested: ${printExpression(node)}`,
              positionOf(node),
            );
        });
      const plain = unqualified(node);
      if (callAsts.some((c) => expressionsEqual(c, plain))) return;
      callAsts.push(plain);
      calls.push(bindCall(node, scope, customTypes));
    });
  for (const item of query.select) collect(item.expression);
  if (query.having !== undefined) collect(query.having);
  if (calls.length === 0)
    throw new PlanningError('GROUP BY requires aggregate functions in either the SELECT or HAVING clause.');
  if (from.kind === 'TABLE') {
    const refused = [...new Set(calls.filter((c) => !c.resolved.tableCapable).map((c) => c.name))];
    if (refused.length > 0)
      throw new PlanningError(
        `The aggregation functions ${andList(refused)} cannot be applied to a table source, only to a stream source.`,
      );
  }

  // Name the SELECT items as ksqlDB does (alias, column name, field name, else KSQL_COL_n).
  const aliases = new ColumnAliasGenerator(from.columnNames);
  const items: Item[] = query.select.map((item) => {
    const e = item.expression;
    let name = item.alias;
    if (name === undefined) {
      if (e.kind === 'column') name = from.columnName(e);
      else if (e.kind === 'dereference') name = aliases.forField(e.field);
      else name = aliases.nextGenerated();
    }
    return { name, ast: e, alias: item.alias };
  });

  // The key columns: each grouping expression takes the name of the item that is exactly it.
  const keyItems: (Item | undefined)[] = groupKeys.map((k) => {
    const matches = items.filter((i) => expressionsEqual(unqualified(i.ast), k));
    if (mode.kind === 'persistent' && matches.length > 1)
      throw new PlanningError(
        `The projection contains a key column more than once: ${andList(matches.map((m) => `\`${m.name}\``))}.`,
      );
    return matches[0];
  });
  const keyNames = groupKeys.map(
    (k, i) => keyItems[i]?.name ?? (k.kind === 'column' ? from.columnName(k) : `KSQL_COL_${i}`),
  );
  const aggNames = calls.map((_, i) => `KSQL_AGG_VARIABLE_${i}`);
  const windowed = query.window !== undefined;
  const aggregateSchema: PlanColumn[] = [
    ...groupCompiled.map((c, i) => ({ name: keyNames[i], type: c.type, namespace: 'KEY' as const })),
    ...calls.map((c, i) => ({ name: aggNames[i], type: c.type, namespace: 'VALUE' as const })),
    ...(windowed ? WINDOW_BOUNDS.map((name) => ({ name, type: BIGINT, namespace: 'KEY' as const })) : []),
  ];
  const outputSource: PlannerSource = { kind: 'TABLE', name: from.name, columns: aggregateSchema };
  const outputScope = new SourceScope(outputSource);

  // SELECT and HAVING over the aggregate's row: grouping expressions and calls become its columns.
  const rewrite = (e: Expression): Expression => {
    const plain = unqualified(e);
    const key = groupKeys.findIndex((k) => expressionsEqual(k, plain));
    if (key >= 0) return { kind: 'column', name: keyNames[key] };
    const call = callAsts.findIndex((c) => expressionsEqual(c, plain));
    if (call >= 0) return { kind: 'column', name: aggNames[call] };
    return mapChildExpressions(e, rewrite);
  };
  const internal = new Set(aggregateSchema.map((c) => c.name));
  const checkGrouped = (original: readonly Expression[], clause: 'SELECT' | 'HAVING') => {
    const bad: string[] = [];
    let at: Expression | undefined;
    for (const e of original) {
      for (const c of columnsOf(rewrite(e))) {
        if (internal.has(c.name) && c.source === undefined) continue;
        if (WINDOW_BOUNDS.includes(c.name as (typeof WINDOW_BOUNDS)[number]) && !windowed) {
          throw new PlanningError(
            `Window bounds column ${c.name} can only be used in the SELECT clause of windowed aggregations`,
            positionOf(e),
          );
        }
        const text = from.columnText(c);
        if (!bad.includes(text)) bad.push(text);
        at ??= e;
      }
    }
    if (bad.length === 0) return;
    if (clause === 'HAVING')
      throw new PlanningError(
        `Non-aggregate HAVING expression not part of GROUP BY: ${bad.join(', ')}`,
        positionOf(at),
      );
    throw new PlanningError(
      `Non-aggregate SELECT expression(s) not part of GROUP BY: ${bad.join(', ')}\nEither add the column(s) to the GROUP BY or remove them from the SELECT.`,
      positionOf(at),
    );
  };
  checkGrouped(
    items.map((i) => i.ast),
    'SELECT',
  );
  if (query.having !== undefined) checkGrouped([query.having], 'HAVING');
  if (mode.kind === 'persistent') {
    const missing = groupKeys.filter((_, i) => keyItems[i] === undefined);
    if (missing.length > 0) {
      const required = groupKeys.map((k) => qualified(k));
      const plural = required.length > 1;
      throw new PlanningError(
        `Key${plural ? 's' : ''} missing from projection (ie, SELECT). \nThe query used to build \`${mode.sinkName}\` must include the grouping expression${plural ? 's' : ''} ${andList(required)} in its projection (eg, SELECT ${required.join(', ')}...).`,
      );
    }
  }

  let plan: LogicalPlan = input;
  if (query.window !== undefined) plan = { kind: 'window', input: plan, window: query.window };
  plan = {
    kind: 'aggregate',
    input: plan,
    groupBy: groupCompiled,
    aggregates: calls,
    schema: aggregateSchema,
  };
  // EMIT FINAL holds each window's row until the window closes, before HAVING sees it.
  if (query.emit === 'FINAL') plan = { kind: 'suppress', input: plan };
  if (query.having !== undefined) {
    const predicate = compileExpression(rewrite(query.having), outputScope, customTypes);
    if (predicate.type.kind !== 'BOOLEAN')
      throw new PlanningError(
        `Type error in HAVING expression: Should evaluate to boolean but is ${printExpression(query.having)} (${formatType(predicate.type)}) instead.`,
        positionOf(query.having),
      );
    plan = { kind: 'filter', input: plan, clause: 'HAVING', predicate };
  }

  const column = (item: Item, namespace: 'KEY' | 'VALUE'): ProjectedColumn => {
    const ast = rewrite(item.ast);
    const compiled = compileExpression(ast, outputScope, customTypes);
    const keyOnly = columnsOf(ast).every(
      (c) => aggregateSchema.find((s) => s.name === c.name)?.namespace === 'KEY',
    );
    return {
      name: item.name,
      type: compiled.type,
      namespace,
      expression: compiled,
      keyOnly,
      sourceKey: namespace === 'KEY',
      text: printExpression(item.ast),
    };
  };
  let columns: ProjectedColumn[];
  if (mode.kind === 'push') {
    columns = items.map((i) => column(i, 'VALUE'));
  } else {
    const keys = new Set(keyItems as Item[]);
    // An unaliased WINDOWSTART/WINDOWEND is part of the windowed key, not a value column.
    const inKey = (i: Item) =>
      windowed &&
      i.alias === undefined &&
      i.ast.kind === 'column' &&
      WINDOW_BOUNDS.includes(i.ast.name as 'WINDOWSTART');
    columns = [
      ...(keyItems as Item[]).map((i) => column(i, 'KEY')),
      ...items.filter((i) => !keys.has(i) && !inKey(i)).map((i) => column(i, 'VALUE')),
    ];
    if (!columns.some((c) => c.namespace === 'VALUE'))
      throw new PlanningError('The projection contains no value columns.');
  }
  return { plan, columns };
}

/** `S.C` (or `C`) as a column reference, to print messages through the expression printer. */
function parseColumnText(text: string): Extract<Expression, { kind: 'column' }> {
  const dot = text.lastIndexOf('.');
  return dot < 0
    ? { kind: 'column', name: text }
    : { kind: 'column', source: text.slice(0, dot), name: text.slice(dot + 1) };
}

function firstAggregate(query: Query): Expression | undefined {
  let first: Expression | undefined;
  for (const item of query.select)
    visitExpression(item.expression, (e) => {
      if (first === undefined && isAggregateCall(e)) first = e;
    });
  return first;
}

/** Binds one call's arguments against the source row and resolves the function for their types. */
function bindCall(
  call: Extract<Expression, { kind: 'functionCall' }>,
  scope: ColumnScope,
  customTypes: ReadonlyMap<string, SqlType>,
): BoundAggregateCall {
  const name = call.name.toUpperCase();
  // `*` or no argument: the function is applied to ROWTIME (ksqlDB's COUNT(*)).
  const argAsts: Expression[] =
    call.args.length === 0 || (call.args.length === 1 && call.args[0].kind === 'allColumns')
      ? [{ kind: 'column', name: 'ROWTIME' }]
      : [...call.args];
  const args = argAsts.map((a) => compileExpression(a, scope, customTypes));
  const literals: (SqlValue | undefined)[] = args.map((a) => (a.tree.constant ? a.evaluate([]) : undefined));
  let resolved: ResolvedAggregate;
  try {
    resolved = builtinAggregates.resolve(
      name,
      args.map((a) => (a.tree.type === null ? null : a.type)),
      literals,
    );
  } catch (err) {
    if (err instanceof AggregateResolutionError) throw new PlanningError(err.message, positionOf(call));
    throw err;
  }
  const span = spanOf(call);
  return {
    name,
    args: args.slice(0, resolved.columnCount),
    type: resolved.returnType,
    span,
    resolved,
  };
}
