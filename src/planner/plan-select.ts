import {
  type Expression,
  expressionsEqual,
  printExpression,
  type Query,
  type Relation,
  type SelectItem,
  spanOf,
} from '../sql/index.js';
import { formatType, type SqlType } from '../types/index.js';
import { ColumnAliasGenerator } from './column-aliases.js';
import { type CompiledExpression, type ErrorPosition, ExpressionError } from './compiled-expression.js';
import { columnsOf, mapColumns } from './expression-columns.js';
import { compileExpression } from './expression-compiler.js';
import type {
  FilterNode,
  LogicalPlan,
  ProjectedColumn,
  RepartitionNode,
  SinkNode,
  SourceNode,
} from './logical-plan.js';
import { isAggregateQuery, planAggregate, sourceAggregateInput } from './plan-aggregate.js';
import { planJoinQuery } from './plan-join.js';
import { type PlannedTableFunctions, planTableFunctions } from './plan-table-functions.js';
import { type PlannerSource, PSEUDO_COLUMNS, SourceScope } from './source-scope.js';

/** A query the planner cannot turn into a plan: the message says why and what to do. */
export class PlanningError extends Error {
  override readonly name = 'PlanningError';
  /** Where the clause or expression at fault was written, when known. */
  readonly position: ErrorPosition | undefined;

  constructor(message: string, position?: ErrorPosition) {
    super(position === undefined ? message : `Line: ${position.line}, Col: ${position.column}: ${message}`);
    this.position = position;
  }

  /** An expression's error, pointing at where the expression at fault was written, as ksqlDB's do. */
  static from(error: ExpressionError): PlanningError {
    return new PlanningError(error.message, error.position ?? undefined);
  }
}

export type SelectMode =
  | { readonly kind: 'push' }
  | {
      readonly kind: 'persistent';
      readonly sinkName: string;
      /** A SOURCE table's own materializing query (CST_…), which may read a windowed table. */
      readonly materializesSource?: boolean;
    };

function notYet(what: string, at?: Expression): PlanningError {
  const span = at === undefined ? undefined : spanOf(at);
  return new PlanningError(
    `${what} is not supported yet in this version of Sluice: only stateless queries (WHERE, projections, PARTITION BY) run so far.`,
    span === undefined ? undefined : { line: span.line, column: span.column },
  );
}

/** Refuses what has no operator yet, naming the clause and where it was written. */
function refuseStateful(query: Query, mode: SelectMode): void {
  if (query.emit === 'FINAL' && query.window === undefined)
    throw new PlanningError('EMIT FINAL is only supported for windowed aggregations.');
  if (mode.kind === 'push' && query.emit !== 'CHANGES') {
    throw notYet('A pull query (SELECT without EMIT CHANGES)');
  }
}

interface NamedItem {
  readonly name: string;
  readonly ast: Expression;
  readonly compiled: CompiledExpression;
}

/**
 * Expands `*` (through `star`) and names every item as ksqlDB does: alias, column name, struct field
 * name, else KSQL_COL_n, generated names kept clear of the source's column names.
 */
function projectItems(
  items: readonly SelectItem[],
  scope: SourceScope,
  customTypes: ReadonlyMap<string, SqlType>,
  star: () => NamedItem[],
  tableFunctions?: PlannedTableFunctions,
): NamedItem[] {
  const out: NamedItem[] = [];
  const source = scope.source;
  const aliases = new ColumnAliasGenerator(source.columns.map((c) => c.name));
  for (const item of items) {
    const e = item.expression;
    if (e.kind === 'allColumns') {
      if (e.source !== undefined && scope.resolve('ROWTIME', e.source) === undefined) {
        throw new PlanningError(`'${e.source}' is not a source in this query; use ${source.name}.* or *.`);
      }
      out.push(...star());
      continue;
    }
    let name = item.alias;
    if (name === undefined) {
      if (e.kind === 'column') name = e.name;
      else if (e.kind === 'dereference') name = aliases.forField(e.field);
      else name = aliases.nextGenerated();
    }
    // With table functions, an item is computed over the flat-map's row, each call read as its column.
    const compiled =
      tableFunctions === undefined
        ? compileExpression(e, scope, customTypes)
        : compileExpression(tableFunctions.rewrite(e), tableFunctions.scope, customTypes);
    out.push({ name, ast: e, compiled });
  }
  return out;
}

/** Fails on two columns of one name, as ksqlDB's schema builder does (keys and values apart). */
export function checkUnique(columns: readonly ProjectedColumn[]): void {
  const seen = { KEY: new Set<string>(), VALUE: new Set<string>() };
  for (const c of columns) {
    if (seen[c.namespace].has(c.name)) {
      throw new PlanningError(
        `Duplicate ${c.namespace === 'KEY' ? 'key' : 'value'} columns found in schema: \`${c.name}\` ${formatType(c.type)}`,
      );
    }
    seen[c.namespace].add(c.name);
  }
}

