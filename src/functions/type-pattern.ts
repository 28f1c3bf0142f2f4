import type { PrimitiveKind, SqlType } from '../types/index.js';
import {
  decimal,
  decimalOf,
  formatType,
  isNumeric,
  NUMERIC_RANK,
  primitive,
  typesEqual,
  widerNumeric,
} from '../types/index.js';

/** What a type variable may stand for; `ANY` places no limit. */
export type TypeConstraint = 'ANY' | 'NUMERIC' | 'PRIMITIVE';

/**
 * A parameter or return type in a function signature: a concrete type, or a shape with type variables
 * (`T`, `ARRAY<T>`, `MAP<K, V>`) and wildcards (`DECIMAL` of any precision, any `STRUCT`).
 */
export type TypePattern =
  | { readonly kind: 'TYPE'; readonly type: SqlType }
  | { readonly kind: 'ANY_DECIMAL' }
  | { readonly kind: 'ANY_STRUCT' }
  | { readonly kind: 'VAR'; readonly name: string; readonly constraint: TypeConstraint }
  | { readonly kind: 'ARRAY_OF'; readonly element: TypePattern }
  | { readonly kind: 'MAP_OF'; readonly key: TypePattern; readonly value: TypePattern }
  /** A lambda argument (TRANSFORM, FILTER, REDUCE): only the planner matches these, never a value. */
  | { readonly kind: 'LAMBDA'; readonly inputs: readonly TypePattern[]; readonly output: TypePattern };

/** The types bound to type variables while matching one call. */
export type TypeBindings = Map<string, SqlType>;

export const t = {
  of: (type: SqlType): TypePattern => ({ kind: 'TYPE', type }),
  prim: (kind: PrimitiveKind): TypePattern => ({ kind: 'TYPE', type: primitive(kind) }),
  decimal: { kind: 'ANY_DECIMAL' } as TypePattern,
  struct: { kind: 'ANY_STRUCT' } as TypePattern,
  variable: (name: string, constraint: TypeConstraint = 'ANY'): TypePattern => ({
    kind: 'VAR',
    name,
    constraint,
  }),
  arrayOf: (element: TypePattern): TypePattern => ({ kind: 'ARRAY_OF', element }),
  mapOf: (key: TypePattern, value: TypePattern): TypePattern => ({ kind: 'MAP_OF', key, value }),
  lambda: (inputs: readonly TypePattern[], output: TypePattern): TypePattern => ({
    kind: 'LAMBDA',
    inputs,
    output,
  }),
} as const;

export const BOOLEAN_P = t.prim('BOOLEAN');
export const INTEGER_P = t.prim('INTEGER');
export const BIGINT_P = t.prim('BIGINT');
export const DOUBLE_P = t.prim('DOUBLE');
export const STRING_P = t.prim('STRING');
export const BYTES_P = t.prim('BYTES');
export const DATE_P = t.prim('DATE');
export const TIME_P = t.prim('TIME');
export const TIMESTAMP_P = t.prim('TIMESTAMP');
export const T = t.variable('T');
export const K = t.variable('K');
export const V = t.variable('V');

export { isNumeric };

export function isPrimitive(type: SqlType): boolean {
  return type.kind !== 'ARRAY' && type.kind !== 'MAP' && type.kind !== 'STRUCT';
}

/**
 * The cost of passing `from` where `to` is declared: 0 when equal, the number of widening steps when
 * ksqlDB widens implicitly, undefined when it does not.
 */
export function wideningCost(from: SqlType, to: SqlType): number | undefined {
  if (typesEqual(from, to)) return 0;
  const a = NUMERIC_RANK[from.kind];
  const b = NUMERIC_RANK[to.kind];
  if (a === undefined || b === undefined) return undefined;
  if (from.kind === 'DECIMAL' && to.kind === 'DECIMAL') return 0; // precision is the planner's business
  return a < b ? b - a : undefined;
}

/** The narrowest type both widen to, or undefined (the common type of a type variable's arguments). */
export function commonType(a: SqlType, b: SqlType): SqlType | undefined {
  if (typesEqual(a, b)) return a;
  const ra = NUMERIC_RANK[a.kind];
  const rb = NUMERIC_RANK[b.kind];
  if (ra === undefined || rb === undefined) return undefined;
  return widerNumeric(a, b);
}

function satisfies(type: SqlType, constraint: TypeConstraint): boolean {
  if (constraint === 'NUMERIC') return isNumeric(type);
  if (constraint === 'PRIMITIVE') return isPrimitive(type);
  return true;
}

