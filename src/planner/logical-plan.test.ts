import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseStatement } from '../sql/index.js';
import { INTEGER, STRING } from '../types/index.js';
import { executionPlanText, topologyText } from './explain-plan.js';
import {
  type LogicalPlan,
  outputColumns,
  planInputs,
  type SinkNode,
  transformPlan,
  visitPlan,
} from './logical-plan.js';
import { planPhysical } from './physical-plan.js';
import { PlanningError, planQuery } from './plan-select.js';
import type { PlannerSource } from './source-scope.js';

const SOURCE: PlannerSource = {
  kind: 'STREAM',
  name: 'ORDERS',
  topic: 'orders',
  columns: [
    { name: 'ID', type: STRING, namespace: 'KEY' },
    { name: 'ITEM', type: STRING, namespace: 'VALUE' },
    { name: 'QTY', type: INTEGER, namespace: 'VALUE' },
  ],
};

function persistent(sql: string): SinkNode {
  const s = parseStatement(sql);
  if (s.kind !== 'createAsSelect') throw new Error('not a CSAS');
  return planQuery(s.query, () => SOURCE, { kind: 'persistent', sinkName: s.name });
}

function kinds(plan: LogicalPlan): string[] {
  const out: string[] = [];
  visitPlan(plan, (node) => out.push(node.kind));
  return out;
}

describe('the logical plan', () => {
  test('a CSAS is source → filter → repartition → project → sink', () => {
    const plan = persistent(
      'CREATE STREAM BIG AS SELECT ITEM, ID, QTY * 2 AS DOUBLE_QTY FROM ORDERS WHERE QTY > 10 PARTITION BY ITEM EMIT CHANGES;',
    );
    assert.deepEqual(kinds(plan), ['sink', 'project', 'repartition', 'filter', 'source']);
    assert.deepEqual(
      outputColumns(plan).map((c) => `${c.name} ${c.namespace}`),
      ['ITEM KEY', 'ID VALUE', 'DOUBLE_QTY VALUE'],
    );
  });

  test('a transformer rewrites nodes bottom-up and leaves untouched trees as they were', () => {
    const plan = persistent('CREATE STREAM S2 AS SELECT ID, ITEM FROM ORDERS WHERE QTY > 1 EMIT CHANGES;');
    assert.equal(
      transformPlan(plan, (n) => n),
      plan,
    );
    const withoutFilter = transformPlan(plan, (n) => (n.kind === 'filter' ? n.input : n));
    assert.deepEqual(kinds(withoutFilter), ['sink', 'project', 'source']);
    assert.equal(planInputs(withoutFilter).length, 1);
  });

  test('nodes with no operator yet, or out of place, are refused when planned physically', () => {
    const plan = persistent('CREATE STREAM S3 AS SELECT ID, ITEM FROM ORDERS EMIT CHANGES;');
    const cases: [(input: LogicalPlan) => LogicalPlan, RegExp][] = [
      [
        (input) => ({
          kind: 'window',
          input,
          window: { kind: 'tumblingWindow', size: { value: 1, unit: 'HOUR' } },
        }),
        /^A WINDOW clause needs a GROUP BY clause/,
      ],
      [(input) => ({ kind: 'suppress', input }), /^EMIT FINAL is only supported for windowed aggregations/],
    ];
    for (const [wrap, message] of cases) {
      const stateful = transformPlan(plan, (n) => (n.kind === 'source' ? wrap(n) : n)) as SinkNode;
      assert.throws(
        () => planPhysical(stateful),
        (e: Error) => e instanceof PlanningError && message.test(e.message),
      );
    }
  });
});

describe('EXPLAIN', () => {
  const plan = persistent(
    'CREATE STREAM BIG AS SELECT ITEM, ID, QTY FROM ORDERS WHERE QTY > 10 PARTITION BY ITEM EMIT CHANGES;',
  );

  test('prints the logical plan as ksqlDB prints its execution plan, sink first', () => {
    assert.equal(
      executionPlanText(plan, 'CSAS_BIG_0', 'big_topic'),
      ' > [ SINK ] | Schema: ITEM STRING KEY, ID STRING, QTY INTEGER | Logger: CSAS_BIG_0.BIG | Topic: big_topic\n' +
        '\t\t > [ PROJECT ] | Schema: ITEM STRING KEY, ID STRING, QTY INTEGER | Logger: CSAS_BIG_0.Project\n' +
        '\t\t\t\t > [ REKEY ] | Schema: ITEM STRING KEY, ID STRING, QTY INTEGER | Logger: CSAS_BIG_0.PartitionBy\n' +
        '\t\t\t\t\t\t > [ FILTER ] | Schema: ID STRING KEY, ITEM STRING, QTY INTEGER | Logger: CSAS_BIG_0.WhereFilter\n' +
        '\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID STRING KEY, ITEM STRING, QTY INTEGER | Logger: CSAS_BIG_0.KsqlTopic.Source\n',
    );
  });

  test('prints the physical plan as the topology of operators that runs it', () => {
    assert.equal(
      topologyText(planPhysical(plan), 'big_topic'),
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KsqlTopic.Source (topics: [orders])',
        '      --> WhereFilter',
        '    Processor: WhereFilter (stores: [])',
        '      --> Project',
        '      <-- KsqlTopic.Source',
        '    Processor: Project (stores: [])',
        '      --> BIG',
        '      <-- WhereFilter',
        '    Sink: BIG (topic: big_topic)',
        '      <-- Project',
        '',
      ].join('\n'),
    );
  });
});

describe('what has no operator yet', () => {
  const refusal = (sql: string): string => {
    const s = parseStatement(sql);
    if (s.kind !== 'createAsSelect' && s.kind !== 'select') throw new Error('not a query');
    try {
      planQuery(
        s.query,
        () => SOURCE,
        s.kind === 'select' ? { kind: 'push' } : { kind: 'persistent', sinkName: 'X' },
      );
    } catch (e) {
      assert.ok(e instanceof PlanningError, String(e));
      return e.message;
    }
    throw new Error(`${sql} was planned`);
  };

  test("EMIT FINAL without a windowed aggregation gets ksqlDB's message", () => {
    assert.equal(
      refusal('CREATE STREAM X AS SELECT ID, ITEM FROM ORDERS EMIT FINAL;'),
      'EMIT FINAL is only supported for windowed aggregations.',
    );
  });
});
