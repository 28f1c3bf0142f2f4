// Plans SELECT … FROM a JOIN b ON … as ksqlDB does (LogicalPlanner#verifyJoin, JoinNode): which
// kinds of source may meet and how, the join criteria, the result's key (a join column or the
// synthetic ROWKEY) and its naming, then WHERE and the projection over the joined row.
import {
  type Expression,
  expressionsEqual,
  type Join,
  type JoinWindow,
  printExpression,
  type Query,
  type SourceSpan,
  spanOf,
} from '../sql/index.js';
import { BIGINT, formatType, type SqlType, type SqlValue } from '../types/index.js';
import { ColumnAliasGenerator } from './column-aliases.js';
import { type CompiledExpression, type ErrorPosition, ExpressionError } from './compiled-expression.js';
import { columnsOf, mapColumns } from './expression-columns.js';
import { compileExpression } from './expression-compiler.js';
import type { JoinKind, JoinNode, JoinWindowMs } from './join-node.js';
import { JoinScope, type JoinSide } from './join-scope.js';
import { ksqlExpressionText } from './ksql-expression-text.js';
import {
  type LogicalPlan,
  type PlanColumn,
  type ProjectedColumn,
  type SinkNode,
  type SourceNode,
  transformPlan,
} from './logical-plan.js';
import { type AggregateInput, isAggregateQuery, planAggregate } from './plan-aggregate.js';
import { checkUnique, PlanningError, type SelectMode } from './plan-select.js';
import { type PlannerSource, PSEUDO_COLUMNS, SourceScope } from './source-scope.js';

const UNIT_MS: Record<string, number> = {
  MILLISECOND: 1,
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};

function durationMs(d: { readonly value: number; readonly unit: string }): number {
  const unit = d.unit.endsWith('S') ? d.unit.slice(0, -1) : d.unit;
  return d.value * (UNIT_MS[unit] ?? Number.NaN);
}

function positionOf(node: object | undefined): ErrorPosition | undefined {
  const span: SourceSpan | undefined = node === undefined ? undefined : spanOf(node);
  return span === undefined ? undefined : { line: span.line, column: span.column };
}

/** ksqlDB's `T [LEFT] OUTER JOIN S` text of a join in its messages. */
function joinText(left: string, type: Join['type'], right: string): string {
  return type === 'INNER' ? `${left} [INNER] JOIN ${right}` : `${left} [${type}] OUTER JOIN ${right}`;
}

function lookupSource(
  name: string,
  lookup: (name: string) => PlannerSource | undefined,
  at: object,
): PlannerSource {
  const source = lookup(name);
  if (source === undefined)
    throw new PlanningError(
      `${name} does not exist. Check the name with SHOW STREAMS; or SHOW TABLES;.`,
      positionOf(at),
    );
  return source;
}

/** Checks which kinds of source may meet with this join type and window (ksqlDB's table). */
function joinKindOf(
  left: PlannerSource,
  right: PlannerSource,
  join: Join,
  leftName: string,
  rightName: string,
): JoinKind {
  const at = positionOf(join.on);
  if (left.kind === 'TABLE' && right.kind === 'STREAM') {
    throw new PlanningError(
      `Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${joinText(leftName, join.type, rightName)}.`,
      at,
    );
  }
  if (left.kind === 'STREAM' && right.kind === 'STREAM') {
    if (join.within === undefined) {
      throw new PlanningError(
        'Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select',
        at,
      );
    }
    return 'STREAM_STREAM';
  }
  if (join.within !== undefined) {
    throw new PlanningError(
      `A window definition was provided for a ${left.kind === 'STREAM' ? 'Stream-Table' : 'Table-Table'} join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your join again.`,
      at,
    );
  }
  if (left.kind === 'STREAM') {
    if (join.type === 'FULL' || join.type === 'RIGHT') {
      const name = join.type === 'FULL' ? 'full-outer' : 'right-outer';
      throw new PlanningError(
        `Invalid join type: ${name} join not supported for stream-table join. Got ${joinText(leftName, join.type, rightName)}.`,
        at,
      );
    }
    return 'STREAM_TABLE';
  }
  return 'TABLE_TABLE';
}

function windowOf(within: JoinWindow | undefined): JoinWindowMs | undefined {
  if (within === undefined) return undefined;
  const beforeMs = durationMs(within.before);
  return {
    beforeMs,
    afterMs: within.after === undefined ? beforeMs : durationMs(within.after),
    graceMs: within.grace === undefined ? undefined : durationMs(within.grace),
  };
}