/** Column references with their qualifier dropped (when it names this source), for comparing. */
function unqualified(e: Expression, scope: SourceScope): Expression {
  return mapColumns(e, (c) =>
    c.source !== undefined && scope.isQualifier(c.source) ? { kind: 'column', name: c.name } : c,
  );
}

/** Column references qualified by the source, as ksqlDB prints expressions in its messages. */
function qualified(e: Expression, qualifier: string): string {
  return printExpression(mapColumns(e, (c) => (c.source === undefined ? { ...c, source: qualifier } : c)));
}

function sameExpression(a: Expression, b: Expression, scope: SourceScope): boolean {
  return expressionsEqual(unqualified(a, scope), unqualified(b, scope));
}

/** "A", "A and B", "A, B and C". */
function andList(items: readonly string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** ksqlDB's message for key columns or expressions a persistent query leaves out of its projection. */
function keyMissing(sinkName: string, what: string, required: readonly string[]): PlanningError {
  const plural = required.length > 1;
  return new PlanningError(
    `Key${plural ? 's' : ''} missing from projection (ie, SELECT). \nThe query used to build \`${sinkName}\` must include the ${what}${plural ? 's' : ''} ${andList(required)} in its projection (eg, SELECT ${required.join(', ')}...).`,
  );
}

/**
 * Joins read rows laid out without window bounds: a windowed source cannot be joined yet (ksqlDB's
 * message when only one side is windowed).
 */
function refuseWindowedJoin(from: Relation, lookup: (name: string) => PlannerSource | undefined): void {
  const names: string[] = [];
  for (let r: Relation = from; ; r = r.left) {
    if (r.kind === 'source') {
      names.push(r.name);
      break;
    }
    names.push(r.right.name);
  }
  const windowed = names.filter((n) => lookup(n)?.windowInfo !== undefined);
  if (windowed.length === 0) return;
  if (windowed.length < names.length)
    throw new PlanningError('Can not join windowed source to non-windowed source.');
  throw new PlanningError(
    `Joins of windowed sources (${windowed.join(', ')}) are not supported yet in this version of Sluice.`,
  );
}

/**
 * ksqlDB's limits on windowed sources: no persistent query over a windowed table, no re-keying, and
 * no GROUP BY on exactly the key either: ksqlDB 0.29 skips the repartition there (groupByKey), then
 * refuses a windowed key (SchemaKStream#groupByKey), with the message below.
 */
function refuseOnWindowedSource(
  query: Query,
  source: PlannerSource,
  mode: SelectMode,
  scope: SourceScope,
): void {
  if (mode.kind === 'persistent' && source.kind === 'TABLE' && mode.materializesSource !== true)
    throw new PlanningError('KSQL does not support persistent queries on windowed tables.');
  const keys = source.columns.filter((c) => c.namespace === 'KEY');
  const byKey =
    query.groupBy?.length === 1 && keys.length === 1 ? unqualified(query.groupBy[0], scope) : undefined;
  if (byKey?.kind === 'column' && byKey.source === undefined && byKey.name === keys[0].name)
    throw new PlanningError('Group by on windowed should always require rekey');
  if (query.partitionBy !== undefined || query.groupBy !== undefined)
    throw new PlanningError(
      'Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.',
    );
}

/**
 * A table keeps its key: PARTITION BY its own key columns changes nothing, anything else is refused
 * with ksqlDB's message (SchemaKTable.selectKey; a table is re-keyed only by GROUP BY).
 */
function refuseTableRekey(partitionBy: readonly Expression[], scope: SourceScope): void {
  const keys = scope.source.columns.filter((c) => c.namespace === 'KEY').map((c) => c.name);
  const same =
    partitionBy.length === keys.length &&
    partitionBy.every((e, i) => {
      const plain = unqualified(e, scope);
      return plain.kind === 'column' && plain.source === undefined && plain.name === keys[i];
    });
  if (same) return;
  if (keys.length > 1)
    throw new PlanningError(
      'Cannot repartition a TABLE source. If this is a join, joins on tables with multiple columns is not yet supported.',
    );
  throw new PlanningError(
    `Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column ${keys[0]} instead of [${partitionBy.map((e) => printExpression(e)).join(', ')}]`,
  );
}

/** A PARTITION BY clause: the new key columns, each named as ksqlDB names it; none for NULL. */
interface NewKey {
  readonly columns: readonly NamedItem[];
  /** Source columns that PARTITION BY names directly: they move to the key. */
  readonly moved: ReadonlySet<string>;
}

function planPartitionBy(
  partitionBy: readonly Expression[],
  scope: SourceScope,
  customTypes: ReadonlyMap<string, SqlType>,
): NewKey {
  const source = scope.source;
  if (partitionBy.length === 0) throw new PlanningError('PARTITION BY requires at least one expression');
  if (source.kind === 'TABLE') refuseTableRekey(partitionBy, scope);
  if (partitionBy.some((e) => e.kind === 'null')) {
    if (partitionBy.length > 1)
      throw new PlanningError('Cannot PARTITION BY multiple columns including NULL');
    return { columns: [], moved: new Set() };
  }
  const aliases = new ColumnAliasGenerator([
    ...source.columns.map((c) => c.name),
    ...PSEUDO_COLUMNS.map((c) => c.name),
  ]);
  const moved = new Set<string>();
  const columns = partitionBy.map((e): NamedItem => {
    if (e.kind === 'column') {
      if (scope.resolve(e.name, e.source) === undefined) {
        throw new PlanningError(
          `PARTITION BY column '${e.name}' cannot be resolved. '${e.name}' must be a column in the source schema since PARTITION BY is applied on the input.`,
        );
      }
      moved.add(e.name);
      return { name: e.name, ast: e, compiled: compileExpression(e, scope, customTypes) };
    }
    const name = e.kind === 'dereference' ? aliases.forField(e.field) : aliases.nextGenerated();
    return { name, ast: e, compiled: compileExpression(e, scope, customTypes) };
  });
  return { columns, moved };
}

/**
 * What `*` stands for: key columns then value columns; after PARTITION BY, the new key columns,
 * then the value columns and old key columns that did not move into the key (ksqlDB's order).
 */
function starItems(
  scope: SourceScope,
  customTypes: ReadonlyMap<string, SqlType>,
  newKey: NewKey | undefined,
  windowBounds: boolean,
): NamedItem[] {
  const column = (name: string): NamedItem => {
    const ast: Expression = { kind: 'column', name };
    return { name, ast, compiled: compileExpression(ast, scope, customTypes) };
  };
  const keys = scope.source.columns.filter((c) => c.namespace === 'KEY').map((c) => c.name);
  const others = scope.source.columns.filter((c) => c.namespace !== 'KEY').map((c) => c.name);
  // A push query over a windowed source shows the window after the key (ksqlDB's order).
  const bounds = windowBounds && scope.source.windowInfo !== undefined ? ['WINDOWSTART', 'WINDOWEND'] : [];
  if (newKey === undefined) return [...keys, ...bounds, ...others].map(column);
  return [...newKey.columns, ...[...others, ...keys].filter((name) => !newKey.moved.has(name)).map(column)];
}

/** Without PARTITION BY the key stays: every source key column must be projected, once. */
function sourceKeyItems(items: readonly NamedItem[], scope: SourceScope, sinkName: string): NamedItem[] {
  const keyNames = scope.source.columns.filter((c) => c.namespace === 'KEY').map((c) => c.name);
  const keys: NamedItem[] = [];
  for (const key of keyNames) {
    const matches = items.filter((i) => {
      const ast = unqualified(i.ast, scope);
      return ast.kind === 'column' && ast.source === undefined && ast.name === key;
    });
    if (matches.length === 0) throw keyMissing(sinkName, 'key column', keyNames);
    if (matches.length > 1) {
      throw new PlanningError(
        `The projection contains a key column (\`${key}\`) more than once, aliased as: ${andList(matches.map((m) => m.name))}.`,
      );
    }
    keys.push(matches[0]);
  }
  return keys;
}

/** With PARTITION BY each expression must be projected, once; the keys follow its order. */
function partitionKeyItems(
  items: readonly NamedItem[],
  newKey: NewKey,
  scope: SourceScope,
  sinkName: string,
): NamedItem[] {
  const keys: NamedItem[] = [];
  for (const by of newKey.columns) {
    const matches = items.filter((i) => sameExpression(i.ast, by.ast, scope));
    if (matches.length === 0) {
      throw keyMissing(
        sinkName,
        'partitioning expression',
        newKey.columns.map((c) => qualified(c.ast, scope.qualifier)),
      );
    }
    if (matches.length > 1) {
      throw new PlanningError(
        `The projection contains the key column more than once: ${andList(matches.map((m) => `\`${m.name}\``))}.`,
      );
    }
    keys.push(matches[0]);
  }
  return keys;
}

function projected(item: NamedItem, namespace: 'KEY' | 'VALUE', scope: SourceScope): ProjectedColumn {
  const columns = scope.source.columns;
  const keyOnly = columnsOf(item.ast).every(
    (c) =>
      columns.find((s) => s.name === c.name)?.namespace === 'KEY' &&
      (c.source === undefined || scope.isQualifier(c.source)),
  );
  const ast = unqualified(item.ast, scope);
  const sourceKey =
    ast.kind === 'column' &&
    ast.source === undefined &&
    columns.find((s) => s.name === ast.name)?.namespace === 'KEY';
  return {
    name: item.name,
    type: item.compiled.type,
    namespace,
    expression: item.compiled,
    keyOnly,
    sourceKey,
    text: printExpression(item.ast),
  };
}

/**
 * Plans SELECT … FROM source [WHERE …] [PARTITION BY …] for a push or persistent query: the logical
 * plan source → filter → repartition → project → sink, every expression bound and type-checked.
 */
export function planQuery(
  query: Query,
  lookup: (name: string) => PlannerSource | undefined,
  mode: SelectMode,
  customTypes: ReadonlyMap<string, SqlType> = new Map(),
): SinkNode {
  refuseStateful(query, mode);
  if (query.from.kind === 'join') {
    refuseWindowedJoin(query.from, lookup);
    return planJoinQuery(query, query.from, lookup, mode, customTypes);
  }
  const source = lookup(query.from.name);
  if (source === undefined) {
    throw new PlanningError(
      `${query.from.name} does not exist. Check the name with SHOW STREAMS; or SHOW TABLES;.`,
    );
  }
  const scope = new SourceScope(source, query.from.alias);
  try {
    const filter = query.where === undefined ? undefined : compileExpression(query.where, scope, customTypes);
    if (filter !== undefined && filter.type.kind !== 'BOOLEAN') {
      throw new PlanningError(
        `Type error in WHERE expression: Should evaluate to boolean but is ${printExpression(query.where!)} (${formatType(filter.type)}) instead.`,
      );
    }
    const tableFunctions = planTableFunctions(query, scope, isAggregateQuery(query), customTypes);
    if (source.windowInfo !== undefined) refuseOnWindowedSource(query, source, mode, scope);
    if (isAggregateQuery(query)) {
      if (query.partitionBy !== undefined)
        throw new PlanningError('Queries only support one of PARTITION BY and GROUP BY');
      let input: LogicalPlan = { kind: 'source', source, scope } satisfies SourceNode;
      if (filter !== undefined)
        input = { kind: 'filter', input, clause: 'WHERE', predicate: filter } satisfies FilterNode;
      const planned = planAggregate(query, input, sourceAggregateInput(scope), mode, customTypes);
      checkUnique(planned.columns);
      return {
        kind: 'sink',
        input: { kind: 'project', input: planned.plan, columns: planned.columns },
        target:
          mode.kind === 'persistent'
            ? { kind: 'topic', name: mode.sinkName }
            : { kind: 'client', limit: query.limit },
      };
    }
    const partitionBy = mode.kind === 'persistent' ? query.partitionBy : undefined;
    if (query.partitionBy !== undefined && mode.kind !== 'persistent') {
      throw new PlanningError(
        'PARTITION BY is only valid in a persistent query (CREATE STREAM … AS SELECT, INSERT INTO … SELECT).',
      );
    }
    const newKey = partitionBy === undefined ? undefined : planPartitionBy(partitionBy, scope, customTypes);
    const items = projectItems(
      query.select,
      scope,
      customTypes,
      () => starItems(scope, customTypes, newKey, mode.kind === 'push'),
      tableFunctions,
    );
    let columns: ProjectedColumn[];
    if (mode.kind === 'push') {
      columns = items.map((i) => projected(i, 'VALUE', scope));
    } else {
      const keys =
        newKey === undefined
          ? sourceKeyItems(items, scope, mode.sinkName)
          : partitionKeyItems(items, newKey, scope, mode.sinkName);
      const keySet = new Set(keys);
      columns = [
        ...keys.map((i) => projected(i, 'KEY', scope)),
        ...items.filter((i) => !keySet.has(i)).map((i) => projected(i, 'VALUE', scope)),
      ];
      if (!columns.some((c) => c.namespace === 'VALUE')) {
        throw new PlanningError('The projection contains no value columns.');
      }
    }
    checkUnique(columns);
    let plan: LogicalPlan = { kind: 'source', source, scope } satisfies SourceNode;
    if (filter !== undefined)
      plan = { kind: 'filter', input: plan, clause: 'WHERE', predicate: filter } satisfies FilterNode;
    if (newKey !== undefined) {
      const keys = newKey.columns.map((c) => ({ name: c.name, expression: c.compiled }));
      plan = { kind: 'repartition', input: plan, keys } satisfies RepartitionNode;
    }
    if (tableFunctions !== undefined) plan = tableFunctions.node(plan);
    plan = { kind: 'project', input: plan, columns };
    return {
      kind: 'sink',
      input: plan,
      target:
        mode.kind === 'persistent'
          ? { kind: 'topic', name: mode.sinkName }
          : { kind: 'client', limit: query.limit },
    };
  } catch (err) {
    if (err instanceof ExpressionError) throw PlanningError.from(err);
    throw err;
  }
}
