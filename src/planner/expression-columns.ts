// The source column references inside an expression, found and rewritten with the AST transformer.
import { type ColumnReference, type Expression, transformExpression } from '../sql/index.js';

/** The names a lambda declares hide source columns of the same name below it. */
function enterLambda(node: Expression, hidden: ReadonlySet<string>): ReadonlySet<string> {
  return node.kind === 'lambda' ? new Set([...hidden, ...node.params]) : hidden;
}

/** The expression with every source column reference replaced by `fn(reference)`. */
export function mapColumns(e: Expression, fn: (c: ColumnReference) => ColumnReference): Expression {
  return transformExpression<ReadonlySet<string>>(
    e,
    new Set(),
    (node, hidden) =>
      node.kind === 'column' && !(node.source === undefined && hidden.has(node.name)) ? fn(node) : node,
    enterLambda,
  );
}

/** Every source column reference in the expression. */
export function columnsOf(e: Expression): ColumnReference[] {
  const found: ColumnReference[] = [];
  mapColumns(e, (c) => {
    found.push(c);
    return c;
  });
  return found;
}
