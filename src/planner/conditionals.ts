// Boolean-valued expressions and CASE with ksqlDB's NULL rules, which are not SQL's three-valued
// logic: ksqlDB generates Java that tests comparisons, BETWEEN and IN for null first and answers
// FALSE, and evaluates AND, OR, NOT and CASE conditions on Java Booleans, where a null operand that
// is reached fails the whole expression (NULL). docs/sql.md lists the rules.
import type {
  BetweenExpression,
  CaseExpression,
  Expression,
  InListExpression,
  LikeExpression,
} from '../sql/index.js';
import { printExpression } from '../sql/index.js';
import type { SqlValue } from '../types/index.js';
import { BOOLEAN, formatType, type SqlType, STRING } from '../types/index.js';
import {
  type ComparisonOperator,
  comparisonEvaluator,
  converted,
  planComparison,
  type ValueTest,
} from './comparison.js';
import { ExpressionError } from './compiled-expression.js';
import { allConstant, type CompiledNode, type Evaluator, NULL_NODE, node } from './compiled-node.js';
import { commonType, widenNode } from './implicit-cast.js';
import { compileLike, likeWithPatternPerRow } from './like.js';

/** Compiles a sub-expression; the conditionals call back into the compiler with it. */
export type Compile = (expression: Expression) => CompiledNode;

function requireBoolean(n: CompiledNode, expression: Expression, role: string): void {
  if (n.type !== null && n.type.kind !== 'BOOLEAN') {
    throw new ExpressionError(
      `${role} must be BOOLEAN, but ${printExpression(expression)} is ${formatType(n.type)}.`,
    );
  }
}

export function compileAnd(left: Expression, right: Expression, compile: Compile): CompiledNode {
  const l = compile(left);
  const r = compile(right);
  requireBoolean(l, left, 'An operand of AND');
  requireBoolean(r, right, 'An operand of AND');
  const le = l.evaluate;
  const re = r.evaluate;
  // Java's `a && b`: FALSE AND x is FALSE without looking at x; a NULL reached gives NULL.
  return node(
    BOOLEAN,
    (row) => {
      const a = le(row);
      if (a === null) return null;
      return a === false ? false : re(row);
    },
    l.constant && r.constant,
  );
}

export function compileOr(left: Expression, right: Expression, compile: Compile): CompiledNode {
  const l = compile(left);
  const r = compile(right);
  requireBoolean(l, left, 'An operand of OR');
  requireBoolean(r, right, 'An operand of OR');
  const le = l.evaluate;
  const re = r.evaluate;
  // Java's `a || b`: TRUE OR x is TRUE without looking at x; a NULL reached gives NULL.
  return node(
    BOOLEAN,
    (row) => {
      const a = le(row);
      if (a === null) return null;
      return a === true ? true : re(row);
    },
    l.constant && r.constant,
  );
}

export function compileNot(operand: Expression, compile: Compile): CompiledNode {
  const n = compile(operand);
  requireBoolean(n, operand, 'The operand of NOT');
  return negate(n);
}

function negate(n: CompiledNode): CompiledNode {
  const inner = n.evaluate;
  return node(
    BOOLEAN,
    (row) => {
      const v = inner(row);
      return v === null ? null : !v;
    },
    n.constant,
  );
}

export function compileIsNull(operand: Expression, negated: boolean, compile: Compile): CompiledNode {
  const n = compile(operand);
  const inner = n.evaluate;
  return node(BOOLEAN, negated ? (row) => inner(row) !== null : (row) => inner(row) === null, n.constant);
}

/**
 * `left op right` for compiled operands; `text` is the whole expression, for messages. A NULL
 * literal operand is an error as in ksqlDB unless `nullGivesNull` (BETWEEN bounds, simple CASE).
 */
