import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStatement } from '../sql/index.js';
import type { SqlType } from '../types/index.js';
import { outputColumns, type SinkNode } from './logical-plan.js';
import { PlanningError, planQuery } from './plan-select.js';
import type { PlannerSource } from './source-scope.js';

const INT: SqlType = { kind: 'INTEGER' };
const STRING: SqlType = { kind: 'STRING' };

const sources: Record<string, PlannerSource> = {
  INPUT: {
    kind: 'STREAM',
    name: 'INPUT',
    columns: [
      { name: 'ID', type: INT, namespace: 'KEY' },
      { name: 'NAME', type: STRING, namespace: 'VALUE' },
      { name: 'AGE', type: INT, namespace: 'VALUE' },
      {
        name: 'ADDRESS',
        type: {
          kind: 'STRUCT',
          fields: [
            { name: 'TOWN', type: STRING },
            { name: 'NAME', type: STRING },
          ],
        },
        namespace: 'VALUE',
      },
    ],
  },
  GENERATED: {
    kind: 'STREAM',
    name: 'GENERATED',
    columns: [
      { name: 'KSQL_COL_0', type: INT, namespace: 'VALUE' },
      { name: 'KSQL_COL_2', type: INT, namespace: 'VALUE' },
    ],
  },
  TWO_KEYS: {
    kind: 'STREAM',
    name: 'TWO_KEYS',
    columns: [
      { name: 'K', type: INT, namespace: 'KEY' },
      { name: 'K2', type: INT, namespace: 'KEY' },
      { name: 'V', type: INT, namespace: 'VALUE' },
    ],
  },
};

function plan(sql: string): SinkNode {
  const statement = parseStatement(sql);
  if (statement.kind === 'createAsSelect') {
    return planQuery(statement.query, (n) => sources[n], { kind: 'persistent', sinkName: statement.name });
  }
  if (statement.kind === 'select') return planQuery(statement.query, (n) => sources[n], { kind: 'push' });
  throw new Error(`not a query: ${sql}`);
}

const schema = (p: SinkNode) =>
  outputColumns(p)
    .map((c) => `${c.name}${c.namespace === 'KEY' ? ' KEY' : ''}`)
    .join(', ');

function refusal(sql: string): string {
  try {
    plan(sql);
  } catch (err) {
    assert.ok(err instanceof PlanningError, String(err));
    return err.message;
  }
  assert.fail(`expected ${sql} to be refused`);
}

test('unnamed expressions are KSQL_COL_n, numbered past the names the source already uses', () => {
  assert.equal(
    schema(plan('SELECT ID, AGE + 1, UCASE(NAME) FROM INPUT EMIT CHANGES;')),
    'ID, KSQL_COL_0, KSQL_COL_1',
  );
  assert.equal(
    schema(plan('SELECT KSQL_COL_0, ABS(KSQL_COL_2), 1, 2 FROM GENERATED EMIT CHANGES;')),
    'KSQL_COL_0, KSQL_COL_1, KSQL_COL_3, KSQL_COL_4',
  );
});

test('a struct field takes its field name, made unique against the source and earlier fields', () => {
  assert.equal(
    schema(plan('SELECT ADDRESS->TOWN, ADDRESS->NAME, ADDRESS->TOWN AS T2 FROM INPUT EMIT CHANGES;')),
    'TOWN, NAME_1, T2',
  );
});

test('the same name twice is refused as ksqlDB refuses it', () => {
  assert.equal(
    refusal('SELECT NAME, NAME FROM INPUT EMIT CHANGES;'),
    'Duplicate value columns found in schema: `NAME` STRING',
  );
  assert.equal(
    refusal('CREATE STREAM O AS SELECT ID, ID AS ID2, NAME FROM INPUT;'),
    'The projection contains a key column (`ID`) more than once, aliased as: ID and ID2.',
  );
});

