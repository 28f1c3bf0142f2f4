import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Expression } from './ast.js';
import { parseExpressionText, parseStatement } from './parser.js';
import { printExpression } from './printer.js';
import { spanOf } from './spans.js';
import {
  childExpressions,
  expressionsEqual,
  mapChildExpressions,
  queryExpressions,
  transformExpression,
} from './visitor.js';

const EVERY_KIND = [
  "'s'",
  '1.5',
  'TRUE',
  'NULL',
  '${v}',
  'a',
  '-a',
  'a + b',
  'a IS NULL',
  'a IS DISTINCT FROM b',
  'a BETWEEN b AND c',
  'a IN (b, c)',
  "a LIKE b ESCAPE '!'",
  'CASE a WHEN b THEN c ELSE d END',
  'CAST(a AS STRING)',
  'a->f',
  'a[b]',
  'F(a, b)',
  'TRANSFORM(a, x => x + b)',
  'ARRAY[a, b]',
  'MAP(a := b)',
  'STRUCT(f := a)',
];

function renameColumns(e: Expression): Expression {
  return transformExpression(e, undefined, (node) =>
    node.kind === 'column' ? { ...node, name: `${node.name}2` } : node,
  );
}

describe('the expression visitor', () => {
  test('an identity transform returns every kind of node itself, unchanged', () => {
    for (const text of EVERY_KIND) {
      const e = parseExpressionText(text);
      assert.equal(
        mapChildExpressions(e, (c) => c),
        e,
        text,
      );
    }
  });

  test('a transform reaches every child of every kind of node', () => {
    for (const text of EVERY_KIND.filter((t) => /\b[abcd]\b/.test(t))) {
      const printed = printExpression(renameColumns(parseExpressionText(text)));
      assert.doesNotMatch(printed, /\b[ABCD]\b/, `${text} → ${printed}`);
      const children = childExpressions(parseExpressionText(text));
      assert.ok(children.length > 0 || /^-?[a-z]$/.test(text), text);
    }
  });

  test('compares trees, not their text', () => {
    assert.ok(expressionsEqual(parseExpressionText('a + (b)'), parseExpressionText('A+B')));
    assert.ok(!expressionsEqual(parseExpressionText('a + b'), parseExpressionText('b + a')));
    assert.ok(!expressionsEqual(parseExpressionText("'1'"), parseExpressionText('1')));
  });

  test('lists every expression of a query', () => {
    const s = parseStatement('SELECT a, b FROM s WHERE c > 1 PARTITION BY d EMIT CHANGES;');
    assert.equal(s.kind, 'select');
    if (s.kind !== 'select') return;
    assert.deepEqual(queryExpressions(s.query).map(printExpression), ['A', 'B', 'C > 1', 'D']);
  });
});

describe('source spans', () => {
  test('each expression knows the line and column it was written at, and its text', () => {
    const text = 'SELECT a,\n  b + LEN(c) FROM s EMIT CHANGES;';
    const s = parseStatement(text);
    if (s.kind !== 'select') throw new Error('not a select');
    const sum = s.query.select[1].expression;
    assert.deepEqual(spanOf(sum), { line: 2, column: 3, start: 12, end: 22 });
    if (sum.kind !== 'binary') throw new Error('not binary');
    const call = spanOf(sum.right)!;
    assert.deepEqual([call.line, call.column, text.slice(call.start, call.end)], [2, 7, 'LEN(c)']);
  });

  test('a parenthesised expression keeps the span of what is inside', () => {
    const e = parseExpressionText('(a + b) * c');
    if (e.kind !== 'binary' || e.left.kind !== 'binary') throw new Error('unexpected tree');
    assert.equal(spanOf(e.left)?.column, 2);
    assert.equal(spanOf(e)?.column, 1);
  });

  test('a tree built by a pass has no span, and spans do not change how trees compare', () => {
    const e = parseExpressionText('a');
    assert.equal(spanOf(renameColumns(e)), undefined);
    assert.deepEqual(parseExpressionText('x + 1'), parseExpressionText(' x  +  1'));
  });
});