/** The sides an expression's columns come from; ambiguity and unknown columns are ksqlDB's errors. */
function sidesOf(e: Expression, scope: JoinScope): Set<JoinSide> {
  const sides = new Set<JoinSide>();
  for (const c of columnsOf(e)) {
    if (c.source !== undefined) {
      const side = scope.sideOf(c.source);
      if (side === undefined || side.scope.resolve(c.name) === undefined)
        throw new PlanningError(`JOIN ON column '${c.source}.${c.name}' cannot be resolved.`, positionOf(c));
      sides.add(side);
      continue;
    }
    const found = scope.sidesWith(c.name);
    if (found.length > 1) {
      throw new PlanningError(
        `JOIN ON column '${c.name}' is ambiguous. Could be any of: ${found.map((s) => `${s.scope.qualifier}.${c.name}`).join(', ')}. Qualify it with its source's name or alias.`,
        positionOf(c),
      );
    }
    if (found.length === 0)
      throw new PlanningError(`JOIN ON column '${c.name}' cannot be resolved.`, positionOf(c));
    sides.add(found[0]);
  }
  return sides;
}

/** A column reference's qualified text as ksqlDB prints join expressions (`T.ID`). */
function qualifiedText(e: Expression, side: JoinSide): string {
  return printExpression(
    e.kind === 'column' && e.source === undefined ? { ...e, source: side.scope.qualifier } : e,
  );
}

interface Criteria {
  readonly left: Expression;
  readonly right: Expression;
  /** The source the left expression reads (the first, or one an earlier join brought in). */
  readonly leftSide: JoinSide;
}

/** `ON a = b`, each side from exactly one source, one of them the source this join adds. */
function criteriaOf(on: Expression, scope: JoinScope): Criteria {
  if (on.kind !== 'binary' || on.operator !== '=') {
    if (on.kind === 'binary' && on.operator === 'AND') {
      throw new PlanningError(
        `Invalid join condition: joins on multiple conditions are not yet supported. Got ${ksqlExpressionText(on)}.`,
        positionOf(on),
      );
    }
    throw new PlanningError(
      `Unsupported join expression: ${ksqlExpressionText(on)}. A join's ON must be one equality between an expression of each source (ON a.x = b.y).`,
      positionOf(on),
    );
  }
  const a = sidesOf(on.left, scope);
  const b = sidesOf(on.right, scope);
  for (const [e, sides] of [
    [on.left, a],
    [on.right, b],
  ] as const) {
    if (sides.size !== 1) {
      throw new PlanningError(
        `Invalid comparison expression '${ksqlExpressionText(e)}' in join '${ksqlExpressionText(on)}'. Each side of the join comparision must contain references from exactly one source.`,
        positionOf(e),
      );
    }
  }
  const [sa] = a;
  const [sb] = b;
  if (sa === sb) {
    throw new PlanningError(
      `Each side of the join must reference exactly one source and not the same source. Left side references \`${sa.scope.qualifier}\` and right references \`${sb.scope.qualifier}\``,
      positionOf(on),
    );
  }
  if (sa !== scope.right && sb !== scope.right) {
    throw new PlanningError(
      `A join criteria is expected to reference the source (\`${scope.right.scope.qualifier}\`) in the FROM clause, instead the right source references \`${sb.scope.qualifier}\` and the left source references \`${sa.scope.qualifier}\``,
      positionOf(on),
    );
  }
  return sb === scope.right
    ? { left: on.left, right: on.right, leftSide: sa }
    : { left: on.right, right: on.left, leftSide: sb };
}

/** A plain column reference of one side: what may become the result's key column. */
interface ViableKey {
  readonly side: JoinSide;
  readonly column: string;
}

function viableKey(e: Expression, side: JoinSide): ViableKey | undefined {
  return e.kind === 'column' ? { side, column: e.name } : undefined;
}

interface NamedItem {
  readonly name: string;
  readonly ast: Expression;
  readonly compiled: CompiledExpression;
}

/** ksqlDB's name of a side's column in a join: `<ALIAS>_<COLUMN>`. */
function prefixed(side: JoinSide, column: string): string {
  return `${side.scope.qualifier}_${column}`;
}

/** A side's columns (keys first) as `*` expands them, each named `<ALIAS>_<COLUMN>`. */
function sideStar(side: JoinSide, scope: JoinScope, customTypes: ReadonlyMap<string, SqlType>): NamedItem[] {
  const columns = side.scope.source.columns;
  const ordered = [
    ...columns.filter((c) => c.namespace === 'KEY'),
    ...columns.filter((c) => c.namespace !== 'KEY'),
  ];
  return ordered.map((c) => {
    const ast: Expression = { kind: 'column', source: side.scope.qualifier, name: c.name };
    return { name: prefixed(side, c.name), ast, compiled: compileExpression(ast, scope, customTypes) };
  });
}