export function comparisonNode(
  op: ComparisonOperator,
  l: CompiledNode,
  r: CompiledNode,
  text: () => string,
  nullGivesNull = false,
): CompiledNode {
  if (l.type === null || r.type === null) {
    if (nullGivesNull) return node(BOOLEAN, () => null, true);
    // ksqlDB's ComparisonUtil message, with base type names.
    const left = l.type === null ? 'NULL' : l.type.kind;
    const right = r.type === null ? 'NULL' : r.type.kind;
    throw ExpressionError.ksqlDb(
      `Comparison with NULL not supported: ${left} ${op} ${right}\nUse 'IS NULL' or 'IS NOT NULL' instead.`,
    );
  }
  const plan = planComparison(op, l.type, r.type);
  if (!plan) {
    throw new ExpressionError(
      `Cannot compare ${formatType(l.type)} to ${formatType(r.type)} with ${op} in ${text()}.`,
    );
  }
  return node(
    BOOLEAN,
    comparisonEvaluator(op, plan, l.evaluate, r.evaluate, r.constant),
    l.constant && r.constant,
  );
}

/**
 * `x BETWEEN low AND high` is `x >= low AND x <= high` with ksqlDB's comparisons, so it is FALSE
 * when x or a bound is NULL, and NOT BETWEEN is then TRUE.
 */
export function compileBetween(expression: BetweenExpression, compile: Compile): CompiledNode {
  const x = compile(expression.operand);
  const text = () => printExpression(expression);
  const low = comparisonNode('>=', x, compile(expression.low), text, true);
  const high = comparisonNode('<=', x, compile(expression.high), text, true);
  const le = low.evaluate;
  const he = high.evaluate;
  const negated = expression.negated;
  return node(
    BOOLEAN,
    (row) => (le(row) === true && he(row) === true) !== negated,
    low.constant && high.constant,
  );
}

/**
 * `x IN (a, b, …)` as ksqlDB's InListEvaluator: TRUE when some non-NULL item equals x, else FALSE,
 * also when x is NULL (NULL matches nothing); NOT IN is the negation. Constant items of x's own
 * primitive type are looked up in a Set.
 */
export function compileInList(expression: InListExpression, compile: Compile): CompiledNode {
  const x = compile(expression.operand);
  const items = expression.list.map(compile);
  const operandType = x.type;
  const negated = expression.negated;
  if (operandType === null) return node(BOOLEAN, () => negated, true);
  const candidates: { evaluate: Evaluator; left: (v: SqlValue) => SqlValue; test: ValueTest }[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.type === null) continue;
    const plan = planComparison('=', operandType, item.type);
    if (!plan) {
      throw new ExpressionError(
        `Cannot compare ${formatType(operandType)} to ${formatType(item.type)} in ${printExpression(expression)}: ` +
          `${printExpression(expression.list[i])} does not match ${printExpression(expression.operand)}.`,
      );
    }
    candidates.push({
      evaluate: converted(item.evaluate, plan.convertRight),
      left: plan.convertLeft ?? ((v) => v),
      test: plan.test,
    });
  }
  const xe = x.evaluate;
  const constantItems = allConstant(items);
  let evaluate: Evaluator;
  if (
    constantItems &&
    isSetComparable(operandType) &&
    items.every((i) => i.type === null || i.type.kind === operandType.kind)
  ) {
    const values = new Set(items.map((i) => i.evaluate([])).filter((v) => v !== null));
    evaluate = (row) => {
      const v = xe(row);
      return (v !== null && values.has(v)) !== negated;
    };
  } else {
    evaluate = (row) => {
      const v = xe(row);
      if (v === null) return negated;
      for (const c of candidates) {
        const item = c.evaluate(row);
        if (item !== null && c.test(c.left(v), item)) return !negated;
      }
      return negated;
    };
  }
  return node(BOOLEAN, evaluate, x.constant && constantItems);
}

/** Types whose values are equal exactly when they are `===` (so a Set finds them). */
function isSetComparable(type: SqlType): boolean {
  switch (type.kind) {
    case 'INTEGER':
    case 'BIGINT':
    case 'STRING':
    case 'BOOLEAN':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return true;
    default:
      return false;
  }
}

