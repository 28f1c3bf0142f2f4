// `a IS [NOT] DISTINCT FROM b`: equality in which NULL is a value like any other, so the answer is
// never NULL. Values compare as `=` compares them (numbers across types, decimals by value).
import type { IsDistinctFromExpression } from '../sql/index.js';
import { printExpression } from '../sql/index.js';
import { BOOLEAN, formatType } from '../types/index.js';
import { converted, planComparison } from './comparison.js';
import { ExpressionError } from './compiled-expression.js';
import { type CompiledNode, node } from './compiled-node.js';
import type { Compile } from './conditionals.js';

export function compileIsDistinctFrom(expression: IsDistinctFromExpression, compile: Compile): CompiledNode {
  const l = compile(expression.left);
  const r = compile(expression.right);
  const distinct = !expression.negated;
  const constant = l.constant && r.constant;
  // An untyped NULL side: the answer is whether the other side is (not) NULL.
  if (l.type === null || r.type === null) {
    const other = l.type === null ? r.evaluate : l.evaluate;
    const bothNull = l.type === null && r.type === null;
    return node(BOOLEAN, (row) => (bothNull || other(row) === null ? !distinct : distinct), constant);
  }
  const plan = planComparison('=', l.type, r.type);
  if (plan === undefined) {
    throw new ExpressionError(
      `Cannot compare ${formatType(l.type)} to ${formatType(r.type)} with IS ${expression.negated ? 'NOT ' : ''}DISTINCT FROM in ${printExpression(expression)}.`,
    );
  }
  const le = converted(l.evaluate, plan.convertLeft);
  const re = converted(r.evaluate, plan.convertRight);
  const equal = plan.test;
  return node(
    BOOLEAN,
    (row) => {
      const a = le(row);
      const b = re(row);
      if (a === null || b === null) return a === b ? !distinct : distinct;
      return equal(a, b) ? !distinct : distinct;
    },
    constant,
  );
}
