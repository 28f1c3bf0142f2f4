import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStatement } from '../sql/index.js';
import { INTEGER, type SqlValue, STRING } from '../types/index.js';
import { type AggregateNode, outputColumns, type SinkNode, visitPlan } from './logical-plan.js';
import { planPhysical } from './physical-plan.js';
import { PlanningError, planQuery } from './plan-select.js';
import type { PlannerSource } from './source-scope.js';

const TEST: PlannerSource = {
  kind: 'STREAM',
  name: 'TEST',
  columns: [
    { name: 'ID', type: STRING, namespace: 'KEY' },
    { name: 'F1', type: INTEGER, namespace: 'VALUE' },
    { name: 'F2', type: INTEGER, namespace: 'VALUE' },
    { name: 'DATA', type: STRING, namespace: 'VALUE' },
  ],
};

function plan(sql: string, source: PlannerSource = TEST): SinkNode {
  const s = parseStatement(sql);
  if (s.kind === 'createAsSelect')
    return planQuery(s.query, () => source, { kind: 'persistent', sinkName: s.name });
  if (s.kind === 'select') return planQuery(s.query, () => source, { kind: 'push' });
  throw new Error('not a query');
}

function columns(sql: string): string[] {
  return outputColumns(plan(sql)).map((c) => `${c.name}${c.namespace === 'KEY' ? ' KEY' : ''}`);
}

function refusal(sql: string, source: PlannerSource = TEST): string {
  try {
    plan(sql, source);
  } catch (e) {
    assert.ok(e instanceof PlanningError, String(e));
    return e.message;
  }
  throw new Error(`${sql} was planned`);
}

function aggregateOf(p: SinkNode): AggregateNode {
  let found: AggregateNode | undefined;
  visitPlan(p, (n) => {
    if (n.kind === 'aggregate') found = n;
  });
  assert.ok(found);
  return found;
}

describe('GROUP BY key naming (ksqlDB 0.29)', () => {
  test('a single column keeps its name, the aggregates follow in projection order', () => {
    assert.deepEqual(
      columns('CREATE TABLE T AS SELECT DATA, COUNT(*) AS N, SUM(F1) FROM TEST GROUP BY DATA;'),
      ['DATA KEY', 'N', 'KSQL_COL_0'],
    );
  });

  test('several columns make a key in GROUP BY order; other expressions are KSQL_COL_n', () => {
    assert.deepEqual(
      columns('CREATE TABLE T AS SELECT F2, F1, F2 + F1, COUNT(*) FROM TEST GROUP BY F1, F2;'),
      ['F1 KEY', 'F2 KEY', 'KSQL_COL_0', 'KSQL_COL_1'],
    );
  });

  test('an expression key takes the name of the item that is exactly it', () => {
    assert.deepEqual(
      columns('CREATE TABLE T AS SELECT LEN(DATA), COUNT(*) AS COUNT FROM TEST GROUP BY LEN(DATA);'),
      ['KSQL_COL_0 KEY', 'COUNT'],
    );
    assert.deepEqual(
      columns(
        'CREATE TABLE T AS SELECT LEN(DATA) AS L, UCASE(DATA) AS U, COUNT(*) FROM TEST GROUP BY LEN(DATA), UCASE(DATA);',
      ),
      ['L KEY', 'U KEY', 'KSQL_COL_0'],
    );
  });

  test('an expression built only from grouping expressions is allowed', () => {
    assert.deepEqual(
      columns('CREATE TABLE T AS SELECT DATA, UCASE(DATA) AS U, COUNT(*) AS N FROM TEST GROUP BY DATA;'),
      ['DATA KEY', 'U', 'N'],
    );
  });

  test('a push query keeps every item as a value column in projection order', () => {
    assert.deepEqual(columns('SELECT COUNT(*) AS N, DATA FROM TEST GROUP BY DATA EMIT CHANGES;'), [
      'N',
      'DATA',
    ]);
  });

  test('the aggregate evaluates the GROUP BY values and each call’s arguments over the input row', () => {
    const p = plan('CREATE TABLE T AS SELECT DATA, COUNT(*) AS N, SUM(F1 * 2) AS S FROM TEST GROUP BY DATA;');
    const agg = aggregateOf(p);
    const row: SqlValue[] = ['k', 3, 4, 'x', 1000n, 0, 0n];
    assert.deepEqual(
      agg.groupBy.map((g) => g.evaluate(row)),
      ['x'],
    );
    assert.deepEqual(
      agg.aggregates.map((c) => [c.name, c.args.map((a) => a.evaluate(row))]),
      [
        ['COUNT', [1000n]],
        ['SUM', [6]],
      ],
    );
    const physical = planPhysical(p);
    assert.equal(physical.kind, 'topicSink');
  });

  test('HAVING filters the aggregate, reading its calls', () => {
    const p = plan(
      'CREATE TABLE T AS SELECT DATA, COUNT(*) AS N FROM TEST GROUP BY DATA HAVING COUNT(*) > 1;',
    );
    const kinds: string[] = [];
    visitPlan(p, (n) => kinds.push(n.kind === 'filter' ? `filter:${n.clause}` : n.kind));
    assert.deepEqual(kinds, ['sink', 'project', 'filter:HAVING', 'aggregate', 'source']);
    // One call although written twice.
    assert.equal(aggregateOf(p).aggregates.length, 1);
  });

  test('a windowed aggregate adds WINDOWSTART/WINDOWEND; unaliased they stay in the key, aliased they are values', () => {
    assert.deepEqual(
      columns(
        'CREATE TABLE T AS SELECT DATA, WINDOWSTART, WINDOWEND AS WE, COUNT(*) AS N FROM TEST WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY DATA;',
      ),
      ['DATA KEY', 'WE', 'N'],
    );
  });
});