export function compileLikeExpression(expression: LikeExpression, compile: Compile): CompiledNode {
  const operand = compile(expression.operand);
  const pattern = compile(expression.pattern);
  for (const [n, e] of [
    [operand, expression.operand],
    [pattern, expression.pattern],
  ] as const) {
    if (n.type !== null && n.type.kind !== 'STRING') {
      throw new ExpressionError(
        `LIKE works on STRING values, but ${printExpression(e)} is ${formatType(n.type)} in ${printExpression(expression)}.`,
      );
    }
  }
  const escapeChar = expression.escape && escapeCharacter(compile(expression.escape), expression.escape);
  const negated = expression.negated;
  const oe = operand.evaluate;
  if (pattern.constant) {
    const text = pattern.evaluate([]);
    if (text === null) return node(BOOLEAN, () => null, true);
    const matches = compileLike(text as string, escapeChar);
    return node(
      BOOLEAN,
      (row) => {
        const v = oe(row);
        return v === null ? null : matches(v as string) !== negated;
      },
      operand.constant,
    );
  }
  const matches = likeWithPatternPerRow(escapeChar);
  const pe = pattern.evaluate;
  return node(
    BOOLEAN,
    (row) => {
      const v = oe(row);
      if (v === null) return null;
      const p = pe(row);
      return p === null ? null : matches(v as string, p as string) !== negated;
    },
    false,
  );
}

function escapeCharacter(n: CompiledNode, expression: Expression): string {
  const value = n.constant && n.type?.kind === 'STRING' ? n.evaluate([]) : undefined;
  if (typeof value !== 'string' || [...value].length !== 1) {
    throw new ExpressionError(
      `The ESCAPE of LIKE must be a single character in quotes, not ${printExpression(expression)}.`,
    );
  }
  return value;
}

/** The common type of CASE results (or other alternatives), and the nodes widened to it. */
export function unify(
  nodes: readonly CompiledNode[],
  describe: () => string,
): { type: SqlType | null; nodes: CompiledNode[] } {
  let type: SqlType | null = null;
  for (const n of nodes) {
    const next = commonType(type, n.type);
    if (next === undefined) {
      throw new ExpressionError(
        `${describe()}: ${formatType(n.type ?? STRING)} does not match ${formatType(type ?? STRING)}, and neither converts to the other.`,
      );
    }
    type = next;
  }
  if (type === null) return { type, nodes: [...nodes] };
  const target = type;
  return { type, nodes: nodes.map((n) => widenNode(n, target)) };
}

export function compileCase(expression: CaseExpression, compile: Compile): CompiledNode {
  const text = () => printExpression(expression);
  const operand = expression.operand && compile(expression.operand);
  const conditions = expression.whens.map((w) => {
    const condition = compile(w.condition);
    if (operand) return comparisonNode('=', operand, condition, text, true);
    if (condition.type !== null && condition.type.kind !== 'BOOLEAN') {
      throw new ExpressionError(
        `WHEN operand type should be boolean. Type for '${printExpression(w.condition)}' is ${formatType(condition.type)}.`,
      );
    }
    return condition;
  });
  const branches = [
    ...expression.whens.map((w) => compile(w.result)),
    expression.else ? compile(expression.else) : NULL_NODE,
  ];
  const unified = unify(branches, () => `Invalid CASE expression ${text()}`);
  if (unified.type === null) {
    throw new ExpressionError(
      `Invalid CASE expression ${text()}: every branch is NULL, so it has no type. CAST one of them.`,
    );
  }
  const whens = conditions.map((c) => c.evaluate);
  const results = unified.nodes.map((n) => n.evaluate);
  const otherwise = results[whens.length];
  const count = whens.length;
  // ksqlDB's SearchedCaseFunction reads each condition as a Java boolean: a NULL condition reached
  // before a TRUE one fails the whole CASE (NULL) rather than moving on to the next WHEN.
  return node(
    unified.type,
    (row) => {
      for (let i = 0; i < count; i++) {
        const condition = whens[i](row);
        if (condition === true) return results[i](row);
        if (condition === null) return null;
      }
      return otherwise(row);
    },
    allConstant(conditions) && allConstant(unified.nodes),
  );
}
