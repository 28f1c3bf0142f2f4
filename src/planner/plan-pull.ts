// Pull queries (SELECT without EMIT): checked as ksqlDB's PullQueryValidator checks them, then
// planned. A table's pull query becomes a key access (lookups, or a scan) plus window bounds, with the
// whole WHERE kept as a filter over each row read, so narrowing the read never changes the answer; a
// stream's becomes an ordinary source → filter → project plan that the engine runs to the end offsets.
import {
  type Expression,
  printExpression,
  type Query,
  type SelectItem,
  spanOf,
  transformExpression,
  visitExpression,
} from '../sql/index.js';
import { BIGINT, formatType, type SqlType, type SqlValue } from '../types/index.js';
import { ColumnAliasGenerator } from './column-aliases.js';
import { type CompiledExpression, type ErrorPosition, ExpressionError } from './compiled-expression.js';
import { compileExpression } from './expression-compiler.js';
import { canWiden, widening } from './implicit-cast.js';
import type { ProjectedColumn, SinkNode } from './logical-plan.js';
import { PlanningError } from './plan-select.js';
import { type PlannerSource, SourceScope } from './source-scope.js';

/** What ksqlDB adds to every pull-query validation message (PullQueryValidator.PULL_QUERY_SYNTAX_HELP). */
export const PULL_QUERY_HELP =
  ' See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.';

/** A table that a pull query reads, as the planner needs to know it. */
export interface PullTable extends PlannerSource {
  readonly kind: 'TABLE';
  /** A windowed table (a windowed GROUP BY): its rows are keyed by key and window. */
  readonly window: 'TIME' | 'SESSION' | undefined;
}

export interface PullOptions {
  /** ksql.query.pull.table.scan.enabled (a request may turn it off). */
  readonly tableScanEnabled: boolean;
}

/** Inclusive millisecond limits on a window's start and end; absent = unbounded. */
export interface WindowRange {
  readonly startMin?: number;
  readonly startMax?: number;
  readonly endMin?: number;
  readonly endMax?: number;
}

/** How the rows of a table are reached: some keys (in request order), or every key. */
export type KeyAccess =
  | {
      readonly kind: 'lookup';
      /** One entry per key to look up: the value of each key column, in key-column order. */
      readonly keys: readonly (readonly SqlValue[])[];
    }
  | { readonly kind: 'scan' };

export interface PullColumn {
  readonly name: string;
  readonly type: SqlType;
  /** A table's key columns (and window bounds) selected as they are: ksqlDB's header marks them KEY. */
  readonly key: boolean;
  readonly evaluate: (row: readonly SqlValue[]) => SqlValue;
}

export interface TablePullPlan {
  readonly kind: 'table';
  /**
   * The row layout every expression reads: key columns, then WINDOWSTART and WINDOWEND for a windowed
   * table, then value columns, then ROWTIME, ROWPARTITION and ROWOFFSET.
   */
  readonly scope: SourceScope;
  readonly access: KeyAccess;
  readonly windows: WindowRange;
  /**
   * The WHERE tested on each row read: all of it, but for a key lookup without the conjuncts that
   * gave the keys (every row looked up meets them), so new key values need no new filter.
   */
  readonly filter: CompiledExpression | undefined;
  /** A key lookup's literals that gave its keys (the parser's nodes): the ones `rebindTablePullKeys` may change. */
  readonly keyLiterals: ReadonlySet<Expression>;
  /** How many WHERE conjuncts gave the keys (0 for a scan). */
  readonly keyConjuncts: number;
  /**
   * For a lookup of one key given by `key = literal` conjuncts, each literal's key column (its slot in
   * the key): other values take its place without walking the WHERE again (`rebindTablePullLiterals`).
   */
  readonly keySlots: ReadonlyMap<Expression, KeySlot> | undefined;
  readonly columns: readonly PullColumn[];
  readonly limit: number | undefined;
}

/** A key column a key lookup's literal gives, and where it sits in the key. */
export interface KeySlot {
  readonly index: number;
  readonly column: string;
  readonly type: SqlType;
}

export interface StreamPullPlan {
  readonly kind: 'stream';
  /** The same plan a push query of this SELECT runs; the engine stops it at the end offsets. */
  readonly plan: SinkNode;
  readonly limit: number | undefined;
}

