import type { BinaryOperator, Expression } from './ast.js';

/**
 * How tightly operators bind, loosest first. The parser and the printer both read this one table, so a
 * printed expression carries exactly the parentheses it needs to parse back to the same tree.
 */
export const Precedence = {
  lambda: 0,
  or: 1,
  and: 2,
  not: 3,
  /** = <> < <= > >= IS BETWEEN IN LIKE */
  comparison: 4,
  concat: 5,
  additive: 6,
  multiplicative: 7,
  unary: 8,
  /** Subscripts, `->`, and everything that needs no parentheses. */
  postfix: 9,
} as const;

export const BINARY_PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  OR: Precedence.or,
  AND: Precedence.and,
  '=': Precedence.comparison,
  '<>': Precedence.comparison,
  '<': Precedence.comparison,
  '<=': Precedence.comparison,
  '>': Precedence.comparison,
  '>=': Precedence.comparison,
  '||': Precedence.concat,
  '+': Precedence.additive,
  '-': Precedence.additive,
  '*': Precedence.multiplicative,
  '/': Precedence.multiplicative,
  '%': Precedence.multiplicative,
};

export function precedenceOf(expression: Expression): number {
  switch (expression.kind) {
    case 'binary':
      return BINARY_PRECEDENCE[expression.operator];
    case 'unary':
      return expression.operator === 'NOT' ? Precedence.not : Precedence.unary;
    case 'isNull':
    case 'isDistinctFrom':
    case 'between':
    case 'inList':
    case 'like':
      return Precedence.comparison;
    case 'lambda':
      return Precedence.lambda;
    default:
      return Precedence.postfix;
  }
}