function projectItems(
  query: Query,
  scope: JoinScope,
  customTypes: ReadonlyMap<string, SqlType>,
): NamedItem[] {
  const out: NamedItem[] = [];
  const aliases = new ColumnAliasGenerator(
    scope.sides.flatMap((s) => s.scope.source.columns.map((c) => prefixed(s, c.name))),
  );
  for (const item of query.select) {
    const e = item.expression;
    if (e.kind === 'allColumns') {
      if (e.source === undefined) {
        if (scope.syntheticKey !== undefined) {
          const ast: Expression = { kind: 'column', name: scope.syntheticKey };
          out.push({ name: scope.syntheticKey, ast, compiled: compileExpression(ast, scope, customTypes) });
        }
        for (const side of scope.sides) out.push(...sideStar(side, scope, customTypes));
        continue;
      }
      const side = scope.sideOf(e.source);
      if (side === undefined) {
        throw new PlanningError(
          `'${e.source}' is not a source in this query; use ${scope.sides.map((s) => `${s.scope.qualifier}.*`).join(', ')} or *.`,
          positionOf(e),
        );
      }
      out.push(...sideStar(side, scope, customTypes));
      continue;
    }
    let name = item.alias;
    if (name === undefined) {
      // A qualified column keeps its name unless another source has one of that name too.
      if (e.kind === 'column')
        name = e.source === undefined || !sharedName(e.name, scope) ? e.name : `${e.source}_${e.name}`;
      else if (e.kind === 'dereference') name = aliases.forField(e.field);
      else name = aliases.nextGenerated();
    }
    out.push({ name, ast: e, compiled: compileExpression(e, scope, customTypes) });
  }
  return out;
}

/**
 * PARTITION BY over a join's rows (ksqlDB's UserRepartitionNode after the JoinNode): each expression
 * is evaluated against the joined row and becomes a key column, which the projection must hold once
 * (named as the projection names it); PARTITION BY NULL writes no key. A join of two tables gives a
 * table, which keeps its key.
 */
