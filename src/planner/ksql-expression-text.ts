// Expressions as ksqlDB's ExpressionFormatter prints them in its error messages: every binary
// operation in parentheses, `null`, `true` and `false` in lower case.
import type { Expression } from '../sql/index.js';
import { printExpression } from '../sql/index.js';

export function ksqlExpressionText(e: Expression): string {
  switch (e.kind) {
    case 'binary':
      return `(${ksqlExpressionText(e.left)} ${e.operator} ${ksqlExpressionText(e.right)})`;
    case 'null':
      return 'null';
    case 'boolean':
      return e.value ? 'true' : 'false';
    default:
      return printExpression(e);
  }
}
