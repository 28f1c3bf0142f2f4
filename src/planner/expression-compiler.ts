// The binder/checker: turns a parsed expression into a typed tree (each node with its type, its span
// and, for columns, the column it resolved to) and emits the closures that evaluate it. All checking
// and planning happen here, once, so evaluating a row is just calling closures.
import type { BinaryExpression, ColumnReference, Expression, UnaryExpression } from '../sql/index.js';
import { printExpression, spanOf } from '../sql/index.js';
import { BOOLEAN, formatType, type SqlType, STRING } from '../types/index.js';
import { arithmeticEvaluator, arithmeticResultType, negation, toOperandType } from './arithmetic.js';
import { castConverter } from './cast.js';
import { converted } from './comparison.js';
import {
  type ColumnScope,
  type CompiledExpression,
  ExpressionError,
  type ScopeColumn,
  type TypedExpression,
} from './compiled-expression.js';
import { type CompiledNode, constantNode, NULL_NODE, node } from './compiled-node.js';
import {
  type Compile,
  comparisonNode,
  compileAnd,
  compileBetween,
  compileCase,
  compileInList,
  compileIsNull,
  compileLikeExpression,
  compileNot,
  compileOr,
} from './conditionals.js';
import { compileIsDistinctFrom } from './distinct-from.js';
import { compileFunctionCall } from './function-call.js';
import { isNumeric, widerNumeric } from './implicit-cast.js';
import { ksqlExpressionText } from './ksql-expression-text.js';
import { compileLambdaCall, LAMBDA_FUNCTIONS } from './lambda-call.js';
import { numberLiteral } from './literals.js';
import { resolveType } from './resolve-type.js';
import {
  compileArray,
  compileDereference,
  compileMap,
  compileStruct,
  compileSubscript,
} from './structured-access.js';

const NO_CUSTOM_TYPES: ReadonlyMap<string, SqlType> = new Map();

/**
 * Builds the typed tree while the checker runs: each `compile` of a node collects the typed nodes of
 * the sub-expressions it compiles, and gives an error the position of the innermost node written.
 */
class Binder {
  private readonly stack: TypedExpression[][] = [[]];
  readonly customTypes: ReadonlyMap<string, SqlType>;

  constructor(customTypes: ReadonlyMap<string, SqlType>) {
    this.customTypes = customTypes;
  }

  compileIn(scope: ColumnScope): Compile {
    const compile: Compile = (e) => this.bind(e, scope, compile);
    return compile;
  }

  private bind(e: Expression, scope: ColumnScope, compile: Compile): CompiledNode {
    const children: TypedExpression[] = [];
    this.stack.push(children);
    let compiled: CompiledNode;
    try {
      compiled = compileNode(e, scope, this, compile);
    } catch (err) {
      if (err instanceof ExpressionError && err.position === undefined) {
        const span = spanOf(e);
        if (span !== undefined) err.position = { line: span.line, column: span.column };
      }
      throw err;
    } finally {
      this.stack.pop();
    }
    const column = e.kind === 'column' ? resolvedColumns.get(compiled) : undefined;
    this.stack[this.stack.length - 1].push({
      ast: e,
      type: compiled.type,
      span: spanOf(e),
      constant: compiled.constant,
      children,
      ...(column === undefined ? {} : { column }),
    });
    return compiled;
  }

  /** The typed node of the expression compiled last at the top level. */
  root(): TypedExpression {
    const top = this.stack[0];
    return top[top.length - 1];
  }
}

/** The column each column-reference node resolved to, for the typed tree. */
const resolvedColumns = new WeakMap<CompiledNode, ScopeColumn>();

/**
 * Binds and type-checks `expression` against the columns in `scope` with ksqlDB's rules and returns
 * its typed tree, its type and an evaluator. Throws ExpressionError (with the position of the node
 * at fault when the expression came from the parser) for anything wrong with the expression itself.
 */
