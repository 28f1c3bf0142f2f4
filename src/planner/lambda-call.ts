// TRANSFORM, FILTER and REDUCE: calls whose lambdas are typed from the collection they walk. A
// lambda's parameters live in slots after the row's columns; each call copies the row once and fills
// the slots per element, so the body reads them like columns.
import {
  builtinFunctions,
  filterArray,
  filterMap,
  formatSignature,
  type Lambda2,
  reduceArray,
  reduceMap,
  transformArray,
  transformMap,
} from '../functions/index.js';
import type { Expression, FunctionCall, LambdaExpression } from '../sql/index.js';
import { printExpression } from '../sql/index.js';
import { array, formatType, map, type SqlType, type SqlValue, typesEqual } from '../types/index.js';
import { type ColumnScope, ExpressionError, type ScopeColumn } from './compiled-expression.js';
import type { CompiledNode, Evaluator } from './compiled-node.js';
import type { Compile } from './conditionals.js';
import { asEvaluationError } from './function-call.js';
import { commonType, widenNode } from './implicit-cast.js';

/** Compiles expressions against another scope: how a lambda body sees its parameters. */
export type CompileIn = (scope: ColumnScope) => Compile;

export const LAMBDA_FUNCTIONS = new Set(['TRANSFORM', 'FILTER', 'REDUCE']);