const DISALLOWED_PSEUDO_COLUMNS = new Set(['ROWPARTITION', 'ROWOFFSET']);
const WINDOW_BOUNDS = new Set(['WINDOWSTART', 'WINDOWEND']);

function pullError(message: string, at?: Expression): PlanningError {
  const span = at === undefined ? undefined : spanOf(at);
  const position: ErrorPosition | undefined =
    span === undefined ? undefined : { line: span.line, column: span.column };
  return new PlanningError(message, position);
}

/** ksqlDB's PullQueryValidator rules: what no pull query may have. */
export function validatePullQuery(query: Query): void {
  const fail = (message: string) => {
    throw new PlanningError(message + PULL_QUERY_HELP);
  };
  if (query.from.kind === 'join') fail("Pull queries don't support JOIN clauses.");
  if (query.window !== undefined) fail("Pull queries don't support WINDOW clauses.");
  if (query.groupBy !== undefined) fail("Pull queries don't support GROUP BY clauses.");
  if (query.partitionBy !== undefined) fail("Pull queries don't support PARTITION BY clauses.");
  if (query.having !== undefined) fail("Pull queries don't support HAVING clauses.");
  if (query.limit !== undefined && query.limit < 0)
    fail("Pull queries don't support negative integers in the LIMIT clause.");
  if (query.emit !== undefined) fail("Pull queries don't support EMIT clauses.");
  const disallowed = (expressions: readonly Expression[]) => {
    const names: string[] = [];
    for (const e of expressions) {
      visitExpression(e, (node) => {
        if (node.kind === 'column' && DISALLOWED_PSEUDO_COLUMNS.has(node.name))
          names.push(`\`${node.name}\``);
      });
    }
    return names.join(', ');
  };
  const inSelect = disallowed(query.select.map((i) => i.expression));
  if (inSelect !== '')
    fail(`Pull queries don't support the following columns in SELECT clauses: ${inSelect}\n`);
  const inWhere = disallowed(query.where === undefined ? [] : [query.where]);
  if (inWhere !== '') fail(`Pull queries don't support the following columns in WHERE clauses: ${inWhere}\n`);
}

interface NamedItem {
  readonly name: string;
  readonly ast: Expression;
}

/** Names the SELECT items as ksqlDB does (alias, column, struct field, KSQL_COL_n); `*` is every column. */
function namedItems(items: readonly SelectItem[], scope: SourceScope): NamedItem[] {
  const source = scope.source;
  const aliases = new ColumnAliasGenerator(source.columns.map((c) => c.name));
  const out: NamedItem[] = [];
  for (const item of items) {
    const e = item.expression;
    if (e.kind === 'allColumns') {
      if (e.source !== undefined && !scope.isQualifier(e.source))
        throw new PlanningError(`'${e.source}' is not a source in this query; use ${source.name}.* or *.`);
      for (const c of source.columns) out.push({ name: c.name, ast: { kind: 'column', name: c.name } });
      continue;
    }
    let name = item.alias;
    if (name === undefined) {
      if (e.kind === 'column') name = e.name;
      else if (e.kind === 'dereference') name = aliases.forField(e.field);
      else name = aliases.nextGenerated();
    }
    out.push({ name, ast: e });
  }
  return out;
}

function checkUniqueNames(items: readonly NamedItem[]): void {
  const seen = new Set<string>();
  for (const i of items) {
    if (seen.has(i.name)) throw new PlanningError(`Duplicate value columns found in schema: \`${i.name}\``);
    seen.add(i.name);
  }
}

/** The row layout of a table's pull query: keys, window bounds, values (see TablePullPlan.scope). */
export function pullTableScope(table: PullTable, alias?: string): SourceScope {
  const keys = table.columns.filter((c) => c.namespace === 'KEY');
  const values = table.columns.filter((c) => c.namespace !== 'KEY');
  const bounds =
    table.window === undefined
      ? []
      : [
          { name: 'WINDOWSTART', type: BIGINT, namespace: 'KEY' as const },
          { name: 'WINDOWEND', type: BIGINT, namespace: 'KEY' as const },
        ];
  return new SourceScope(
    { kind: 'TABLE', name: table.name, columns: [...keys, ...bounds, ...values] },
    alias,
  );
}