/**
 * Matches one argument type against a pattern, binding type variables (a variable seen again widens to
 * the common type). Returns the cost, or undefined when the argument does not fit. `null` stands for an
 * untyped NULL literal, which fits anything.
 */
export function matchPattern(
  pattern: TypePattern,
  arg: SqlType | null,
  bindings: TypeBindings,
): number | undefined {
  if (arg === null) return 0;
  switch (pattern.kind) {
    case 'TYPE':
      return wideningCost(arg, pattern.type);
    case 'ANY_DECIMAL':
      // INTEGER is two widening steps from DECIMAL, BIGINT one.
      return arg.kind === 'DECIMAL'
        ? 0
        : arg.kind === 'INTEGER' || arg.kind === 'BIGINT'
          ? 2 - (NUMERIC_RANK[arg.kind] ?? 0)
          : undefined;
    case 'ANY_STRUCT':
      return arg.kind === 'STRUCT' ? 0 : undefined;
    case 'VAR': {
      if (!satisfies(arg, pattern.constraint)) return undefined;
      const bound = bindings.get(pattern.name);
      if (bound === undefined) {
        bindings.set(pattern.name, arg);
        return 0;
      }
      const common = commonType(bound, arg);
      if (common === undefined) return undefined;
      bindings.set(pattern.name, common);
      return wideningCost(arg, common);
    }
    case 'ARRAY_OF':
      return arg.kind === 'ARRAY' ? exactInside(pattern.element, arg.element, bindings) : undefined;
    case 'MAP_OF': {
      if (arg.kind !== 'MAP') return undefined;
      const k = exactInside(pattern.key, arg.key, bindings);
      const v = exactInside(pattern.value, arg.value, bindings);
      return k === undefined || v === undefined ? undefined : k + v;
    }
    case 'LAMBDA':
      return undefined;
  }
}

/** Inside containers values are not converted, so element types must match without widening. */
function exactInside(pattern: TypePattern, arg: SqlType, bindings: TypeBindings): number | undefined {
  if (pattern.kind === 'VAR') {
    if (!satisfies(arg, pattern.constraint)) return undefined;
    const bound = bindings.get(pattern.name);
    if (bound === undefined) {
      bindings.set(pattern.name, arg);
      return 0;
    }
    return typesEqual(bound, arg) ? 0 : undefined;
  }
  const cost = matchPattern(pattern, arg, bindings);
  return cost === 0 ? 0 : undefined;
}

/** The concrete type a pattern stands for once its variables are bound. */
export function instantiate(pattern: TypePattern, bindings: TypeBindings, arg?: SqlType | null): SqlType {
  switch (pattern.kind) {
    case 'TYPE':
      return pattern.type;
    case 'ANY_DECIMAL':
      return arg ? decimalOf(arg) : decimal(38, 0);
    case 'ANY_STRUCT':
      if (arg && arg.kind === 'STRUCT') return arg;
      throw new Error('an open STRUCT pattern has no concrete type');
    case 'VAR': {
      const bound = bindings.get(pattern.name);
      if (bound === undefined) throw new Error(`type variable ${pattern.name} is not bound`);
      return bound;
    }
    case 'ARRAY_OF':
      return { kind: 'ARRAY', element: instantiate(pattern.element, bindings) };
    case 'MAP_OF':
      return {
        kind: 'MAP',
        key: instantiate(pattern.key, bindings),
        value: instantiate(pattern.value, bindings),
      };
    case 'LAMBDA':
      throw new Error('a lambda has no SQL type');
  }
}

/** ksqlDB's spelling of a signature type, with variables by name. */
export function formatPattern(pattern: TypePattern): string {
  switch (pattern.kind) {
    case 'TYPE':
      return formatType(pattern.type);
    case 'ANY_DECIMAL':
      return 'DECIMAL';
    case 'ANY_STRUCT':
      return 'STRUCT';
    case 'VAR':
      return pattern.name;
    case 'ARRAY_OF':
      return `ARRAY<${formatPattern(pattern.element)}>`;
    case 'MAP_OF':
      return `MAP<${formatPattern(pattern.key)}, ${formatPattern(pattern.value)}>`;
    case 'LAMBDA':
      return `LAMBDA (${pattern.inputs.map(formatPattern).join(', ')}) => ${formatPattern(pattern.output)}`;
  }
}
