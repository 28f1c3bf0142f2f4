import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStatement } from '../sql/index.js';
import { BIGINT, formatType, INTEGER, STRING } from '../types/index.js';
import { ExpressionError, type TypedExpression } from './compiled-expression.js';
import { compileText } from './expression-test-scope.fixture.js';
import { PlanningError, planQuery } from './plan-select.js';
import type { PlannerSource } from './source-scope.js';

function shape(t: TypedExpression): unknown {
  const type = t.type === null ? 'NULL' : formatType(t.type);
  return t.children.length === 0
    ? `${t.ast.kind}:${type}`
    : [`${t.ast.kind}:${type}`, ...t.children.map(shape)];
}

describe('the binder', () => {
  test('gives the typed tree an evaluator was emitted from, columns resolved to their slots', () => {
    const compiled = compileText('A + LEN(B)', { A: [BIGINT], B: [STRING] });
    assert.deepEqual(shape(compiled.tree), [
      'binary:BIGINT',
      'column:BIGINT',
      ['functionCall:INTEGER', 'column:STRING'],
    ]);
    const column = compiled.tree.children[1].children[0].column;
    assert.deepEqual(column, { index: 1, type: STRING, name: 'B' });
    assert.deepEqual(compiled.tree.span, { line: 1, column: 1, start: 0, end: 10 });
  });

  test('an error points at the innermost expression at fault', () => {
    const err = (() => {
      try {
        compileText('A + (\n  LEN(B) * NOPE)', { A: [INTEGER], B: [STRING] });
      } catch (e) {
        return e as ExpressionError;
      }
      throw new Error('no error');
    })();
    assert.ok(err instanceof ExpressionError);
    assert.deepEqual(err.position, { line: 2, column: 12 });
  });

  test('ksqlDB messages that carry no position in ksqlDB get none here either', () => {
    assert.throws(
      () => compileText('A + NULL', { A: [INTEGER] }),
      (e: ExpressionError) => e.position === null && e.message.startsWith('Error processing expression'),
    );
  });

  test('a planning error names the line and column of the statement text', () => {
    const source: PlannerSource = {
      kind: 'STREAM',
      name: 'S',
      columns: [
        { name: 'ID', type: INTEGER, namespace: 'KEY' },
        { name: 'NAME', type: STRING, namespace: 'VALUE' },
      ],
    };
    const s = parseStatement('SELECT ID,\n       UCASE(NAME) || NICKNAME FROM S EMIT CHANGES;');
    if (s.kind !== 'select') throw new Error('not a select');
    assert.throws(
      () => planQuery(s.query, () => source, { kind: 'push' }),
      (e: PlanningError) =>
        e instanceof PlanningError &&
        e.position?.line === 2 &&
        e.position.column === 23 &&
        e.message.startsWith("Line: 2, Col: 23: Column 'NICKNAME' cannot be resolved."),
    );
  });
});
