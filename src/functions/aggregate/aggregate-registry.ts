import type { SqlType, SqlValue } from '../../types/index.js';
import { converterFor, type ValueConverter } from '../argument-conversion.js';
import { instantiate, matchPattern, type TypeBindings } from '../type-pattern.js';
import {
  COLLECT_LIST,
  COLLECT_SET,
  HISTOGRAM,
  MAX,
  MIN,
  TOPK,
  TOPKDISTINCT,
} from './collection-aggregates.js';
import { ATTR, COUNT, COUNT_DISTINCT } from './counting-aggregates.js';
import { AVG, CORRELATION, STDDEV_SAMP, STDDEV_SAMPLE, SUM, SUM_LIST } from './numeric-aggregates.js';
import { EARLIEST_BY_OFFSET, LATEST_BY_OFFSET } from './offset-aggregates.js';
import {
  type AggregateConfig,
  type AggregateFunction,
  type AggregateOverload,
  DEFAULT_AGGREGATE_CONFIG,
  type Udaf,
} from './udaf.js';

/** ksqlDB's answer when no overload of an aggregate takes the arguments (or a literal argument is not one). */
export class AggregateResolutionError extends Error {
  readonly code = 'FUNCTION_RESOLUTION';
  readonly functionName: string;
  constructor(functionName: string, message: string) {
    super(message);
    this.name = 'AggregateResolutionError';
    this.functionName = functionName;
  }
}

/** An aggregate call resolved for its argument types, ready to build aggregations from. */
export interface ResolvedAggregate {
  readonly function: AggregateFunction;
  readonly overload: AggregateOverload;
  readonly returnType: SqlType;
  /** How many leading arguments are read from each row; the rest were literals. */
  readonly columnCount: number;
  /** Whether the function can aggregate a table (it has undo). */
  readonly tableCapable: boolean;
  /** A fresh aggregation (per query; its accumulators are per group). */
  create(): Udaf;
}

/** SqlBaseType names, as ksqlDB prints argument types in its resolution error. */
function baseTypeName(type: SqlType | null): string {
  return type === null ? 'NULL' : type.kind;
}

function noSuchOverload(name: string, argTypes: readonly (SqlType | null)[]): AggregateResolutionError {
  return new AggregateResolutionError(
    name,
    `There is no aggregate function with name='${name}' that has arguments of type=${argTypes.map(baseTypeName).join(',')}`,
  );
}

export class AggregateRegistry {
  readonly #functions = new Map<string, AggregateFunction>();

