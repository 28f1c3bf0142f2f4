import type { SqlType, SqlValue } from '../types/index.js';
import type { TypeBindings, TypePattern } from './type-pattern.js';

/** Groups shown by SHOW FUNCTIONS, spelled as ksqlDB spells them. */
export type FunctionCategory =
  | 'MATHEMATICAL'
  | 'STRING'
  | 'REGULAR EXPRESSION'
  | 'JSON'
  | 'DATE / TIME'
  | 'ARRAY'
  | 'MAP'
  | 'CONDITIONAL'
  | 'CONVERSIONS'
  | 'URL'
  | 'LAMBDA'
  | 'TABLE'
  | 'OTHER';

/**
 * Runs one call. Arguments arrive already converted to the declared parameter types; a variadic
 * parameter's values arrive flat, as the trailing arguments.
 */
export type ScalarImplementation = (args: readonly SqlValue[]) => SqlValue;

export interface Parameter {
  readonly name: string;
  readonly type: TypePattern;
  readonly description: string;
  /** Accepts zero or more trailing arguments of `type`; only the last parameter may be variadic. */
  readonly variadic?: boolean;
}

/** A return type computed from the argument types, for results whose shape depends on them. */
export type ReturnTypeRule = (argTypes: readonly (SqlType | null)[], bindings: TypeBindings) => SqlType;

export interface Overload {
  readonly params: readonly Parameter[];
  readonly returns: TypePattern | ReturnTypeRule;
  /** How DESCRIBE FUNCTION spells a computed return type (e.g. 'DECIMAL'). */
  readonly returnTypeName?: string;
  readonly description?: string;
  readonly invoke: ScalarImplementation;
  /**
   * Builds the implementation for concrete argument types, for functions whose behaviour depends on them
   * (TO_JSON_STRING writes a DATE differently from an INTEGER). Used instead of `invoke` when present.
   */
  readonly specialize?: (argTypes: readonly SqlType[]) => ScalarImplementation;
  /** Called on every row even with constant arguments (RANDOM, UUID, UNIX_TIMESTAMP()). */
  readonly nondeterministic?: boolean;
}

export interface ScalarFunction {
  readonly name: string;
  readonly description: string;
  readonly category: FunctionCategory;
  readonly overloads: readonly Overload[];
}

/** A parameter with the common fields filled in. */
export function param(name: string, type: TypePattern, description = ''): Parameter {
  return { name, type, description };
}

export function variadic(name: string, type: TypePattern, description = ''): Parameter {
  return { name, type, description, variadic: true };
}

/** A function that throws for bad input raises this; the runtime turns it into a row-level error. */
export class FunctionInvocationError extends Error {
  readonly code = 'FUNCTION_INVOCATION';
  readonly functionName: string;
  constructor(functionName: string, message: string) {
    super(`${functionName}: ${message}`);
    this.name = 'FunctionInvocationError';
    this.functionName = functionName;
  }
}
