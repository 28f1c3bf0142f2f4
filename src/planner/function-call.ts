// Scalar function calls, resolved once against the function library for the argument types.
import { FunctionResolutionError, type ResolvedFunction, resolveFunction } from '../functions/index.js';
import { type Expression, type FunctionCall, printExpression } from '../sql/index.js';
import { type SqlValue, STRING } from '../types/index.js';
import { EvaluationError, ExpressionError } from './compiled-expression.js';
import { allConstant, type CompiledNode, constantNode, node } from './compiled-node.js';
import type { Compile } from './conditionals.js';

// ksqlDB's built-in aggregate and table functions: not scalar, so not callable here.
const AGGREGATE_FUNCTIONS = new Set([
  'ATTR',
  'AVG',
  'COLLECT_LIST',
  'COLLECT_SET',
  'CORRELATION',
  'COUNT',
  'COUNT_DISTINCT',
  'EARLIEST_BY_OFFSET',
  'HISTOGRAM',
  'LATEST_BY_OFFSET',
  'MAX',
  'MAX_BY',
  'MIN',
  'MIN_BY',
  'STDDEV_SAMP',
  'STDDEV_SAMPLE',
  'SUM',
  'TOPK',
  'TOPKDISTINCT',
]);
const TABLE_FUNCTIONS = new Set(['EXPLODE', 'CUBE_EXPLODE']);

export function compileFunctionCall(call: FunctionCall, compile: Compile): CompiledNode {
  const name = call.name.toUpperCase();
  if (AGGREGATE_FUNCTIONS.has(name)) {
    throw new ExpressionError(
      `${name} is an aggregate function: it needs a query with GROUP BY, which Sluice does not run yet.`,
    );
  }
  if (TABLE_FUNCTIONS.has(name)) {
    throw new ExpressionError(
      `${name} is a table function: it can only be used in the SELECT items of a query over one stream.`,
    );
  }
  if (call.distinct) {
    throw new ExpressionError(`DISTINCT is only allowed in aggregate functions, not in ${name}(…).`);
  }
  const args = call.args.map((a, i) => compileArgument(a, i, name, compile));
  let fn: ResolvedFunction;
  try {
    fn = resolveFunction(
      name,
      args.map((a) => a.type),
    );
  } catch (error) {
    if (error instanceof FunctionResolutionError) throw new ExpressionError(error.message);
    throw error;
  }
  const evaluators = args.map((a) => a.evaluate);
  const count = evaluators.length;
  const invoke = fn.invoke;
  const label = fn.function.name;
  return node(
    fn.returnType,
    (row) => {
      // A fresh array per call: invoke converts arguments in place and may keep what it is given.
      const values = new Array<SqlValue>(count);
      for (let i = 0; i < count; i++) values[i] = evaluators[i](row);
      try {
        return invoke(values);
      } catch (error) {
        throw asEvaluationError(error, label);
      }
    },
    !fn.nondeterministic && allConstant(args),
  );
}

// The functions whose first argument is a time unit written bare, as ksqlDB's grammar takes it
// (`DATEADD(DAYS, 3, d)`): the unit arrives as a name, and is passed on as its text.
const INTERVAL_FUNCTIONS = new Set([
  'DATEADD',
  'DATESUB',
  'TIMEADD',
  'TIMESUB',
  'TIMESTAMPADD',
  'TIMESTAMPSUB',
]);
const TIME_UNIT = /^(?:MILLISECOND|SECOND|MINUTE|HOUR|DAY)S?$/;

function compileArgument(argument: Expression, index: number, name: string, compile: Compile): CompiledNode {
  if (
    index === 0 &&
    INTERVAL_FUNCTIONS.has(name) &&
    argument.kind === 'column' &&
    argument.source === undefined &&
    TIME_UNIT.test(argument.name)
  ) {
    // A column of that name wins, as in ksqlDB where DAY, HOUR, … are not reserved words.
    try {
      return compile(argument);
    } catch (error) {
      if (error instanceof ExpressionError) return constantNode(STRING, argument.name);
      throw error;
    }
  }
  if (argument.kind === 'lambda') {
    throw new ExpressionError(
      `${name} does not take a lambda (${printExpression(argument)}): only TRANSFORM, FILTER and REDUCE do.`,
    );
  }
  if (argument.kind === 'allColumns') {
    throw new ExpressionError(`${name}(*) is not allowed: only COUNT(*) takes '*'.`);
  }
  return compile(argument);
}

/** A function's failure on one row becomes that row's error, which the runtime logs and skips. */
export function asEvaluationError(error: unknown, functionName: string): EvaluationError {
  if (error instanceof EvaluationError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EvaluationError(
    message.startsWith(`${functionName}:`) ? message : `${functionName}: ${message}`,
  );
}