function planPartitionBy(
  query: Query,
  partitionBy: readonly Expression[],
  input: LogicalPlan,
  planned: PlannedJoin,
  sinkName: string,
  customTypes: ReadonlyMap<string, SqlType>,
): { plan: LogicalPlan; columns: ProjectedColumn[] } {
  const { scope } = planned;
  if (partitionBy.length === 0) throw new PlanningError('PARTITION BY requires at least one expression');
  const canonical = joinAggregateInput(scope, planned).canonical;
  if (planned.kind === 'TABLE') {
    throw new PlanningError(
      `Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column ${planned.viable.length > 0 ? prefixed(planned.viable[0].side, planned.viable[0].column) : scope.syntheticKey} instead of [${partitionBy.map((e) => printExpression(e)).join(', ')}]`,
      positionOf(partitionBy[0]),
    );
  }
  const byNull = partitionBy.some((e) => e.kind === 'null');
  if (byNull && partitionBy.length > 1)
    throw new PlanningError('Cannot PARTITION BY multiple columns including NULL');
  const by = byNull ? [] : partitionBy;
  for (const e of by) {
    for (const c of columnsOf(e)) {
      if (scope.resolve(c.name, c.source) === undefined) {
        const name = c.source === undefined ? c.name : `${c.source}.${c.name}`;
        throw new PlanningError(
          `PARTITION BY column '${name}' cannot be resolved. '${name}' must be a column in the source schema since PARTITION BY is applied on the input.`,
          positionOf(c),
        );
      }
    }
  }
  const compiled = by.map((e) => compileExpression(e, scope, customTypes));
  const items = projectItems(query, scope, customTypes);
  const keys = by.map((e) => {
    const matches = items.filter((i) => expressionsEqual(canonical(i.ast), canonical(e)));
    if (matches.length === 0) {
      const required = by.map((b) => printExpression(canonical(b)));
      const plural = required.length > 1;
      throw new PlanningError(
        `Key${plural ? 's' : ''} missing from projection (ie, SELECT). \nThe query used to build \`${sinkName}\` must include the partitioning expression${plural ? 's' : ''} ${andList(required)} in its projection (eg, SELECT ${required.join(', ')}...).`,
      );
    }
    if (matches.length > 1)
      throw new PlanningError(
        `The projection contains the key column more than once: ${andList(matches.map((m) => `\`${m.name}\``))}.`,
      );
    return matches[0];
  });
  const column = (item: NamedItem, namespace: 'KEY' | 'VALUE'): ProjectedColumn => ({
    name: item.name,
    type: item.compiled.type,
    namespace,
    expression: item.compiled,
    keyOnly: false,
    sourceKey: false,
    text: printExpression(item.ast),
  });
  const columns = [
    ...keys.map((k) => column(k, 'KEY')),
    ...items.filter((i) => !keys.includes(i)).map((i) => column(i, 'VALUE')),
  ];
  if (!columns.some((c) => c.namespace === 'VALUE'))
    throw new PlanningError('The projection contains no value columns.');
  const plan: LogicalPlan = {
    kind: 'repartition',
    input,
    keys: keys.map((k, i) => ({ name: k.name, expression: compiled[i] })),
  };
  return { plan, columns };
}

/** "A", "A and B", "A, B and C". */
function andList(items: readonly string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * A GROUP BY over a join's rows: a column reference compares by the side it resolves to, prints
 * as `<ALIAS>.<COLUMN>` and is named as a join's SELECT names it.
 */
function joinAggregateInput(scope: JoinScope, planned: PlannedJoin): AggregateInput {
  const sideOf = (c: { readonly source?: string; readonly name: string }): JoinSide | undefined => {
    if (c.source !== undefined) return scope.sideOf(c.source);
    if (PSEUDO_COLUMNS.some((p) => p.name === c.name) || c.name === scope.syntheticKey) return undefined;
    const sides = scope.sidesWith(c.name);
    return sides.length === 1 ? sides[0] : undefined;
  };
  return {
    kind: planned.kind,
    name: scope.left.scope.source.name,
    scope,
    columnNames: scope.sides.flatMap((s) => s.scope.source.columns.map((c) => prefixed(s, c.name))),
    canonical: (e) =>
      mapColumns(e, (c) => {
        const side = sideOf(c);
        return side === undefined ? c : { kind: 'column', source: side.scope.qualifier, name: c.name };
      }),
    columnText: (c) => {
      const side = sideOf(c);
      return side === undefined ? c.name : `${side.scope.qualifier}.${c.name}`;
    },
    columnName: (c) =>
      c.source === undefined || !sharedName(c.name, scope) ? c.name : `${c.source}_${c.name}`,
  };
}

/** Whether both sources have a column of this name (pseudo columns they always both have). */
function sharedName(name: string, scope: JoinScope): boolean {
  return PSEUDO_COLUMNS.some((p) => p.name === name) || scope.sidesWith(name).length > 1;
}

/** Whether a SELECT item is exactly the viable key column. */
function isKeyColumn(item: NamedItem, key: ViableKey, scope: JoinScope): boolean {
  const e = item.ast;
  if (e.kind !== 'column' || e.name !== key.column) return false;
  // Sides are compared by their source scope: the viable keys were found with a first JoinScope.
  if (e.source !== undefined) return scope.sideOf(e.source)?.scope === key.side.scope;
  const sides = scope.sidesWith(e.name);
  return sides.length === 1 && sides[0].scope === key.side.scope;
}

/** "A", "A or B", "A, B or C". */
function orList(items: readonly string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * The result's key among the SELECT items (persistent queries must project it): the first viable
 * join column that is projected, else the synthetic key by its name.
 */
function keyItem(
  items: readonly NamedItem[],
  viable: readonly ViableKey[],
  scope: JoinScope,
  sinkName: string,
): NamedItem {
  const candidates: { text: string; matches: NamedItem[] }[] =
    scope.syntheticKey !== undefined
      ? [
          {
            text: scope.syntheticKey,
            matches: items.filter(
              (i) =>
                i.ast.kind === 'column' && i.ast.source === undefined && i.ast.name === scope.syntheticKey,
            ),
          },
        ]
      : viable.map((v) => ({
          text: `${v.side.scope.qualifier}.${v.column}`,
          matches: items.filter((i) => isKeyColumn(i, v, scope)),
        }));
  for (const { text, matches } of candidates) {
    if (matches.length === 0) continue;
    if (matches.length > 1) {
      const internal = scope.syntheticKey ?? text.replace('.', '_');
      throw new PlanningError(
        `The projection contains a key column (\`${internal}\`) more than once, aliased as: ${[...matches.map((m) => m.name)].sort().join(' and ')}.`,
      );
    }
    return matches[0];
  }
  const texts = candidates.map((c) => c.text);
  const plural = texts.length > 1;
  const synthetic =
    scope.syntheticKey === undefined
      ? ''
      : `\n${scope.syntheticKey} was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased.`;
  throw new PlanningError(
    `Key missing from projection (ie, SELECT). \nThe query used to build \`${sinkName}\` must include the join expression${plural ? 's' : ''} ${orList(texts)} in its projection (eg, SELECT ${texts[0]}...).${synthetic}`,
  );
}

