// The expression visitor and transformer: one exhaustive switch over the node kinds, so a new kind
// of expression fails to compile until every pass that walks the tree knows its children.
import type { Expression, Query } from './ast.js';

/** The expressions directly inside `e`, in source order. */
export function childExpressions(e: Expression): Expression[] {
  switch (e.kind) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
    case 'variable':
    case 'column':
    case 'allColumns':
      return [];
    case 'unary':
      return [e.operand];
    case 'binary':
    case 'isDistinctFrom':
      return [e.left, e.right];
    case 'isNull':
      return [e.operand];
    case 'between':
      return [e.operand, e.low, e.high];
    case 'inList':
      return [e.operand, ...e.list];
    case 'like':
      return e.escape === undefined ? [e.operand, e.pattern] : [e.operand, e.pattern, e.escape];
    case 'case': {
      const out: Expression[] = e.operand === undefined ? [] : [e.operand];
      for (const w of e.whens) out.push(w.condition, w.result);
      if (e.else !== undefined) out.push(e.else);
      return out;
    }
    case 'cast':
      return [e.operand];
    case 'dereference':
      return [e.base];
    case 'subscript':
      return [e.base, e.index];
    case 'functionCall':
      return [...e.args];
    case 'lambda':
      return [e.body];
    case 'arrayConstructor':
      return [...e.elements];
    case 'mapConstructor':
      return e.entries.flatMap((entry) => [entry.key, entry.value]);
    case 'structConstructor':
      return e.fields.map((f) => f.value);
    default: {
      const never: never = e;
      throw new Error(`Unhandled expression ${JSON.stringify(never)}`);
    }
  }
}

/**
 * `e` with each direct child replaced by `fn(child)`; `e` itself when no child changed, so a
 * transform that touches nothing allocates nothing.
 */
export function mapChildExpressions(e: Expression, fn: (child: Expression) => Expression): Expression {
  const children = childExpressions(e);
  if (children.length === 0) return e;
  const mapped = children.map(fn);
  if (mapped.every((m, i) => m === children[i])) return e;
  let i = 0;
  const next = () => mapped[i++];
  switch (e.kind) {
    case 'unary':
      return { ...e, operand: next() };
    case 'binary':
    case 'isDistinctFrom':
      return { ...e, left: next(), right: next() };
    case 'isNull':
      return { ...e, operand: next() };
    case 'between':
      return { ...e, operand: next(), low: next(), high: next() };
    case 'inList':
      return { ...e, operand: next(), list: e.list.map(next) };
    case 'like':
      return e.escape === undefined
        ? { ...e, operand: next(), pattern: next() }
        : { ...e, operand: next(), pattern: next(), escape: next() };
    case 'case': {
      const operand = e.operand === undefined ? undefined : next();
      const whens = e.whens.map(() => ({ condition: next(), result: next() }));
      const otherwise = e.else === undefined ? undefined : next();
      return {
        kind: 'case',
        ...(operand === undefined ? {} : { operand }),
        whens,
        ...(otherwise === undefined ? {} : { else: otherwise }),
      };
    }
    case 'cast':
      return { ...e, operand: next() };
    case 'dereference':
      return { ...e, base: next() };
    case 'subscript':
      return { ...e, base: next(), index: next() };
    case 'functionCall':
      return { ...e, args: e.args.map(next) };
    case 'lambda':
      return { ...e, body: next() };
    case 'arrayConstructor':
      return { ...e, elements: e.elements.map(next) };
    case 'mapConstructor':
      return { ...e, entries: e.entries.map(() => ({ key: next(), value: next() })) };
    case 'structConstructor':
      return { ...e, fields: e.fields.map((f) => ({ name: f.name, value: next() })) };
    default:
      // Leaves have no children and returned above.
      return e;
  }
}

/**
 * Rewrites bottom-up: every node's children first, then `fn` on the node with its new children.
 * `enter` may give a node its own context (a lambda hides its parameters from the columns below).
 */
export function transformExpression<C>(
  e: Expression,
  context: C,
  fn: (node: Expression, context: C) => Expression,
  enter: (node: Expression, context: C) => C = (_node, c) => c,
): Expression {
  const inner = enter(e, context);
  return fn(
    mapChildExpressions(e, (child) => transformExpression(child, inner, fn, enter)),
    context,
  );
}

/** Calls `fn` on `e` and every expression inside it, parents before children. */
export function visitExpression(e: Expression, fn: (node: Expression) => void): void {
  fn(e);
  for (const child of childExpressions(e)) visitExpression(child, fn);
}

/** Every expression a query holds directly: select items, WHERE, GROUP BY, PARTITION BY, HAVING, ON. */
export function queryExpressions(q: Query): Expression[] {
  const out = q.select.map((item) => item.expression);
  if (q.where !== undefined) out.push(q.where);
  if (q.groupBy !== undefined) out.push(...q.groupBy);
  if (q.partitionBy !== undefined) out.push(...q.partitionBy);
  if (q.having !== undefined) out.push(q.having);
  let relation = q.from;
  while (relation.kind === 'join') {
    out.push(relation.on);
    relation = relation.left;
  }
  return out;
}

/** Whether two expressions are the same tree (names as resolved, so `a` and `A` are equal). */
export function expressionsEqual(a: Expression, b: Expression): boolean {
  return sameData(a, b);
}

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