export function compileExpression(
  expression: Expression,
  scope: ColumnScope,
  customTypes: ReadonlyMap<string, SqlType> = NO_CUSTOM_TYPES,
): CompiledExpression {
  const binder = new Binder(customTypes);
  const compiled = binder.compileIn(scope)(expression);
  if (compiled.type === null) {
    const error = new ExpressionError(
      `Can't infer a type of NULL in ${printExpression(expression)}. CAST it to the type you need, e.g. CAST(NULL AS STRING).`,
    );
    const span = spanOf(expression);
    if (span !== undefined) error.position = { line: span.line, column: span.column };
    throw error;
  }
  return { type: compiled.type, tree: binder.root(), evaluate: compiled.evaluate };
}

function compileNode(
  expression: Expression,
  scope: ColumnScope,
  binder: Binder,
  compile: Compile,
): CompiledNode {
  const customTypes = binder.customTypes;
  switch (expression.kind) {
    case 'string':
      return constantNode(STRING, expression.value);
    case 'number':
      return numberLiteral(expression.text);
    case 'boolean':
      return constantNode(BOOLEAN, expression.value);
    case 'null':
      return NULL_NODE;
    case 'variable':
      throw new ExpressionError(
        `Variable '${expression.name}' is not defined. Define it first with DEFINE ${expression.name} = '…';`,
      );
    case 'column':
      return compileColumn(expression, scope);
    case 'allColumns':
      throw new ExpressionError(
        `'${printExpression(expression)}' is only allowed in a select list or in COUNT(*).`,
      );
    case 'unary':
      return compileUnary(expression, compile);
    case 'binary':
      return compileBinary(expression, compile);
    case 'isNull':
      return compileIsNull(expression.operand, expression.negated, compile);
    case 'isDistinctFrom':
      return compileIsDistinctFrom(expression, compile);
    case 'between':
      return compileBetween(expression, compile);
    case 'inList':
      return compileInList(expression, compile);
    case 'like':
      return compileLikeExpression(expression, compile);
    case 'case':
      return compileCase(expression, compile);
    case 'cast':
      return compileCast(compile(expression.operand), resolveCastType(expression.type, customTypes));
    case 'dereference':
      return compileDereference(expression, compile);
    case 'subscript':
      return compileSubscript(expression, compile);
    case 'functionCall': {
      const name = expression.name.toUpperCase();
      if (!LAMBDA_FUNCTIONS.has(name)) return compileFunctionCall(expression, compile);
      return compileLambdaCall(expression, name, scope, compile, (inner) => binder.compileIn(inner));
    }
    case 'lambda':
      throw new ExpressionError(
        `A lambda (${printExpression(expression)}) is only allowed as an argument of TRANSFORM, FILTER or REDUCE.`,
      );
    case 'arrayConstructor':
      return compileArray(expression.elements, compile, () => printExpression(expression));
    case 'mapConstructor':
      return compileMap(expression, compile);
    case 'structConstructor':
      return compileStruct(expression, compile);
    default: {
      const never: never = expression;
      throw new ExpressionError(`Unhandled expression ${JSON.stringify(never)}`);
    }
  }
}

function compileColumn(reference: ColumnReference, scope: ColumnScope): CompiledNode {
  const column = scope.resolve(reference.name, reference.source);
  if (!column) {
    const name = reference.source === undefined ? reference.name : `${reference.source}.${reference.name}`;
    const known = scope.columns().map((c) => c.name);
    const listing = known.length === 0 ? 'There are no columns.' : `Known columns: ${known.join(', ')}.`;
    throw new ExpressionError(`Column '${name}' cannot be resolved. ${listing}`);
  }
  const index = column.index;
  const compiled: CompiledNode = {
    type: column.type,
    evaluate: (row) => row[index] ?? null,
    constant: false,
  };
  resolvedColumns.set(compiled, column);
  return compiled;
}