/** ROWKEY, or ROWKEY_1, ROWKEY_2… when a source already has a column of that name. */
function syntheticKeyName(sources: readonly PlannerSource[]): string {
  const taken = new Set(sources.flatMap((s) => s.columns.map((c) => c.name)));
  let name = 'ROWKEY';
  for (let n = 1; taken.has(name); n++) name = `ROWKEY_${n}`;
  return name;
}

/**
 * A key of several columns as one join key: the list of their values (what the foreign-key join's
 * stores are keyed by, and what its result's key slot holds).
 */
function compositeKey(columns: readonly CompiledExpression[]): CompiledExpression {
  const evaluators = columns.map((c) => c.evaluate);
  return {
    ...columns[0],
    type: { kind: 'ARRAY', element: columns[0].type } as SqlType,
    evaluate: (row) => evaluators.map((e) => e(row)),
  };
}

/** A planned join (of two sources, or of an earlier join and a source): its node and names. */
interface PlannedJoin {
  readonly node: JoinNode;
  readonly scope: JoinScope;
  /** What the join gives: a table only when two tables meet. */
  readonly kind: 'STREAM' | 'TABLE';
  /** The plain join columns whose value is the join key, in the order a key is chosen. */
  readonly viable: readonly ViableKey[];
  /**
   * ksqlDB's join equivalence set (JoinTree.joinEquivalenceSet): the expressions, columns qualified,
   * whose value is this join's key; none for FULL OUTER, whose key may come from either side.
   */
  readonly equivalence: readonly Expression[];
  readonly keyType: SqlType;
  readonly sources: readonly PlannerSource[];
}

/**
 * Plans one join of a left-deep join tree: its left is a source or the join before it, its right a
 * source, and its ON one equality between an expression of the new source and one of a source
 * already joined.
 */
