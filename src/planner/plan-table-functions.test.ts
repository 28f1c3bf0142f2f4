import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStatement } from '../sql/index.js';
import { type LogicalPlan, outputColumns, planInputs, type SinkNode } from './logical-plan.js';
import { PlanningError, planQuery } from './plan-select.js';
import type { PlannerSource } from './source-scope.js';

const input: PlannerSource = {
  kind: 'STREAM',
  name: 'INPUT',
  columns: [
    { name: 'ID', type: { kind: 'STRING' }, namespace: 'KEY' },
    { name: 'ARR', type: { kind: 'ARRAY', element: { kind: 'INTEGER' } }, namespace: 'VALUE' },
    {
      name: 'M',
      type: { kind: 'MAP', key: { kind: 'STRING' }, value: { kind: 'INTEGER' } },
      namespace: 'VALUE',
    },
    { name: 'N', type: { kind: 'INTEGER' }, namespace: 'VALUE' },
  ],
};

function plan(sql: string): SinkNode {
  const statement = parseStatement(sql);
  if (statement.kind !== 'createAsSelect') throw new Error('not a CREATE … AS SELECT');
  return planQuery(statement.query, (name) => (name === 'INPUT' ? input : undefined), {
    kind: 'persistent',
    sinkName: statement.name,
  });
}

function refusal(sql: string): string {
  try {
    plan(sql);
  } catch (err) {
    assert.ok(err instanceof PlanningError, String(err));
    return err.message;
  }
  assert.fail(`planned: ${sql}`);
}

function kinds(p: LogicalPlan): string[] {
  const inputs = planInputs(p);
  return [...(inputs.length === 0 ? [] : kinds(inputs[0])), p.kind];
}

test('a SELECT with table functions plans a flat-map between the WHERE and the projection, each call typed by its element', () => {
  const p = plan(
    'CREATE STREAM OUT AS SELECT ID, EXPLODE(ARR) AS V, CUBE_EXPLODE(ARRAY[N, N]), N FROM INPUT WHERE N > 0;',
  );
  assert.deepEqual(kinds(p), ['source', 'filter', 'tableFunction', 'project', 'sink']);
  assert.deepEqual(
    outputColumns(p).map((c) => `${c.name} ${c.type.kind}`),
    ['ID STRING', 'V INTEGER', 'KSQL_COL_0 ARRAY', 'N INTEGER'],
  );
});

test('table functions are refused over tables, with aggregations, nested, and for arguments they do not take', () => {
  assert.match(
    refusal('CREATE STREAM OUT AS SELECT ID, COUNT(*), EXPLODE(ARR) FROM INPUT GROUP BY ID;'),
    /Table functions cannot be used with aggregations\./,
  );
  assert.match(
    refusal('CREATE STREAM OUT AS SELECT ID, EXPLODE(M) FROM INPUT;'),
    /Function 'EXPLODE' does not accept parameters \(MAP<STRING, INTEGER>\)\.\nValid alternatives are:\nEXPLODE\(list ARRAY<T>\)/,
  );
  assert.match(
    refusal('CREATE STREAM OUT AS SELECT ID, EXPLODE(CUBE_EXPLODE(ARR)) FROM INPUT;'),
    /Table functions cannot be nested/,
  );
  assert.match(
    refusal('CREATE STREAM OUT AS SELECT ID, N FROM INPUT WHERE EXPLODE(ARR) > 1;'),
    /EXPLODE is a table function: it can only be used in the SELECT items/,
  );
});