  register(fn: AggregateFunction): void {
    const key = fn.name.toUpperCase();
    if (this.#functions.has(key)) throw new Error(`aggregate function ${key} is declared twice`);
    this.#functions.set(key, fn);
  }

  get(name: string): AggregateFunction | undefined {
    return this.#functions.get(name.toUpperCase());
  }

  isAggregate(name: string): boolean {
    return this.#functions.has(name.toUpperCase());
  }

  list(): AggregateFunction[] {
    return [...this.#functions.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Resolves a call. `argTypes` are every argument's type (`null` for a NULL literal); `literals` holds,
   * at the same index, the value of each argument that is a literal constant (undefined otherwise):
   * trailing parameters such as TOPK's k must be literals. COUNT(*) is resolved as COUNT(ROWTIME).
   */
  resolve(
    name: string,
    argTypes: readonly (SqlType | null)[],
    literals: readonly (SqlValue | undefined)[] = [],
    config: AggregateConfig = DEFAULT_AGGREGATE_CONFIG,
  ): ResolvedAggregate {
    const fn = this.get(name);
    if (fn === undefined) {
      throw new AggregateResolutionError(
        name.toUpperCase(),
        `Can't find any functions with the name '${name.toUpperCase()}'`,
      );
    }
    let best: { overload: AggregateOverload; cost: number; bindings: TypeBindings } | undefined;
    for (const overload of fn.overloads) {
      const match = matchOverload(overload, argTypes);
      if (match !== undefined && (best === undefined || match.cost < best.cost))
        best = { overload, ...match };
    }
    if (best === undefined) throw noSuchOverload(fn.name, argTypes);
    const { overload, bindings } = best;
    const literalCount = overload.literals?.length ?? 0;
    const columnCount = argTypes.length - literalCount;
    const literalValues: SqlValue[] = [];
    for (let i = columnCount; i < argTypes.length; i++) {
      const value = literals[i];
      const declared = overload.literals?.[i - columnCount];
      if (value === undefined) {
        throw new AggregateResolutionError(
          fn.name,
          `Parameter ${declared?.name ?? i + 1} of ${fn.name} must be a literal constant (argument ${i + 1}).`,
        );
      }
      literalValues.push(value);
    }
    const columnTypes: SqlType[] = [];
    const converters: (ValueConverter | undefined)[] = [];
    for (let i = 0; i < columnCount; i++) {
      const params = overload.columns;
      const declared = params[Math.min(i, params.length - 1)].type;
      const arg = argTypes[i];
      let paramType: SqlType;
      try {
        // Each variadic column binds its own type variables (TOPK's other columns differ in type).
        const own = i >= params.length - 1 && params[params.length - 1].variadic === true;
        const b = own ? new Map() : bindings;
        if (own) matchPattern(declared, arg, b);
        paramType = instantiate(declared, b, arg);
      } catch {
        throw noSuchOverload(fn.name, argTypes);
      }
      columnTypes.push(paramType);
      converters.push(converterFor(arg, paramType));
    }
    let returnType: SqlType;
    try {
      returnType =
        typeof overload.returns === 'function'
          ? overload.returns(argTypes, bindings)
          : instantiate(overload.returns, bindings, argTypes[0]);
    } catch {
      throw noSuchOverload(fn.name, argTypes);
    }
    // Fail now, not on the first row, for literals out of range (TOPK's k of 0).
    overload.create(columnTypes, literalValues, config);
    return {
      function: fn,
      overload,
      returnType,
      columnCount,
      tableCapable: fn.tableCapable,
      create: () =>
        withConversions(overload.create(columnTypes, literalValues, config), converters, columnCount),
    };
  }
}

function matchOverload(
  overload: AggregateOverload,
  argTypes: readonly (SqlType | null)[],
): { cost: number; bindings: TypeBindings } | undefined {
  const literals = overload.literals ?? [];
  const columns = overload.columns;
  const last = columns[columns.length - 1];
  const isVariadic = last?.variadic === true;
  const columnArgs = argTypes.length - literals.length;
  const fixed = isVariadic ? columns.length - 1 : columns.length;
  if (columnArgs < fixed || (!isVariadic && columnArgs !== fixed)) return undefined;
  // A variadic parameter binds its own variable per argument, since TOPK's other columns differ in type.
  const bindings: TypeBindings = new Map();
  let cost = 0;
  for (let i = 0; i < argTypes.length; i++) {
    const pattern = i < fixed ? columns[i].type : i < columnArgs ? last.type : literals[i - columnArgs].type;
    const c = matchPattern(pattern, argTypes[i], i >= fixed && i < columnArgs ? new Map() : bindings);
    if (c === undefined) return undefined;
    cost += c;
  }
  return { cost, bindings };
}

/** Widens column values to the declared parameter types (INTEGER passed to a DOUBLE parameter). */
function withConversions(
  udaf: Udaf,
  converters: readonly (ValueConverter | undefined)[],
  columns: number,
): Udaf {
  if (converters.every((c) => c === undefined)) return udaf;
  const convert =
    columns === 1
      ? (input: SqlValue) => (input === null ? null : (converters[0] as ValueConverter)(input))
      : (input: SqlValue) =>
          (input as readonly SqlValue[]).map((v, i) =>
            v === null || converters[i] === undefined ? v : (converters[i] as ValueConverter)(v),
          );
  const undo = udaf.undo;
  return {
    initialize: () => udaf.initialize(),
    aggregate: (input, acc) => udaf.aggregate(convert(input), acc),
    merge: (a, b) => udaf.merge(a, b),
    ...(undo ? { undo: (input: SqlValue, acc: unknown) => undo.call(udaf, convert(input), acc) } : {}),
    map: (acc) => udaf.map(acc),
  };
}

/** The built-in aggregate functions, with ksqlDB 0.29's names and semantics. */
export const builtinAggregates = new AggregateRegistry();
for (const fn of [
  ATTR,
  AVG,
  COLLECT_LIST,
  COLLECT_SET,
  CORRELATION,
  COUNT,
  COUNT_DISTINCT,
  EARLIEST_BY_OFFSET,
  HISTOGRAM,
  LATEST_BY_OFFSET,
  MAX,
  MIN,
  STDDEV_SAMP,
  STDDEV_SAMPLE,
  SUM,
  SUM_LIST,
  TOPK,
  TOPKDISTINCT,
]) {
  builtinAggregates.register(fn);
}

/** The message ksqlDB gives when table-incapable aggregates are applied to a table source. */
export function tableAggregationError(functionNames: readonly string[]): string {
  const names = [...new Set(functionNames.map((n) => n.toUpperCase()))];
  const list =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `The aggregation function${names.length === 1 ? '' : 's'} ${list} cannot be applied to a table source, only to a stream source.`;
}