test('every key column must be projected, and the message lists them all', () => {
  assert.equal(
    refusal('CREATE STREAM O AS SELECT K, V FROM TWO_KEYS;'),
    'Keys missing from projection (ie, SELECT). \nThe query used to build `O` must include the key columns K and K2 in its projection (eg, SELECT K, K2...).',
  );
  assert.equal(schema(plan('CREATE STREAM O AS SELECT V, K2, K FROM TWO_KEYS;')), 'K KEY, K2 KEY, V');
});

test('PARTITION BY several expressions makes a key of several columns in PARTITION BY order', () => {
  assert.equal(
    schema(plan('CREATE STREAM O AS SELECT AGE, ID, NAME FROM INPUT PARTITION BY NAME, AGE;')),
    'NAME KEY, AGE KEY, ID',
  );
  assert.equal(
    schema(
      plan(
        'CREATE STREAM O AS SELECT ABS(AGE), 1, ID + 2 AS K3, NAME FROM INPUT PARTITION BY ABS(AGE), 1, ID + 2;',
      ),
    ),
    'KSQL_COL_0 KEY, KSQL_COL_1 KEY, K3 KEY, NAME',
  );
});

test('SELECT * with PARTITION BY puts the new key first and the old key after the values', () => {
  assert.equal(
    schema(plan('CREATE STREAM O AS SELECT * FROM INPUT PARTITION BY NAME;')),
    'NAME KEY, AGE, ADDRESS, ID',
  );
  assert.equal(
    schema(plan('CREATE STREAM O AS SELECT * FROM INPUT PARTITION BY ADDRESS->TOWN, ABS(AGE);')),
    'TOWN KEY, KSQL_COL_0 KEY, NAME, AGE, ADDRESS, ID',
  );
  assert.equal(
    schema(plan('CREATE STREAM O AS SELECT * FROM INPUT PARTITION BY NULL;')),
    'NAME, AGE, ADDRESS, ID',
  );
});

test('PARTITION BY mistakes are refused with ksqlDB messages', () => {
  assert.equal(
    refusal('CREATE STREAM O AS SELECT ID, NAME FROM INPUT PARTITION BY ID, AGE;'),
    'Keys missing from projection (ie, SELECT). \nThe query used to build `O` must include the partitioning expressions INPUT.ID and INPUT.AGE in its projection (eg, SELECT INPUT.ID, INPUT.AGE...).',
  );
  assert.equal(
    refusal('CREATE STREAM O AS SELECT NAME, ID FROM INPUT i PARTITION BY ABS(i.ID);'),
    'Key missing from projection (ie, SELECT). \nThe query used to build `O` must include the partitioning expression ABS(I.ID) in its projection (eg, SELECT ABS(I.ID)...).',
  );
  assert.equal(
    refusal('CREATE STREAM O AS SELECT NAME, NAME AS NAME2, ID FROM INPUT PARTITION BY NAME;'),
    'The projection contains the key column more than once: `NAME` and `NAME2`.',
  );
  assert.equal(
    refusal('CREATE STREAM O AS SELECT ID, NAME AS SOMETHING FROM INPUT PARTITION BY SOMETHING;'),
    "PARTITION BY column 'SOMETHING' cannot be resolved. 'SOMETHING' must be a column in the source schema since PARTITION BY is applied on the input.",
  );
  assert.equal(
    refusal('CREATE STREAM O AS SELECT ID, AGE, NAME FROM INPUT PARTITION BY NULL, ID;'),
    'Cannot PARTITION BY multiple columns including NULL',
  );
  assert.equal(
    refusal('CREATE STREAM O AS SELECT ID FROM INPUT PARTITION BY ID;'),
    'The projection contains no value columns.',
  );
});

test('a key computed only from key columns or constants is marked so it can be computed without a value', () => {
  const p = plan(
    'CREATE STREAM O AS SELECT ABS(ID), 1, AGE + 2 AS K3, NAME FROM INPUT PARTITION BY ABS(ID), 1, AGE + 2;',
  );
  assert.deepEqual(
    outputColumns(p).map((c) => [c.name, c.keyOnly]),
    [
      ['KSQL_COL_0', true],
      ['KSQL_COL_1', true],
      ['K3', false],
      ['NAME', false],
    ],
  );
});