describe("GROUP BY misuse gets ksqlDB's errors", () => {
  test('a column neither grouped nor aggregated', () => {
    assert.equal(
      refusal('CREATE TABLE T AS SELECT DATA, F1, COUNT(*) FROM TEST GROUP BY DATA;'),
      'Line: 1, Col: 32: Non-aggregate SELECT expression(s) not part of GROUP BY: TEST.F1\nEither add the column(s) to the GROUP BY or remove them from the SELECT.',
    );
    assert.match(
      refusal('CREATE TABLE T AS SELECT F1 + F2, COUNT(*) FROM TEST GROUP BY F2 + F1;'),
      /Non-aggregate SELECT expression\(s\) not part of GROUP BY: TEST.F1, TEST.F2/,
    );
    assert.match(
      refusal('CREATE TABLE T AS SELECT DATA, COUNT(*) FROM TEST GROUP BY DATA HAVING F1 > 1;'),
      /Non-aggregate HAVING expression not part of GROUP BY: TEST.F1/,
    );
  });

  test('GROUP BY a column that does not exist names it with its position', () => {
    assert.match(
      refusal('CREATE TABLE T AS SELECT COUNT(*) FROM TEST\nGROUP BY NOPE;'),
      /^Line: 2, Col: 10: .*NOPE/,
    );
  });

  test('an aggregate over a column of the wrong type', () => {
    assert.equal(
      refusal('CREATE TABLE T AS SELECT DATA, SUM(DATA) FROM TEST GROUP BY DATA;'),
      "Line: 1, Col: 32: There is no aggregate function with name='SUM' that has arguments of type=STRING",
    );
  });

  test('no aggregate, aggregates in GROUP BY, nested aggregates, duplicates', () => {
    assert.equal(
      refusal('CREATE TABLE T AS SELECT DATA FROM TEST GROUP BY DATA;'),
      'GROUP BY requires aggregate functions in either the SELECT or HAVING clause.',
    );
    assert.match(
      refusal('CREATE TABLE T AS SELECT COUNT(*) FROM TEST GROUP BY SUM(F1);'),
      /GROUP BY does not support aggregate functions: SUM is an aggregate function\.$/,
    );
    assert.match(
      refusal('CREATE TABLE T AS SELECT DATA, SUM(COUNT(*)) FROM TEST GROUP BY DATA;'),
      /Aggregate functions can not be nested: SUM\(COUNT\(\*\)\)$/,
    );
    assert.match(
      refusal('CREATE TABLE T AS SELECT DATA, COUNT(*) FROM TEST GROUP BY DATA, TEST.DATA;'),
      /Duplicate GROUP BY expression: TEST.DATA$/,
    );
  });

  test('an aggregate without GROUP BY in a CTAS', () => {
    assert.match(
      refusal('CREATE TABLE T AS SELECT COUNT(ROWTIME) FROM TEST;'),
      /CREATE TABLE AS SELECT statement does not support aggregate function \[COUNT\(ROWTIME\)\] without a GROUP BY clause\.$/,
    );
  });

  test('grouping expressions missing from, or twice in, the projection', () => {
    assert.equal(
      refusal('CREATE TABLE T AS SELECT COUNT(*) FROM TEST GROUP BY F1;'),
      'Key missing from projection (ie, SELECT). \nThe query used to build `T` must include the grouping expression TEST.F1 in its projection (eg, SELECT TEST.F1...).',
    );
    assert.equal(
      refusal('CREATE TABLE T AS SELECT F1, F1 AS F3, COUNT(*) FROM TEST GROUP BY F1;'),
      'The projection contains a key column more than once: `F1` and `F3`.',
    );
    assert.equal(
      refusal('CREATE TABLE T AS SELECT DATA FROM TEST GROUP BY DATA HAVING COUNT(*) > 1;'),
      'The projection contains no value columns.',
    );
  });

  test('window bounds outside a windowed aggregation, a window without GROUP BY, a table-incapable function on a table', () => {
    assert.match(
      refusal('CREATE TABLE T AS SELECT DATA, WINDOWSTART AS WS, COUNT(*) FROM TEST GROUP BY DATA;'),
      /Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations$/,
    );
    assert.match(
      refusal('CREATE STREAM T AS SELECT DATA FROM TEST WINDOW TUMBLING (SIZE 1 HOUR);'),
      /WINDOW clause requires a GROUP BY clause\.$/,
    );
    assert.equal(
      refusal('CREATE TABLE T AS SELECT DATA, MAX(F1), MIN(F1), COUNT(*) FROM TEST GROUP BY DATA;', {
        ...TEST,
        kind: 'TABLE',
      }),
      'The aggregation functions MAX and MIN cannot be applied to a table source, only to a stream source.',
    );
  });
});