/** ksqlDB's names of comparison operators in its messages (ComparisonExpression.Type). */
const OPERATOR_NAMES: Record<string, string> = {
  '=': 'EQUAL',
  '<>': 'NOT_EQUAL',
  '<': 'LESS_THAN',
  '<=': 'LESS_THAN_OR_EQUAL',
  '>': 'GREATER_THAN',
  '>=': 'GREATER_THAN_OR_EQUAL',
};
const MIRRORED: Record<string, string> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** The conjuncts of a WHERE: `a AND (b AND c)` → [a, b, c]. */
function conjuncts(e: Expression): Expression[] {
  return e.kind === 'binary' && e.operator === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

function disjuncts(e: Expression): Expression[] {
  return e.kind === 'binary' && e.operator === 'OR' ? [...disjuncts(e.left), ...disjuncts(e.right)] : [e];
}

function isLiteral(e: Expression): boolean {
  if (e.kind === 'unary' && (e.operator === '-' || e.operator === '+')) return isLiteral(e.operand);
  return e.kind === 'string' || e.kind === 'number' || e.kind === 'boolean' || e.kind === 'null';
}

/** A comparison of a column with a literal, the column on the left. */
interface ColumnComparison {
  readonly column: string;
  readonly operator: string;
  readonly literal: Expression;
  readonly ast: Expression;
}

function columnComparison(e: Expression, scope: SourceScope): ColumnComparison | undefined {
  if (e.kind !== 'binary' || OPERATOR_NAMES[e.operator] === undefined) return undefined;
  const column = (x: Expression) =>
    x.kind === 'column' && (x.source === undefined || scope.isQualifier(x.source)) ? x.name : undefined;
  const left = column(e.left);
  if (left !== undefined && isLiteral(e.right))
    return { column: left, operator: e.operator, literal: e.right, ast: e };
  const right = column(e.right);
  if (right !== undefined && isLiteral(e.left))
    return { column: right, operator: MIRRORED[e.operator], literal: e.left, ast: e };
  return undefined;
}

/** ISO-8601 text as epoch ms, as ksqlDB reads window bounds given as text (no zone: UTC). */
function windowBoundText(text: string, at: Expression): number {
  // Java's ISO offsets may leave out the colon (+0100); Date.parse wants +01:00.
  const t = text.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const iso = /[zZ]|[+-]\d{2}:\d{2}$/.test(t) ? t : `${t}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw pullError(
      `Failed to parse window bound '${text}': expected epoch milliseconds or ISO-8601 text such as '2020-02-23T23:45:12.000'.`,
      at,
    );
  }
  return ms;
}

/**
 * WINDOWSTART/WINDOWEND compared with text: the text becomes its epoch ms, so the comparison binds
 * as BIGINT with BIGINT. Other expressions are returned as they are (keeping their positions).
 */
function windowBoundsAsNumbers(where: Expression, scope: SourceScope): Expression {
  let needed = false;
  visitExpression(where, (node) => {
    const c = columnComparison(node, scope);
    if (c !== undefined && WINDOW_BOUNDS.has(c.column) && c.literal.kind === 'string') needed = true;
    if (node.kind === 'between' && node.operand.kind === 'column' && WINDOW_BOUNDS.has(node.operand.name))
      needed ||= node.low.kind === 'string' || node.high.kind === 'string';
  });
  if (!needed) return where;
  const asNumber = (e: Expression): Expression =>
    e.kind === 'string' ? { kind: 'number', text: String(windowBoundText(e.value, e)) } : e;
  return transformExpression(where, undefined, (node) => {
    if (node.kind === 'between' && node.operand.kind === 'column' && WINDOW_BOUNDS.has(node.operand.name))
      return { ...node, low: asNumber(node.low), high: asNumber(node.high) };
    if (node.kind !== 'binary') return node;
    const c = columnComparison(node, scope);
    if (c === undefined || !WINDOW_BOUNDS.has(c.column)) return node;
    return { ...node, left: asNumber(node.left), right: asNumber(node.right) };
  });
}

const EMPTY_SCOPE = new SourceScope({ kind: 'STREAM', name: 'LITERALS', columns: [] });

/** A literal's value as the key column's type; ksqlDB's error when the types cannot compare. */
function keyValue(
  c: ColumnComparison,
  keyType: SqlType,
  customTypes: ReadonlyMap<string, SqlType>,
): SqlValue {
  if (c.literal.kind === 'null')
    throw pullError(`Primary key columns can not be NULL: (${c.column} ${c.operator} null)`, c.ast);
  const literal = compileExpression(c.literal, EMPTY_SCOPE, customTypes);
  const value = literal.evaluate([]);
  if (formatType(literal.type) === formatType(keyType)) return value;
  if (!canWiden(literal.type, keyType)) {
    throw pullError(
      `Error in WHERE expression: Cannot compare ${c.column} (${formatType(keyType)}) to ${printExpression(c.literal)} (${formatType(literal.type)}) with ${OPERATOR_NAMES[c.operator]}.`,
      c.ast,
    );
  }
  const widen = widening(literal.type, keyType);
  return value === null || widen === undefined ? value : widen(value);
}

/** The error for a WHERE that needs a table scan while a request turned scans off. */
function scanDisabled(reason?: string): PlanningError {
  return new PlanningError(
    reason ??
      'Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true',
  );
}

/** The key values one conjunct allows, if it constrains a key column to literals (=, IN, OR of =). */
function keyValuesOf(
  e: Expression,
  keyTypes: ReadonlyMap<string, SqlType>,
  scope: SourceScope,
  customTypes: ReadonlyMap<string, SqlType>,
): { column: string; values: SqlValue[]; kind: 'equal' | 'in' } | undefined {
  if (e.kind === 'inList' && !e.negated && e.operand.kind === 'column' && keyTypes.has(e.operand.name)) {
    const column = e.operand.name;
    if (!e.list.every(isLiteral)) return undefined;
    const type = keyTypes.get(column)!;
    return {
      column,
      kind: 'in',
      values: e.list.map((literal) =>
        keyValue({ column, operator: '=', literal, ast: e }, type, customTypes),
      ),
    };
  }
  const parts = disjuncts(e);
  const comparisons = parts.map((p) => columnComparison(p, scope));
  const first = comparisons[0];
  if (first === undefined || !keyTypes.has(first.column)) return undefined;
  if (comparisons.some((c) => c === undefined || c.column !== first.column || c.operator !== '='))
    return undefined;
  const type = keyTypes.get(first.column)!;
  return {
    column: first.column,
    kind: parts.length > 1 ? 'in' : 'equal',
    values: comparisons.map((c) => keyValue(c!, type, customTypes)),
  };
}

/** Narrows a window range by one comparison of WINDOWSTART or WINDOWEND with a number. */
function narrowWindows(range: WindowRange, c: ColumnComparison, value: number): WindowRange {
  const start = c.column === 'WINDOWSTART';
  const min = start ? 'startMin' : 'endMin';
  const max = start ? 'startMax' : 'endMax';
  const out: { -readonly [K in keyof WindowRange]: WindowRange[K] } = { ...range };
  const raise = (v: number) => {
    out[min] = Math.max(out[min] ?? Number.NEGATIVE_INFINITY, v);
  };
  const lower = (v: number) => {
    out[max] = Math.min(out[max] ?? Number.POSITIVE_INFINITY, v);
  };
  switch (c.operator) {
    case '=':
      raise(value);
      lower(value);
      break;
    case '>':
      raise(value + 1);
      break;
    case '>=':
      raise(value);
      break;
    case '<':
      lower(value - 1);
      break;
    case '<=':
      lower(value);
      break;
  }
  return out;
}

/** Every combination of the key columns' allowed values, first column slowest (request order). */
function combinations(values: readonly (readonly SqlValue[])[]): SqlValue[][] {
  let out: SqlValue[][] = [[]];
  for (const column of values) out = out.flatMap((prefix) => column.map((v) => [...prefix, v]));
  return out;
}

/** The key access and window range a WHERE allows; scans are refused here when turned off. */
function keyAccess(
  where: Expression | undefined,
  table: PullTable,
  scope: SourceScope,
  options: PullOptions,
  customTypes: ReadonlyMap<string, SqlType>,
): { access: KeyAccess; windows: WindowRange; keyConjuncts: Expression[] } {
  const keyColumns = table.columns.filter((c) => c.namespace === 'KEY');
  const keyTypes = new Map(keyColumns.map((c) => [c.name, c.type]));
  let windows: WindowRange = {};
  if (where === undefined) {
    if (!options.tableScanEnabled) throw scanDisabled();
    return { access: { kind: 'scan' }, windows, keyConjuncts: [] };
  }
  const keyConjuncts: Expression[] = [];
  const allowed = new Map<string, { values: SqlValue[]; kind: 'equal' | 'in' }>();
  let otherKeyComparison: string | undefined;
  let keyRange: string | undefined;
  let missingKeyDisjunct: Expression | undefined;
  for (const conjunct of conjuncts(where)) {
    const values = keyValuesOf(conjunct, keyTypes, scope, customTypes);
    if (values !== undefined) {
      keyConjuncts.push(conjunct);
      const before = allowed.get(values.column);
      if (before !== undefined && (before.kind === 'in' || values.kind === 'in'))
        otherKeyComparison = values.column;
      // Two conditions on one key: only values both allow.
      const kept =
        before === undefined ? values.values : before.values.filter((v) => values.values.includes(v));
      allowed.set(values.column, { values: kept, kind: before?.kind === 'in' ? 'in' : values.kind });
      continue;
    }
    const c = columnComparison(conjunct, scope);
    if (c !== undefined && table.window !== undefined && WINDOW_BOUNDS.has(c.column)) {
      const literal = compileExpression(c.literal, EMPTY_SCOPE, customTypes);
      const v = literal.evaluate([]);
      if (typeof v === 'number' || typeof v === 'bigint') windows = narrowWindows(windows, c, Number(v));
      continue;
    }
    if (c !== undefined && keyTypes.has(c.column)) {
      if (c.literal.kind === 'null')
        throw pullError(`Primary key columns can not be NULL: (${c.column} ${c.operator} null)`, c.ast);
      keyValue(c, keyTypes.get(c.column)!, customTypes); // type-checks the literal
      keyRange ??= c.column;
      if (allowed.get(c.column)?.kind === 'in') otherKeyComparison = c.column;
      continue;
    }
    const parts = disjuncts(conjunct);
    if (parts.length > 1) {
      missingKeyDisjunct ??= parts.find((p) => {
        let readsKey = false;
        visitExpression(p, (n) => {
          readsKey ||= n.kind === 'column' && keyTypes.has(n.name);
        });
        return !readsKey;
      });
    }
  }
  for (const [column, a] of allowed) {
    if (a.kind === 'in' && keyRange === column) otherKeyComparison = column;
  }
  const complete = keyColumns.every((k) => allowed.has(k.name));
  if (complete && otherKeyComparison === undefined) {
    return {
      access: { kind: 'lookup', keys: combinations(keyColumns.map((k) => allowed.get(k.name)!.values)) },
      windows,
      keyConjuncts,
    };
  }
  if (!options.tableScanEnabled) {
    if (otherKeyComparison !== undefined)
      throw scanDisabled(
        'A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate',
      );
    if (missingKeyDisjunct !== undefined)
      throw scanDisabled(
        `WHERE clause missing key column for disjunct: ${printExpression(missingKeyDisjunct)}`,
      );
    if (allowed.size > 0 && keyColumns.length > 1)
      throw scanDisabled('Multi-column sources must specify every key in the WHERE clause.');
    if (keyRange !== undefined) {
      const key = keyColumns.find((k) => k.name === keyRange)!;
      // Range scans on STRING keys are allowed without table scans (ksql.query.pull.range.scan.enabled).
      if (key.type.kind === 'STRING' && keyColumns.length === 1)
        return { access: { kind: 'scan' }, windows, keyConjuncts: [] };
      throw scanDisabled(
        `Bound on key columns '[\`${key.name}\` ${formatType(key.type)} KEY]' must currently be '='.`,
      );
    }
    throw scanDisabled();
  }
  return { access: { kind: 'scan' }, windows, keyConjuncts: [] };
}

/** The literal leaves of some expressions (a signed number's number too). */
function literalsIn(expressions: readonly Expression[]): Set<Expression> {
  const out = new Set<Expression>();
  for (const e of expressions) {
    visitExpression(e, (n) => {
      if (n.kind === 'string' || n.kind === 'number') out.add(n);
    });
  }
  return out;
}

/** `a AND b AND …` of some conjuncts; undefined for none. */
function allOf(parts: readonly Expression[]): Expression | undefined {
  return parts.reduce<Expression | undefined>(
    (acc, p) => (acc === undefined ? p : { kind: 'binary', operator: 'AND', left: acc, right: p }),
    undefined,
  );
}

/** Checks that WINDOWSTART/WINDOWEND appear only where the table is windowed. */
function checkWindowColumns(where: Expression | undefined, table: PullTable): void {
  if (where === undefined || table.window !== undefined) return;
  visitExpression(where, (n) => {
    if (n.kind === 'column' && WINDOW_BOUNDS.has(n.name)) {
      throw pullError(`WHERE column '${n.name}' cannot be resolved.`, n);
    }
  });
}

function compileIn<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ExpressionError) throw PlanningError.from(err);
    throw err;
  }
}

/** Plans a pull query over a materialized table. */
export function planTablePull(
  query: Query,
  table: PullTable,
  options: PullOptions,
  customTypes: ReadonlyMap<string, SqlType> = new Map(),
): TablePullPlan {
  validatePullQuery(query);
  const alias = query.from.kind === 'source' ? query.from.alias : undefined;
  const scope = pullTableScope(table, alias);
  checkWindowColumns(query.where, table);
  return compileIn(() => {
    const where = query.where === undefined ? undefined : windowBoundsAsNumbers(query.where, scope);
    const { access, windows, keyConjuncts } = keyAccess(where, table, scope, options, customTypes);
    const whole = where === undefined ? undefined : compileExpression(where, scope, customTypes);
    if (whole !== undefined && whole.type.kind !== 'BOOLEAN') {
      throw new PlanningError(
        `Type error in WHERE expression: Should evaluate to boolean but is ${printExpression(where!)} (${formatType(whole.type)}) instead.`,
      );
    }
    let filter = whole;
    if (access.kind === 'lookup' && where !== undefined) {
      const rest = allOf(conjuncts(where).filter((c) => !keyConjuncts.includes(c)));
      filter = rest === undefined ? undefined : compileExpression(rest, scope, customTypes);
    }
    const items = namedItems(query.select, scope);
    checkUniqueNames(items);
    const keys = new Set(scope.source.columns.filter((c) => c.namespace === 'KEY').map((c) => c.name));
    const columns = items.map((i): PullColumn => {
      const compiled = compileExpression(i.ast, scope, customTypes);
      const ast = i.ast;
      const key =
        ast.kind === 'column' &&
        (ast.source === undefined || scope.isQualifier(ast.source)) &&
        keys.has(ast.name);
      return { name: i.name, type: compiled.type, key, evaluate: compiled.evaluate };
    });
    return {
      kind: 'table',
      scope,
      access,
      windows,
      filter,
      keyLiterals: literalsIn(keyConjuncts),
      keyConjuncts: keyConjuncts.length,
      keySlots: access.kind === 'lookup' ? keySlotsOf(keyConjuncts, table, scope) : undefined,
      columns,
      limit: query.limit,
    };
  });
}

/**
 * The same key lookup with other key values: `where` is the planned query's WHERE with some of its
 * `keyLiterals` replaced. The keys are found and type-checked again; undefined when the WHERE no longer
 * makes the same lookup. Throws the planner's errors (a literal of the wrong type).
 */
export function rebindTablePullKeys(
  plan: TablePullPlan,
  where: Expression,
  table: PullTable,
  options: PullOptions,
  customTypes: ReadonlyMap<string, SqlType> = new Map(),
): TablePullPlan | undefined {
  if (plan.access.kind !== 'lookup') return undefined;
  return compileIn(() => {
    const asNumbers = windowBoundsAsNumbers(where, plan.scope);
    const bound = keyAccess(asNumbers, table, plan.scope, options, customTypes);
    if (bound.access.kind !== 'lookup' || bound.keyConjuncts.length !== plan.keyConjuncts) return undefined;
    return { ...plan, access: bound.access, windows: bound.windows };
  });
}

/** Each literal of `key = literal` conjuncts naming every key column once, by its slot; else undefined. */
function keySlotsOf(
  keyConjuncts: readonly Expression[],
  table: PullTable,
  scope: SourceScope,
): ReadonlyMap<Expression, KeySlot> | undefined {
  const keyColumns = table.columns.filter((c) => c.namespace === 'KEY');
  if (keyConjuncts.length !== keyColumns.length) return undefined;
  const slots = new Map<Expression, KeySlot>();
  const taken = new Set<number>();
  for (const conjunct of keyConjuncts) {
    const c = columnComparison(conjunct, scope);
    if (c === undefined || c.operator !== '=') return undefined;
    if (c.literal.kind !== 'string' && c.literal.kind !== 'number') return undefined;
    const index = keyColumns.findIndex((k) => k.name === c.column);
    if (index < 0 || taken.has(index)) return undefined;
    taken.add(index);
    slots.set(c.literal, { index, column: c.column, type: keyColumns[index].type });
  }
  return slots;
}

/**
 * The same one-key lookup with other literals in place of some of `plan.keySlots`' (`changed`: the
 * planned literal → the new one), each type-checked as planning would; undefined when a changed
 * literal is not a key slot. Throws the planner's error for a literal of the wrong type.
 */
export function rebindTablePullLiterals(
  plan: TablePullPlan,
  changed: ReadonlyMap<Expression, Expression>,
  customTypes: ReadonlyMap<string, SqlType> = new Map(),
): TablePullPlan | undefined {
  const slots = plan.keySlots;
  if (slots === undefined || plan.access.kind !== 'lookup' || plan.access.keys.length !== 1) return undefined;
  const key = [...plan.access.keys[0]];
  for (const [node, literal] of changed) {
    const slot = slots.get(node);
    if (slot === undefined) return undefined;
    key[slot.index] =
      literal.kind === 'string' && slot.type.kind === 'STRING'
        ? literal.value
        : compileIn(() =>
            keyValue({ column: slot.column, operator: '=', literal, ast: literal }, slot.type, customTypes),
          );
  }
  return { ...plan, access: { kind: 'lookup', keys: [key] } };
}

/**
 * Plans a pull query over a stream: the source's rows from the beginning, the WHERE, the projection
 * (ksqlDB ≥ 0.23; the engine reads up to the end offsets seen when the query starts).
 */
export function planStreamPull(
  query: Query,
  stream: PlannerSource,
  customTypes: ReadonlyMap<string, SqlType> = new Map(),
): StreamPullPlan {
  validatePullQuery(query);
  const alias = query.from.kind === 'source' ? query.from.alias : undefined;
  const scope = new SourceScope(stream, alias);
  return compileIn(() => {
    const filter = query.where === undefined ? undefined : compileExpression(query.where, scope, customTypes);
    if (filter !== undefined && filter.type.kind !== 'BOOLEAN') {
      throw new PlanningError(
        `Type error in WHERE expression: Should evaluate to boolean but is ${printExpression(query.where!)} (${formatType(filter.type)}) instead.`,
      );
    }
    const items = namedItems(query.select, scope);
    checkUniqueNames(items);
    const columns = items.map((i): ProjectedColumn => {
      const compiled = compileExpression(i.ast, scope, customTypes);
      return {
        name: i.name,
        type: compiled.type,
        namespace: 'VALUE',
        expression: compiled,
        keyOnly: false,
        sourceKey: false,
        text: printExpression(i.ast),
      };
    });
    const source = { kind: 'source' as const, source: stream, scope };
    const input =
      filter === undefined
        ? source
        : { kind: 'filter' as const, input: source, clause: 'WHERE' as const, predicate: filter };
    return {
      kind: 'stream',
      plan: {
        kind: 'sink',
        input: { kind: 'project', input, columns },
        target: { kind: 'client', limit: query.limit },
      },
      limit: query.limit,
    };
  });
}