function planJoinTree(
  join: Join,
  lookup: (name: string) => PlannerSource | undefined,
  customTypes: ReadonlyMap<string, SqlType>,
): PlannedJoin {
  const inner = join.left.kind === 'join' ? planJoinTree(join.left, lookup, customTypes) : undefined;
  const right = lookupSource(join.right.name, lookup, join.right);
  const leftSource =
    join.left.kind === 'source' ? lookupSource(join.left.name, lookup, join.left) : undefined;
  const earlier = inner?.sources ?? (leftSource === undefined ? [] : [leftSource]);
  const twice = earlier.find((s) => s.name === right.name);
  if (twice !== undefined) {
    throw inner === undefined
      ? new PlanningError(
          `Can not join '${twice.name}' to '${right.name}': self joins are not yet supported.`,
        )
      : new PlanningError(
          `N-way joins do not support multiple occurrences of the same source. Source: '${right.name}'`,
        );
  }
  const rightScope = new SourceScope(right, join.right.alias);
  const leftOperand: SourceScope | JoinScope =
    inner?.scope ??
    new SourceScope(leftSource as PlannerSource, join.left.kind === 'source' ? join.left.alias : undefined);
  const kafka = [...(inner === undefined ? earlier : []), right]
    .filter((s) => s.valueFormat === 'KAFKA')
    .map((s) => s.name);
  if (kafka.length > 0) {
    throw new PlanningError(
      `Source(s) ${kafka.join(', ')} are using the 'KAFKA' value format. This format does not yet support JOIN.`,
    );
  }
  const leftKind = inner?.kind ?? (leftSource as PlannerSource).kind;
  const probe = new JoinScope(leftOperand, rightScope, BIGINT, undefined);
  // ksqlDB's messages name the joined sources by their names, not their aliases: the left one is
  // the source the ON's other side reads (an earlier join's, in a multi-way join).
  const leftSourceName = (): string => {
    if (leftSource !== undefined) return leftSource.name;
    try {
      return criteriaOf(join.on, probe).leftSide.scope.source.name;
    } catch {
      return probe.left.scope.qualifier;
    }
  };
  let joinKind = joinKindOf({ kind: leftKind } as PlannerSource, right, join, leftSourceName(), right.name);
  const criteria = criteriaOf(join.on, probe);
  const leftKey = compileExpression(criteria.left, leftOperand, customTypes);
  const rightKey = compileExpression(criteria.right, rightScope, customTypes);
  const leftText = qualifiedText(criteria.left, criteria.leftSide);
  const rightText = qualifiedText(criteria.right, probe.right);
  if (formatType(leftKey.type) !== formatType(rightKey.type)) {
    throw new PlanningError(
      `Invalid join condition: types don't match. Got ${leftText}{${formatType(leftKey.type)}} = ${rightText}{${formatType(rightKey.type)}}.`,
      positionOf(join.on),
    );
  }
  if (right.kind === 'TABLE') {
    // A right table is joined on its primary key, all of it: ON compares one expression, so a
    // table with several key columns is never joined on its key (ksqlDB's joinOnNonKeyAttribute).
    const keys = right.columns.filter((c) => c.namespace === 'KEY');
    if (keys.length !== 1 || criteria.right.kind !== 'column' || criteria.right.name !== keys[0].name) {
      throw new PlanningError(
        `Invalid join condition: ${joinKind === 'STREAM_TABLE' ? "stream-table joins require to join on the table's primary key" : 'table-table joins require to join on the primary key of the right input table'}. Got ${leftText} = ${rightText}.`,
        positionOf(criteria.right),
      );
    }
  }
  const leftViable = viableKey(criteria.left, criteria.leftSide);
  // The left expression is the earlier join's key when it is one of that join's key columns.
  const keepsKey =
    inner !== undefined &&
    leftViable !== undefined &&
    inner.viable.some((v) => v.side.scope === leftViable.side.scope && v.column === leftViable.column);
  let leftPrimaryKey: CompiledExpression | undefined;
  let primaryKeyColumns: ViableKey[] | undefined;
  if (joinKind === 'TABLE_TABLE') {
    const keys = criteria.leftSide.scope.source.columns.filter((c) => c.namespace === 'KEY');
    const onKey =
      inner === undefined
        ? keys.length === 1 && criteria.left.kind === 'column' && criteria.left.name === keys[0].name
        : keepsKey;
    if (!onKey) {
      // ON left.<expression> = right.<primary key>: a foreign-key join, keyed by the left table's key
      // (all its columns: a left table with several key columns is only ever joined this way).
      if (join.type === 'FULL')
        throw new PlanningError(
          `Invalid join type: full-outer join not supported for foreign-key table-table join. Got ${joinText(criteria.leftSide.scope.source.name, join.type, right.name)}.`,
          positionOf(join.on),
        );
      if (inner !== undefined)
        throw new PlanningError(
          `Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got ${leftText} = ${rightText}.`,
          positionOf(join.on),
        );
      if (join.type === 'RIGHT')
        throw new PlanningError('RIGHT OUTER JOIN on a foreign key is not supported', positionOf(join.on));
      joinKind = 'FOREIGN_KEY';
      const keyColumns = keys.map((k) =>
        compileExpression({ kind: 'column', name: k.name }, leftOperand, customTypes),
      );
      leftPrimaryKey = keyColumns.length === 1 ? keyColumns[0] : compositeKey(keyColumns);
      primaryKeyColumns = keys.map((k) => ({ side: criteria.leftSide, column: k.name }));
    }
  }
  // The key's equivalent expressions: this join's two, and an earlier join's when this one joins on
  // one of them (then its viable key columns stay viable, as ksqlDB's JoinTree keeps them).
  const qualified = (e: Expression): Expression =>
    mapColumns(e, (c) => {
      const side = c.source !== undefined ? probe.sideOf(c.source) : probe.sidesWith(c.name)[0];
      return side === undefined ? c : { kind: 'column', source: side.scope.qualifier, name: c.name };
    });
  const joinKeys = [qualified(criteria.left), qualified(criteria.right)];
  const earlierKeys = inner?.equivalence ?? [];
  const includesEarlier = earlierKeys.some((k) => joinKeys.some((j) => expressionsEqual(j, k)));
  const equivalence =
    join.type === 'FULL'
      ? []
      : [...joinKeys, ...(includesEarlier ? earlierKeys : [])].filter(
          (e, i, all) => all.findIndex((o) => expressionsEqual(o, e)) === i,
        );
  const equivalent = (v: ViableKey) =>
    equivalence.some(
      (e) => e.kind === 'column' && e.source === v.side.scope.qualifier && e.name === v.column,
    );
  const viable =
    primaryKeyColumns !== undefined
      ? primaryKeyColumns
      : [
          ...(inner?.viable ?? []),
          ...[leftViable, viableKey(criteria.right, probe.right)].filter(
            (v): v is ViableKey => v !== undefined,
          ),
        ]
          .filter(
            (v, i, all) => all.findIndex((o) => o.side.scope === v.side.scope && o.column === v.column) === i,
          )
          .filter(equivalent);
  const keyType = leftPrimaryKey?.type ?? leftKey.type;
  const sources = [...earlier, right];
  const synthetic = join.type === 'FULL' || viable.length === 0 ? syntheticKeyName(sources) : undefined;
  const scope = new JoinScope(leftOperand, rightScope, keyType, synthetic);
  const keyName = synthetic ?? (viable.length > 0 ? prefixed(viable[0].side, viable[0].column) : 'ROWKEY');
  const keySchema: PlanColumn[] =
    primaryKeyColumns !== undefined && primaryKeyColumns.length > 1
      ? primaryKeyColumns.map((k) => ({
          name: prefixed(k.side, k.column),
          type: k.side.scope.resolve(k.column)?.type ?? keyType,
          namespace: 'KEY' as const,
        }))
      : [{ name: keyName, type: keyType, namespace: 'KEY' }];
  const schema: PlanColumn[] = [
    ...keySchema,
    ...scope.sides.flatMap((side) => [
      ...side.scope.source.columns.map((c) => ({
        name: prefixed(side, c.name),
        type: c.type,
        namespace: 'VALUE' as const,
      })),
      ...PSEUDO_COLUMNS.map((p) => ({
        name: prefixed(side, p.name),
        type: p.type,
        namespace: 'VALUE' as const,
      })),
    ]),
  ];
  // A stream joined on anything but its one key column is re-keyed by the join expression
  // (ksqlDB's Join-repartition); every partition is read by one task, so no topic is written.
  const rekey = (plan: LogicalPlan, key: CompiledExpression): LogicalPlan => ({
    kind: 'repartition',
    input: plan,
    keys: [{ name: keyName, expression: key }],
  });
  const sourceInput = (
    source: PlannerSource,
    scope: SourceScope,
    on: Expression,
    key: CompiledExpression,
  ) => {
    const plan: LogicalPlan = { kind: 'source', source, scope } satisfies SourceNode;
    const keys = source.columns.filter((c) => c.namespace === 'KEY');
    const rekeyed = on.kind !== 'column' || keys.length !== 1 || keys[0].name !== on.name;
    return source.kind === 'STREAM' && rekeyed ? rekey(plan, key) : plan;
  };
  const leftInput =
    inner === undefined
      ? sourceInput(leftSource as PlannerSource, leftOperand as SourceScope, criteria.left, leftKey)
      : keepsKey || inner.kind === 'TABLE'
        ? inner.node
        : rekey(inner.node, leftKey);
  const node: JoinNode = {
    kind: 'join',
    joinKind,
    joinType: join.type,
    left: leftInput,
    right: sourceInput(right, rightScope, criteria.right, rightKey),
    leftKey,
    rightKey,
    ...(leftPrimaryKey === undefined ? {} : { leftPrimaryKey }),
    leftWidth: scope.right.offset,
    rightWidth: scope.key.index - scope.right.offset,
    window: windowOf(join.within),
    usesRowtime: false,
    // Each join of a multi-way join keeps its stores under its own names.
    storePrefix: inner === undefined ? '' : `${rightScope.qualifier}_`,
    ...(positionOf(join.right) === undefined ? {} : { position: positionOf(join.right) }),
    schema,
  };
  return {
    node,
    scope,
    kind: joinKind === 'TABLE_TABLE' || joinKind === 'FOREIGN_KEY' ? 'TABLE' : 'STREAM',
    viable,
    equivalence,
    keyType,
    sources,
  };
}

