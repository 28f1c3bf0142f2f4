import type { SqlType, SqlValue } from '../types/index.js';
import { formatType } from '../types/index.js';
import { converterFor, type ValueConverter } from './argument-conversion.js';
import { keyFunctions } from './as-value.js';
import { collectionFunctions } from './collections.js';
import { conversionFunctions } from './conversions.js';
import { dateTimeFunctions } from './datetime.js';
import type { Overload, ScalarFunction, ScalarImplementation } from './function-declaration.js';
import { geoFunctions } from './geo.js';
import { jsonFunctions } from './json.js';
import { lambdaFunctions } from './lambdas.js';
import { mathFunctions } from './math.js';
import { nullFunctions } from './nulls.js';
import { stringFunctions } from './strings.js';
import { formatPattern, instantiate, matchPattern, type TypeBindings } from './type-pattern.js';
import { urlFunctions } from './url.js';

/** A call the planner asked for that no overload accepts, or a function that does not exist. */
export class FunctionResolutionError extends Error {
  readonly code = 'FUNCTION_RESOLUTION';
  readonly functionName: string;
  readonly argTypes: readonly (SqlType | null)[];
  readonly signatures: readonly string[];
  constructor(functionName: string, argTypes: readonly (SqlType | null)[], signatures: readonly string[]) {
    const given = argTypes.map((a) => (a === null ? 'NULL' : formatType(a))).join(', ');
    super(
      signatures.length === 0
        ? `Can't find any functions with the name '${functionName}'. Run SHOW FUNCTIONS to list them.`
        : `Function '${functionName}' does not accept parameters (${given}).\n` +
            `Valid alternatives are:\n${signatures.join('\n')}`,
    );
    this.name = 'FunctionResolutionError';
    this.functionName = functionName;
    this.argTypes = argTypes;
    this.signatures = signatures;
  }
}

/** One overload chosen for concrete argument types, ready to run. */
export interface ResolvedFunction {
  readonly function: ScalarFunction;
  readonly overload: Overload;
  readonly returnType: SqlType;
  /** The declared type each argument is converted to (equal to the argument type when not widened). */
  readonly paramTypes: readonly SqlType[];
  readonly nondeterministic: boolean;
  /** Runs the call. Widened arguments (e.g. INTEGER passed as BIGINT) are converted in place in `args`. */
  readonly invoke: (args: SqlValue[]) => SqlValue;
}

/** `NAME(param TYPE, ...)`, as error messages and DESCRIBE FUNCTION print an overload. */
export function formatSignature(name: string, overload: Overload): string {
  const params = overload.params.map((p) => `${p.name} ${formatPattern(p.type)}${p.variadic ? '...' : ''}`);
  return `${name}(${params.join(', ')})`;
}

// Costs: a widening step weighs more than binding a type variable, which weighs more than being variadic,
// so an exact specific overload always beats a generic or variadic one.
const WIDENING_STEP = 100;
const GENERIC_PARAM = 10;
const VARIADIC = 1;

interface Candidate {
  readonly overload: Overload;
  readonly cost: number;
  readonly bindings: TypeBindings;
}

function matchOverload(overload: Overload, argTypes: readonly (SqlType | null)[]): Candidate | undefined {
  const params = overload.params;
  const last = params[params.length - 1];
  const isVariadic = last?.variadic === true;
  const fixed = isVariadic ? params.length - 1 : params.length;
  if (argTypes.length < fixed || (!isVariadic && argTypes.length !== fixed)) return undefined;
  // First bind the type variables to the common type of their arguments, then cost every argument
  // against the bound types (a variable widened by a later argument widens the earlier ones too).
  const bindings: TypeBindings = new Map();
  for (let i = 0; i < argTypes.length; i++) {
    if (matchPattern(i < fixed ? params[i].type : last.type, argTypes[i], bindings) === undefined)
      return undefined;
  }
  let cost = isVariadic ? VARIADIC : 0;
  for (let i = 0; i < argTypes.length; i++) {
    const type = i < fixed ? params[i].type : last.type;
    const c = matchPattern(type, argTypes[i], new Map(bindings));
    if (c === undefined) return undefined;
    cost += c * WIDENING_STEP + (type.kind === 'TYPE' ? 0 : GENERIC_PARAM);
  }
  return { overload, cost, bindings };
}