/** The scope inside a lambda: its parameters first (they shadow columns), then the enclosing scope. */
class LambdaScope implements ColumnScope {
  readonly #parent: ColumnScope;
  readonly #params: ScopeColumn[];
  constructor(parent: ColumnScope, names: readonly string[], types: readonly SqlType[], base: number) {
    this.#parent = parent;
    this.#params = names.map((name, i) => ({ name, type: types[i], index: base + i }));
  }
  resolve(name: string, qualifier?: string): ScopeColumn | undefined {
    if (qualifier === undefined) {
      const param = this.#params.find((p) => p.name === name);
      if (param !== undefined) return param;
    }
    return this.#parent.resolve(name, qualifier);
  }
  columns(): readonly ScopeColumn[] {
    return [...this.#parent.columns(), ...this.#params];
  }
}

/** The first slot free for lambda parameters: after every column the scope can name. */
function firstFreeSlot(scope: ColumnScope): number {
  let next = 0;
  for (const c of scope.columns()) if (c.index >= next) next = c.index + 1;
  return next;
}

/** A compiled lambda: its result type and a factory that binds it to one row's frame. */
interface CompiledLambda {
  readonly type: SqlType | null;
  readonly base: number;
  readonly body: Evaluator;
}

function compileLambda(
  name: string,
  lambda: Expression,
  types: readonly SqlType[],
  scope: ColumnScope,
  compileIn: CompileIn,
): CompiledLambda {
  if (lambda.kind !== 'lambda') {
    throw new ExpressionError(`${name} expects a lambda here, but ${printExpression(lambda)} is not one.`);
  }
  checkArity(lambda, types.length);
  if (new Set(lambda.params).size !== lambda.params.length) {
    throw new ExpressionError(`Duplicate lambda arguments are not allowed: ${printExpression(lambda)}.`);
  }
  const base = firstFreeSlot(scope);
  const inner = new LambdaScope(scope, lambda.params, types, base);
  const body = compileIn(inner)(lambda.body);
  return { type: body.type, base, body: body.evaluate };
}

function checkArity(lambda: LambdaExpression, expected: number): void {
  if (lambda.params.length !== expected) {
    throw new ExpressionError(
      `Was expecting ${expected} arguments but found ${lambda.params.length}, [${lambda.params.join(', ')}]. Check your lambda statement.`,
    );
  }
}

/** Binds a lambda to the row it runs in: copies the row once, then fills the parameter slots per call. */
function frameFor(row: readonly SqlValue[], base: number, arity: number): SqlValue[] {
  const frame = row.slice();
  for (let i = frame.length; i < base + arity; i++) frame.push(null);
  return frame;
}

const call1 = (l: CompiledLambda, row: readonly SqlValue[]) => {
  const frame = frameFor(row, l.base, 1);
  return (a: SqlValue) => {
    frame[l.base] = a;
    return l.body(frame);
  };
};
const call2 = (l: CompiledLambda, row: readonly SqlValue[]): Lambda2 => {
  const frame = frameFor(row, l.base, 2);
  return (a, b) => {
    frame[l.base] = a;
    frame[l.base + 1] = b;
    return l.body(frame);
  };
};
const call3 = (l: CompiledLambda, row: readonly SqlValue[]) => {
  const frame = frameFor(row, l.base, 3);
  return (a: SqlValue, b: SqlValue, c: SqlValue) => {
    frame[l.base] = a;
    frame[l.base + 1] = b;
    frame[l.base + 2] = c;
    return l.body(frame);
  };
};

/** ksqlDB's answer when the arguments fit no overload: the types given and the signatures there are. */
function noOverload(
  name: string,
  args: readonly Expression[],
  types: readonly (SqlType | null)[],
): ExpressionError {
  const given = args
    .map((a, i) =>
      a.kind === 'lambda' ? 'LAMBDA' : types[i] === null ? 'NULL' : formatType(types[i] as SqlType),
    )
    .join(', ');
  const fn = builtinFunctions.get(name);
  const signatures = fn === undefined ? [] : fn.overloads.map((o) => formatSignature(fn.name, o));
  return new ExpressionError(
    `Function '${name}' does not accept parameters (${given}).\nValid alternatives are:\n${signatures.join('\n')}`,
  );
}

export function compileLambdaCall(
  call: FunctionCall,
  name: string,
  scope: ColumnScope,
  compile: Compile,
  compileIn: CompileIn,
): CompiledNode {
  const args = call.args;
  const plain = args.map((a) => (a.kind === 'lambda' ? undefined : compile(a)));
  const types = plain.map((n) => n?.type ?? null);
  const collection = plain[0];
  const collectionType = collection?.type;
  if (collection === undefined || collectionType === undefined) throw noOverload(name, args, types);
  if (collectionType === null) {
    throw new ExpressionError(
      `${name} needs an ARRAY or MAP as its first argument, but NULL has no type. CAST it, e.g. CAST(NULL AS ARRAY<INT>).`,
    );
  }
  const isArray = collectionType.kind === 'ARRAY';
  const isMap = collectionType.kind === 'MAP';
  const expectedArgs = name === 'TRANSFORM' ? (isMap ? 3 : 2) : name === 'FILTER' ? 2 : 3;
  const lambdaAt = name === 'REDUCE' ? 2 : 1;
  if (
    (!isArray && !isMap) ||
    args.length !== expectedArgs ||
    args.slice(lambdaAt).some((a) => a.kind !== 'lambda')
  ) {
    throw noOverload(name, args, types);
  }
  const source = collection.evaluate;
  const elementTypes: SqlType[] =
    collectionType.kind === 'ARRAY'
      ? [collectionType.element]
      : collectionType.kind === 'MAP'
        ? [collectionType.key, collectionType.value]
        : [];
  const lambdaFor = (i: number, paramTypes: readonly SqlType[]) =>
    compileLambda(name, args[i], paramTypes, scope, compileIn);

  switch (name) {
    case 'TRANSFORM': {
      if (isArray) {
        const fn = lambdaFor(1, elementTypes);
        return lambdaNode(
          array(typeOrFail(name, fn, args[1])),
          (row) => transformArray(source(row), call1(fn, row)),
          name,
        );
      }
      const keyFn = lambdaFor(1, elementTypes);
      const valueFn = lambdaFor(2, elementTypes);
      return lambdaNode(
        map(typeOrFail(name, keyFn, args[1]), typeOrFail(name, valueFn, args[2])),
        (row) => transformMap(source(row), call2(keyFn, row), call2(valueFn, row)),
        name,
      );
    }
    case 'FILTER': {
      const fn = lambdaFor(1, elementTypes);
      if (fn.type !== null && fn.type.kind !== 'BOOLEAN') {
        throw new ExpressionError(
          `The lambda of FILTER must return BOOLEAN, but ${printExpression(args[1])} returns ${formatType(fn.type)}.`,
        );
      }
      return isArray
        ? lambdaNode(collectionType, (row) => filterArray(source(row), call1(fn, row)), name)
        : lambdaNode(collectionType, (row) => filterMap(source(row), call2(fn, row)), name);
    }
    default:
      return compileReduce(args, plain[1] as CompiledNode, source, elementTypes, isArray, lambdaFor);
  }
}

function typeOrFail(name: string, lambda: CompiledLambda, expression: Expression): SqlType {
  if (lambda.type === null) {
    throw new ExpressionError(
      `Can't infer the type of the lambda ${printExpression(expression)} in ${name}: it returns NULL. CAST the NULL to the type you need.`,
    );
  }
  return lambda.type;
}

/**
 * REDUCE's state is typed by its initial value; when the lambda returns a wider numeric type the state
 * widens to it (INT state, BIGINT elements: a BIGINT sum), as ksqlDB's generic S takes both.
 */
function compileReduce(
  args: readonly Expression[],
  initial: CompiledNode,
  source: Evaluator,
  elementTypes: readonly SqlType[],
  isArray: boolean,
  lambdaFor: (i: number, types: readonly SqlType[]) => CompiledLambda,
): CompiledNode {
  if (initial.type === null) {
    throw new ExpressionError(
      `REDUCE needs a typed initial state, but ${printExpression(args[1])} is NULL. CAST it, e.g. CAST(NULL AS BIGINT).`,
    );
  }
  let stateType = initial.type;
  let fn = lambdaFor(2, [stateType, ...elementTypes]);
  if (fn.type !== null && !typesEqual(fn.type, stateType)) {
    const wider = commonType(stateType, fn.type);
    if (wider === undefined || wider === null) {
      throw new ExpressionError(
        `The lambda of REDUCE must return the type of its state, ${formatType(stateType)}, but ${printExpression(args[2])} returns ${formatType(fn.type)}.`,
      );
    }
    if (!typesEqual(wider, stateType)) {
      stateType = wider;
      fn = lambdaFor(2, [stateType, ...elementTypes]);
    }
  }
  if (fn.type !== null && !typesEqual(fn.type, stateType)) {
    const widened = widenNode({ type: fn.type, evaluate: fn.body, constant: false }, stateType);
    fn = { ...fn, type: stateType, body: widened.evaluate };
  }
  const start = widenNode(initial, stateType).evaluate;
  const body = fn;
  return isArray
    ? lambdaNode(stateType, (row) => reduceArray(source(row), start(row), call2(body, row)), 'REDUCE')
    : lambdaNode(stateType, (row) => reduceMap(source(row), start(row), call3(body, row)), 'REDUCE');
}

// Lambda calls are never folded at plan time: their bodies read the frame, not a constant.
function lambdaNode(type: SqlType, evaluate: Evaluator, name: string): CompiledNode {
  return {
    type,
    evaluate: (row) => {
      try {
        return evaluate(row);
      } catch (error) {
        throw asEvaluationError(error, name);
      }
    },
    constant: false,
  };
}
