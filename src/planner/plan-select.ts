import { type Expression, printExpression, type Query, type SelectItem } from '../sql/index.js';
import { formatType, type SqlType } from '../types/index.js';
import { type CompiledExpression, ExpressionError } from './compiled-expression.js';
import { compileExpression } from './expression-compiler.js';
import { type PlannerSource, SourceScope } from './source-scope.js';

/** A query the planner cannot turn into a plan: the message says why and what to do. */
export class PlanningError extends Error {
  override readonly name = 'PlanningError';
}

export interface ProjectedColumn {
  readonly name: string;
  readonly type: SqlType;
  /** KEY columns go to the record key of a persistent query's output. */
  readonly namespace: 'KEY' | 'VALUE';
  readonly expression: CompiledExpression;
}

/** A stateless query: read a source, filter, project. */
export interface SelectPlan {
  readonly source: PlannerSource;
  readonly scope: SourceScope;
  readonly filter: CompiledExpression | undefined;
  /** In SELECT order. */
  readonly columns: readonly ProjectedColumn[];
  readonly limit: number | undefined;
  /** True when PARTITION BY chose a new key. */
  readonly repartitioned: boolean;
}

export type SelectMode =
  | { readonly kind: 'push' }
  | { readonly kind: 'persistent'; readonly sinkName: string };

function notYet(what: string): PlanningError {
  return new PlanningError(
    `${what} is not supported yet in this version of Sluice: only stateless queries (WHERE, projections, PARTITION BY) run so far.`,
  );
}

interface NamedItem {
  readonly name: string;
  readonly ast: Expression;
  readonly compiled: CompiledExpression;
}

/** Expands `*` and names every item as ksqlDB does: alias, column or field name, else KSQL_COL_n. */
function projectItems(
  items: readonly SelectItem[],
  scope: SourceScope,
  customTypes: ReadonlyMap<string, SqlType>,
): NamedItem[] {
  const out: NamedItem[] = [];
  let generated = 0;
  const source = scope.source;
  for (const item of items) {
    const e = item.expression;
    if (e.kind === 'allColumns') {
      if (e.source !== undefined && scope.resolve('ROWTIME', e.source) === undefined) {
        throw new PlanningError(`'${e.source}' is not a source in this query; use ${source.name}.* or *.`);
      }
      // ksqlDB's * puts key columns first; pseudo columns are left out.
      const ordered = [
        ...source.columns.filter((c) => c.namespace === 'KEY'),
        ...source.columns.filter((c) => c.namespace !== 'KEY'),
      ];
      for (const c of ordered) {
        const ast: Expression = { kind: 'column', name: c.name };
        out.push({ name: c.name, ast, compiled: compileExpression(ast, scope, customTypes) });
      }
      continue;
    }
    let name = item.alias;
    if (name === undefined) {
      if (e.kind === 'column') name = e.name;
      else if (e.kind === 'dereference') name = e.field;
      else name = `KSQL_COL_${generated++}`;
    }
    out.push({ name, ast: e, compiled: compileExpression(e, scope, customTypes) });
  }
  const seen = new Set<string>();
  for (const item of out) {
    if (seen.has(item.name)) {
      throw new PlanningError(
        `Duplicate value columns found in schema: \`${item.name}\` ${formatType(item.compiled.type)}`,
      );
    }
    seen.add(item.name);
  }
  return out;
}

function sameExpression(a: Expression, b: Expression): boolean {
  return printExpression(a) === printExpression(b);
}

/** Plans SELECT … FROM source [WHERE …] [PARTITION BY …] for a push or persistent query. */
export function planSelect(
  query: Query,
  lookup: (name: string) => PlannerSource | undefined,
  mode: SelectMode,
  customTypes: ReadonlyMap<string, SqlType> = new Map(),
): SelectPlan {
  if (query.from.kind === 'join') throw notYet('JOIN');
  if (query.window !== undefined) throw notYet('WINDOW');
  if (query.groupBy !== undefined) throw notYet('GROUP BY (aggregation)');
  if (query.having !== undefined) throw notYet('HAVING');
  if (mode.kind === 'push' && query.emit !== 'CHANGES') {
    throw notYet('A pull query (SELECT without EMIT CHANGES)');
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
    const items = projectItems(query.select, scope, customTypes);
    const keyNames = new Set<string>();
    let repartitioned = false;
    if (mode.kind === 'persistent') {
      if (query.partitionBy !== undefined) {
        if (source.kind === 'TABLE')
          throw new PlanningError('PARTITION BY is only valid on streams; use GROUP BY to re-key a table.');
        if (query.partitionBy.length > 1) throw notYet('PARTITION BY with several expressions');
        repartitioned = true;
        const by = query.partitionBy[0];
        if (by.kind !== 'null') {
          const match = items.find((i) => sameExpression(i.ast, by));
          if (match === undefined) {
            throw new PlanningError(
              `Key missing from projection (ie, SELECT).\nThe query used to build \`${mode.sinkName}\` must include the partitioning expression ${printExpression(by)} in its projection (eg, SELECT ${printExpression(by)}...).`,
            );
          }
          keyNames.add(match.name);
        }
      } else {
        for (const key of source.columns.filter((c) => c.namespace === 'KEY')) {
          const match = items.find((i) => i.ast.kind === 'column' && i.ast.name === key.name);
          if (match === undefined) {
            throw new PlanningError(
              `Key missing from projection (ie, SELECT).\nThe query used to build \`${mode.sinkName}\` must include the key column ${key.name} in its projection (eg, SELECT ${key.name}...).`,
            );
          }
          keyNames.add(match.name);
        }
      }
    } else if (query.partitionBy !== undefined) {
      throw new PlanningError(
        'PARTITION BY is only valid in a persistent query (CREATE STREAM … AS SELECT, INSERT INTO … SELECT).',
      );
    }
    const columns: ProjectedColumn[] = items.map((i) => ({
      name: i.name,
      type: i.compiled.type,
      namespace: keyNames.has(i.name) ? 'KEY' : 'VALUE',
      expression: i.compiled,
    }));
    if (mode.kind === 'persistent' && !columns.some((c) => c.namespace === 'VALUE')) {
      throw new PlanningError(
        `The projection of \`${mode.sinkName}\` has no value columns: select at least one column besides the key.`,
      );
    }
    return { source, scope, filter, columns, limit: query.limit, repartitioned };
  } catch (err) {
    if (err instanceof ExpressionError) throw new PlanningError(err.message);
    throw err;
  }
}