function compileUnary(expression: UnaryExpression, compile: Compile): CompiledNode {
  const operand = expression.operand;
  if (expression.operator === 'NOT') return compileNot(operand, compile);
  // `-2147483648` is one INTEGER literal in ksqlDB, not the negation of a BIGINT.
  if (expression.operator === '-' && operand.kind === 'number' && !operand.text.startsWith('-')) {
    return numberLiteral(`-${operand.text}`);
  }
  const n = compile(operand);
  if (n.type === null) return NULL_NODE;
  if (!isNumeric(n.type)) {
    throw new ExpressionError(
      `Unary ${expression.operator} needs a numeric operand, but ${printExpression(operand)} is ${formatType(n.type)}.`,
    );
  }
  return expression.operator === '+' ? n : node(n.type, negation(n.type, n.evaluate), n.constant);
}

function compileBinary(expression: BinaryExpression, compile: Compile): CompiledNode {
  const { operator, left, right } = expression;
  switch (operator) {
    case 'AND':
      return compileAnd(left, right, compile);
    case 'OR':
      return compileOr(left, right, compile);
    case '||':
      // ksqlDB reads `a || b` as CONCAT(a, b), which treats NULL as empty.
      return compileFunctionCall(
        { kind: 'functionCall', name: 'CONCAT', distinct: false, args: [left, right] },
        compile,
      );
    case '=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparisonNode(operator, compile(left), compile(right), () => printExpression(expression));
    default:
      return compileArithmetic(expression, operator, compile(left), compile(right));
  }
}

function compileArithmetic(
  expression: BinaryExpression,
  operator: '+' | '-' | '*' | '/' | '%',
  l: CompiledNode,
  r: CompiledNode,
): CompiledNode {
  const leftType = l.type;
  const rightType = r.type;
  // ksqlDB's Operator.resultType: a NULL literal operand has no type, so no arithmetic.
  if (leftType === null || rightType === null) {
    const name = (t: SqlType | null) => (t === null ? 'null' : formatType(t));
    throw ExpressionError.ksqlDb(
      `Error processing expression: ${ksqlExpressionText(expression)}. Arithmetic on types ${name(leftType)} and ${name(rightType)} are not supported.`,
    );
  }
  const constant = l.constant && r.constant;
  if (operator === '+' && leftType.kind === 'STRING' && rightType.kind === 'STRING') {
    const le = l.evaluate;
    const re = r.evaluate;
    // Java's string concatenation, which ksqlDB's generated code uses: a NULL operand reads as
    // the text "null" ('a' + NULL column is 'anull'; ksqlDB issue #9136).
    return node(
      STRING,
      (row) => {
        const a = le(row);
        const b = re(row);
        return `${a === null ? 'null' : (a as string)}${b === null ? 'null' : (b as string)}`;
      },
      constant,
    );
  }
  if (!isNumeric(leftType) || !isNumeric(rightType)) {
    throw ExpressionError.ksqlDb(
      `Error processing expression: ${ksqlExpressionText(expression)}. Unsupported arithmetic types. ` +
        `${leftType.kind} ${rightType.kind}`,
    );
  }
  const resultType = arithmeticResultType(operator, leftType, rightType);
  const operandType = widerNumeric(leftType, rightType);
  const le = converted(l.evaluate, toOperandType(leftType, operandType));
  const re = converted(r.evaluate, toOperandType(rightType, operandType));
  return node(resultType, arithmeticEvaluator(operator, operandType, resultType, le, re), constant);
}

function resolveCastType(
  type: Parameters<typeof resolveType>[0],
  customTypes: ReadonlyMap<string, SqlType>,
): SqlType {
  try {
    return resolveType(type, customTypes);
  } catch (error) {
    if (error instanceof TypeError) throw new ExpressionError(error.message);
    throw error;
  }
}

function compileCast(operand: CompiledNode, to: SqlType): CompiledNode {
  if (operand.type === null) return { ...operand, type: to };
  const convert = castConverter(operand.type, to);
  return node(to, converted(operand.evaluate, convert), operand.constant);
}