/**
 * Plans a query whose FROM is a join (two sources, or more, left-deep): sources → joins → [WHERE]
 * → project → sink. The joined row's layout and names are JoinScope's; the key and output names
 * are ksqlDB's.
 */
export function planJoinQuery(
  query: Query,
  join: Join,
  lookup: (name: string) => PlannerSource | undefined,
  mode: SelectMode,
  customTypes: ReadonlyMap<string, SqlType>,
): SinkNode {
  if (query.partitionBy !== undefined && isAggregateQuery(query))
    throw new PlanningError('Queries only support one of PARTITION BY and GROUP BY');
  if (query.partitionBy !== undefined && mode.kind !== 'persistent')
    throw new PlanningError(
      'PARTITION BY is only valid in a persistent query (CREATE STREAM … AS SELECT, INSERT INTO … SELECT).',
    );
  try {
    const planned = planJoinTree(join, lookup, customTypes);
    const { scope, viable, keyType } = planned;
    const filter = query.where === undefined ? undefined : compileExpression(query.where, scope, customTypes);
    if (filter !== undefined && filter.type.kind !== 'BOOLEAN') {
      throw new PlanningError(
        `Type error in WHERE expression: Should evaluate to boolean but is ${printExpression(query.where!)} (${formatType(filter.type)}) instead.`,
        positionOf(query.where),
      );
    }
    const joinNode = planned.node;
    let input: LogicalPlan = joinNode;
    if (filter !== undefined) input = { kind: 'filter', input, clause: 'WHERE', predicate: filter };
    // The joined row's ROWTIME is filled only when some expression read it, which is known once
    // every expression of the query is bound.
    const withRowtime = (plan: LogicalPlan): LogicalPlan =>
      transformPlan(plan, (node) =>
        node === joinNode ? { ...joinNode, usesRowtime: scope.rowtimeUsed } : node,
      );
    if (isAggregateQuery(query)) {
      // GROUP BY over the join's rows: re-keyed by the grouping expressions, as ksqlDB aggregates
      // a join's output (a table-table join's changes retract what they replace).
      const aggregated = planAggregate(query, input, joinAggregateInput(scope, planned), mode, customTypes);
      checkUnique(aggregated.columns);
      return {
        kind: 'sink',
        input: withRowtime({ kind: 'project', input: aggregated.plan, columns: aggregated.columns }),
        target:
          mode.kind === 'persistent'
            ? { kind: 'topic', name: mode.sinkName }
            : { kind: 'client', limit: query.limit },
      };
    }
    if (query.partitionBy !== undefined && mode.kind === 'persistent') {
      const rekeyed = planPartitionBy(query, query.partitionBy, input, planned, mode.sinkName, customTypes);
      checkUnique(rekeyed.columns);
      return {
        kind: 'sink',
        input: withRowtime({ kind: 'project', input: rekeyed.plan, columns: rekeyed.columns }),
        target: { kind: 'topic', name: mode.sinkName },
      };
    }
    const items = projectItems(query, scope, customTypes);
    const projectedItem = (item: NamedItem, namespace: 'KEY' | 'VALUE'): ProjectedColumn => ({
      name: item.name,
      type: item.compiled.type,
      namespace,
      expression: item.compiled,
      keyOnly: false,
      sourceKey: false,
      text: printExpression(item.ast),
    });
    let columns: ProjectedColumn[];
    if (mode.kind === 'push') {
      columns = items.map((i) => projectedItem(i, 'VALUE'));
    } else {
      const keyIndex = scope.key.index;
      if (planned.node.joinKind === 'FOREIGN_KEY') {
        const missing = viable.filter((v) => !items.some((i) => isKeyColumn(i, v, scope)));
        if (missing.length > 0) {
          const table = viable[0].side.scope.source.name;
          const plural = missing.length > 1;
          throw new PlanningError(
            `Primary key column${plural ? 's' : ''} missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (\`${table}\`). Missing column${plural ? 's' : ''}: ${missing.map((v) => `\`${prefixed(v.side, v.column)}\``).join(', ')}.`,
          );
        }
      }
      if (planned.node.joinKind === 'FOREIGN_KEY' && viable.length > 1) {
        // A left table with several key columns: the result is keyed by all of them, each read from
        // the key slot (a list of their values) so a tombstone has them too.
        const keys = viable.map((v) => keyItem(items, [v], scope, mode.sinkName));
        columns = [
          ...keys.map((key, i): ProjectedColumn => {
            const type = key.compiled.type;
            return {
              ...projectedItem(key, 'KEY'),
              expression: {
                ...key.compiled,
                evaluate: (row) => (row[keyIndex] as readonly SqlValue[] | null)?.[i] ?? null,
              },
              type,
              keyOnly: true,
            };
          }),
          ...items.filter((i) => !keys.includes(i)).map((i) => projectedItem(i, 'VALUE')),
        ];
      } else {
        const key = keyItem(items, viable, scope, mode.sinkName);
        // The key is the join's key, whichever side's column names it (a RIGHT join's unmatched row
        // still has one), as ksqlDB keys its result.
        const keyColumn: ProjectedColumn = {
          ...projectedItem(key, 'KEY'),
          type: keyType,
          expression: { ...key.compiled, type: keyType, evaluate: (row) => row[keyIndex] ?? null },
          keyOnly: true,
        };
        columns = [keyColumn, ...items.filter((i) => i !== key).map((i) => projectedItem(i, 'VALUE'))];
      }
      if (!columns.some((c) => c.namespace === 'VALUE'))
        throw new PlanningError('The projection contains no value columns.');
    }
    checkUnique(columns);
    const plan = withRowtime({ kind: 'project', input, columns });
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