export class FunctionRegistry {
  readonly #functions = new Map<string, ScalarFunction>();

  register(fn: ScalarFunction): void {
    const key = fn.name.toUpperCase();
    if (this.#functions.has(key)) throw new Error(`function ${key} is declared twice`);
    this.#functions.set(key, fn);
  }

  get(name: string): ScalarFunction | undefined {
    return this.#functions.get(name.toUpperCase());
  }

  /** Every function, sorted by name. */
  list(): ScalarFunction[] {
    return [...this.#functions.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Picks the cheapest overload for the argument types (`null` = an untyped NULL literal), widening
   * INTEGER → BIGINT → DECIMAL → DOUBLE where needed; ties go to the overload declared first.
   */
  resolve(name: string, argTypes: readonly (SqlType | null)[]): ResolvedFunction {
    const fn = this.get(name);
    if (fn === undefined) throw new FunctionResolutionError(name.toUpperCase(), argTypes, []);
    let best: Candidate | undefined;
    for (const overload of fn.overloads) {
      const candidate = matchOverload(overload, argTypes);
      if (candidate !== undefined && (best === undefined || candidate.cost < best.cost)) best = candidate;
    }
    const resolved = best && complete(fn, best, argTypes);
    if (resolved === undefined) {
      throw new FunctionResolutionError(
        fn.name,
        argTypes,
        fn.overloads.map((o) => formatSignature(fn.name, o)),
      );
    }
    return resolved;
  }
}

function complete(
  fn: ScalarFunction,
  { overload, bindings }: Candidate,
  argTypes: readonly (SqlType | null)[],
): ResolvedFunction | undefined {
  const params = overload.params;
  let paramTypes: SqlType[];
  let returnType: SqlType;
  try {
    paramTypes = argTypes.map((arg, i) =>
      instantiate(params[Math.min(i, params.length - 1)].type, bindings, arg),
    );
    returnType =
      typeof overload.returns === 'function'
        ? overload.returns(argTypes, bindings)
        : instantiate(overload.returns, bindings);
  } catch {
    return undefined; // a type variable only NULL literals could bind: nothing to type the result with
  }
  return {
    function: fn,
    overload,
    returnType,
    paramTypes,
    nondeterministic: overload.nondeterministic === true,
    invoke: withConversions(overload.specialize?.(paramTypes) ?? overload.invoke, argTypes, paramTypes),
  };
}

function withConversions(
  invoke: ScalarImplementation,
  argTypes: readonly (SqlType | null)[],
  paramTypes: readonly SqlType[],
): (args: SqlValue[]) => SqlValue {
  const conversions: [number, ValueConverter][] = [];
  for (let i = 0; i < argTypes.length; i++) {
    const convert = converterFor(argTypes[i], paramTypes[i]);
    if (convert) conversions.push([i, convert]);
  }
  if (conversions.length === 0) return invoke;
  return (args) => {
    for (const [i, convert] of conversions) if (args[i] !== null) args[i] = convert(args[i]);
    return invoke(args);
  };
}

/** The registry of built-in functions. */
export const builtinFunctions = new FunctionRegistry();
for (const group of [
  stringFunctions,
  mathFunctions,
  dateTimeFunctions,
  nullFunctions,
  jsonFunctions,
  collectionFunctions,
  conversionFunctions,
  geoFunctions,
  urlFunctions,
  keyFunctions,
  lambdaFunctions,
]) {
  for (const fn of group) builtinFunctions.register(fn);
}

/** Resolves a call against the built-in functions; see {@link FunctionRegistry.resolve}. */
export function resolveFunction(name: string, argTypes: readonly (SqlType | null)[]): ResolvedFunction {
  return builtinFunctions.resolve(name, argTypes);
}
