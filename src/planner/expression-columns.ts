// The column references inside an expression, found and rewritten without a visitor per node
// kind: the AST is plain data, so a walk over its fields reaches every nested expression.
import type { ColumnReference, Expression } from '../sql/index.js';

type Node = { readonly [field: string]: unknown };

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array);
}

function mapNode(
  value: unknown,
  fn: (c: ColumnReference) => ColumnReference,
  hidden: ReadonlySet<string>,
): unknown {
  if (Array.isArray(value)) return value.map((v) => mapNode(v, fn, hidden));
  if (!isNode(value)) return value;
  if (value.kind === 'column') {
    const c = value as unknown as ColumnReference;
    // A lambda's own parameter is not a column of the source.
    return c.source === undefined && hidden.has(c.name) ? c : fn(c);
  }
  const inner =
    value.kind === 'lambda' ? new Set([...hidden, ...(value.params as readonly string[])]) : hidden;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = mapNode(v, fn, inner);
  return out;
}

/** The expression with every source column reference replaced by `fn(reference)`. */
export function mapColumns(e: Expression, fn: (c: ColumnReference) => ColumnReference): Expression {
  return mapNode(e, fn, new Set()) as Expression;
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
