import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStatement } from '../sql/index.js';
import type { SqlType } from '../types/index.js';
import { executionPlanText, topologyText } from './explain-plan.js';
import { type JoinNode, outputColumns, type SinkNode, visitPlan } from './logical-plan.js';
import { planPhysical } from './physical-plan.js';
import { planQuery } from './plan-select.js';
import type { PlannerSource } from './source-scope.js';

const INT: SqlType = { kind: 'INTEGER' };
const BIGINT: SqlType = { kind: 'BIGINT' };
const STRING: SqlType = { kind: 'STRING' };

const sources: Record<string, PlannerSource> = {
  ORDERS: {
    kind: 'STREAM',
    name: 'ORDERS',
    topic: 'orders',
    columns: [
      { name: 'ID', type: STRING, namespace: 'KEY' },
      { name: 'CUSTOMER', type: INT, namespace: 'VALUE' },
      { name: 'NAME', type: STRING, namespace: 'VALUE' },
      { name: 'BIG', type: BIGINT, namespace: 'VALUE' },
    ],
  },
  CUSTOMERS: {
    kind: 'TABLE',
    name: 'CUSTOMERS',
    topic: 'customers',
    columns: [
      { name: 'ID', type: INT, namespace: 'KEY' },
      { name: 'NAME', type: STRING, namespace: 'VALUE' },
      { name: 'CITY', type: STRING, namespace: 'VALUE' },
    ],
  },
  CUSTOMERS2: {
    kind: 'TABLE',
    name: 'CUSTOMERS2',
    columns: [
      { name: 'ID', type: INT, namespace: 'KEY' },
      { name: 'V', type: STRING, namespace: 'VALUE' },
    ],
  },
  BY_ID: {
    kind: 'STREAM',
    name: 'BY_ID',
    topic: 'by_id',
    columns: [
      { name: 'ID', type: INT, namespace: 'KEY' },
      { name: 'V', type: STRING, namespace: 'VALUE' },
    ],
  },
  HAS_ROWKEY: {
    kind: 'STREAM',
    name: 'HAS_ROWKEY',
    topic: 'has_rowkey',
    columns: [
      { name: 'ID', type: INT, namespace: 'KEY' },
      { name: 'ROWKEY', type: STRING, namespace: 'VALUE' },
    ],
  },
  RAW: {
    kind: 'STREAM',
    name: 'RAW',
    valueFormat: 'KAFKA',
    columns: [
      { name: 'ID', type: INT, namespace: 'KEY' },
      { name: 'V', type: INT, namespace: 'VALUE' },
    ],
  },
  TWO_KEYS: {
    kind: 'TABLE',
    name: 'TWO_KEYS',
    columns: [
      { name: 'A', type: INT, namespace: 'KEY' },
      { name: 'B', type: INT, namespace: 'KEY' },
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

function columns(p: SinkNode): string[] {
  return outputColumns(p).map((c) => `${c.name}${c.namespace === 'KEY' ? ' KEY' : ''}`);
}

function joinOf(p: SinkNode): JoinNode {
  let found: JoinNode | undefined;
  visitPlan(p, (n) => {
    if (n.kind === 'join' && found === undefined) found = n;
  });
  assert.ok(found);
  return found;
}

test('SELECT * over a stream-table join is every column as <ALIAS>_<COLUMN>, keyed by the first join column projected', () => {
  const p = plan('CREATE STREAM J AS SELECT * FROM orders o JOIN customers c ON o.customer = c.id;');
  assert.deepEqual(columns(p), ['O_CUSTOMER KEY', 'O_ID', 'O_NAME', 'O_BIG', 'C_ID', 'C_NAME', 'C_CITY']);
  assert.equal(joinOf(p).joinKind, 'STREAM_TABLE');
});

test('a qualified column is named <ALIAS>_<COLUMN> when both sources have its name, else it keeps it; the left join column wins', () => {
  const p = plan(
    'CREATE STREAM J AS SELECT c.id, o.customer, c.name, c.city, city AS town, UCASE(c.name) FROM orders o LEFT JOIN customers c ON o.customer = c.id;',
  );
  assert.deepEqual(columns(p), ['CUSTOMER KEY', 'C_ID', 'C_NAME', 'CITY', 'TOWN', 'KSQL_COL_0']);
});

test('without an alias a shared column is prefixed by its source name', () => {
  const p = plan(
    'CREATE STREAM J AS SELECT by_id.id, customers.name, by_id.rowtime FROM by_id JOIN customers ON by_id.id = customers.id;',
  );
  assert.deepEqual(columns(p), ['BY_ID_ID KEY', 'NAME', 'BY_ID_ROWTIME']);
});

test('a persistent join query must project a join column', () => {
  assert.throws(
    () =>
      plan('CREATE STREAM OUT AS SELECT o.name, c.city FROM orders o JOIN customers c ON o.customer = c.id;'),
    {
      message:
        'Key missing from projection (ie, SELECT). \nThe query used to build `OUT` must include the join expressions O.CUSTOMER or C.ID in its projection (eg, SELECT O.CUSTOMER...).',
    },
  );
  assert.throws(
    () =>
      plan(
        'CREATE STREAM OUT AS SELECT o.name, c.city FROM orders o JOIN customers c ON o.customer + 1 = c.id;',
      ),
    /must include the join expression C\.ID in its projection \(eg, SELECT C\.ID\.\.\.\)/,
  );
  assert.throws(
    () =>
      plan(
        'CREATE STREAM OUT AS SELECT c.id, c.id AS k2, o.name FROM orders o JOIN customers c ON o.customer = c.id;',
      ),
    { message: 'The projection contains a key column (`C_ID`) more than once, aliased as: C_ID and K2.' },
  );
});

test('a stream joined on an expression is re-keyed by it before the join', () => {
  const p = plan(
    'CREATE STREAM J AS SELECT c.id, o.name FROM orders o JOIN customers c ON o.customer + 1 = c.id;',
  );
  assert.equal(joinOf(p).left.kind, 'repartition');
  const onKey = plan('CREATE STREAM J AS SELECT b.id, c.name FROM by_id b JOIN customers c ON b.id = c.id;');
  assert.equal(joinOf(onKey).left.kind, 'source');
});

test('the synthetic key is ROWKEY_1 when a source has a ROWKEY column, and leads SELECT *', () => {
  const p = plan(
    'CREATE STREAM J AS SELECT ROWKEY_1 AS k, h.rowkey, b.v FROM has_rowkey h FULL JOIN by_id b WITHIN 1 SECOND ON h.id = b.id;',
  );
  assert.deepEqual(columns(p), ['K KEY', 'ROWKEY', 'V']);
  const star = plan(
    'SELECT * FROM has_rowkey h FULL JOIN by_id b WITHIN 1 SECOND ON h.id = b.id EMIT CHANGES;',
  );
  assert.deepEqual(columns(star), ['ROWKEY_1', 'H_ID', 'H_ROWKEY', 'B_ID', 'B_V']);
  assert.throws(
    () =>
      plan(
        'CREATE STREAM J AS SELECT h.rowkey, b.v FROM has_rowkey h JOIN by_id b WITHIN 1 SECOND ON ABS(h.id) = ABS(b.id);',
      ),
    /must include the join expression ROWKEY_1 in its projection \(eg, SELECT ROWKEY_1\.\.\.\)\.\nROWKEY_1 was added as a synthetic key column because the join criteria did not match any source column\./,
  );
});

test('a push query over a join needs no key column', () => {
  const p = plan(
    'SELECT o.name, c.name, c.city FROM orders o JOIN customers c ON o.customer = c.id EMIT CHANGES;',
  );
  assert.deepEqual(columns(p), ['O_NAME', 'C_NAME', 'CITY']);
});

test('join errors are ksqlDB’s (sources named by their names, not aliases), with the position of what is wrong', () => {
  const cases: [string, string | RegExp][] = [
    [
      'SELECT * FROM orders o JOIN customers c ON o.name = c.id EMIT CHANGES;',
      "Line: 1, Col: 44: Invalid join condition: types don't match. Got O.NAME{STRING} = C.ID{INTEGER}.",
    ],
    [
      'SELECT * FROM orders o JOIN customers c ON o.customer = c.city EMIT CHANGES;',
      /Invalid join condition: types don't match/,
    ],
    [
      'SELECT * FROM orders o JOIN customers c ON o.name = c.city EMIT CHANGES;',
      "Line: 1, Col: 53: Invalid join condition: stream-table joins require to join on the table's primary key. Got O.NAME = C.CITY.",
    ],
    [
      'SELECT name FROM orders o JOIN customers c ON o.customer = c.id EMIT CHANGES;',
      "Line: 1, Col: 8: Column 'NAME' is ambiguous. Could be any of: O.NAME, C.NAME. Qualify it with its source's name or alias.",
    ],
    [
      'SELECT * FROM orders o JOIN customers c ON customer = id EMIT CHANGES;',
      "Line: 1, Col: 55: JOIN ON column 'ID' is ambiguous. Could be any of: O.ID, C.ID. Qualify it with its source's name or alias.",
    ],
    [
      'SELECT * FROM orders o JOIN customers c ON o.nope = c.id EMIT CHANGES;',
      "Line: 1, Col: 44: JOIN ON column 'O.NOPE' cannot be resolved.",
    ],
    [
      'SELECT * FROM orders o JOIN customers c ON c.id = 0 EMIT CHANGES;',
      "Line: 1, Col: 51: Invalid comparison expression '0' in join '(C.ID = 0)'. Each side of the join comparision must contain references from exactly one source.",
    ],
    [
      'SELECT * FROM orders o JOIN customers c ON o.customer = c.id AND o.customer = c.id EMIT CHANGES;',
      /Invalid join condition: joins on multiple conditions are not yet supported\. Got \(\(O\.CUSTOMER = C\.ID\) AND/,
    ],
    [
      'SELECT * FROM customers c JOIN orders o ON o.customer = c.id EMIT CHANGES;',
      'Line: 1, Col: 44: Invalid join order: table-stream joins are not supported; only stream-table joins. Got CUSTOMERS [INNER] JOIN ORDERS.',
    ],
    [
      'SELECT * FROM orders o FULL OUTER JOIN customers c ON o.customer = c.id EMIT CHANGES;',
      /Invalid join type: full-outer join not supported for stream-table join\. Got ORDERS \[FULL\] OUTER JOIN CUSTOMERS\./,
    ],
    [
      // In a multi-way join the left source is the one the ON's other side reads.
      'SELECT * FROM orders o JOIN customers c ON o.customer = c.id FULL JOIN customers2 d ON c.id = d.id EMIT CHANGES;',
      /Invalid join type: full-outer join not supported for stream-table join\. Got CUSTOMERS \[FULL\] OUTER JOIN CUSTOMERS2\./,
    ],
    [
      'SELECT * FROM orders o RIGHT JOIN customers c ON o.customer = c.id EMIT CHANGES;',
      /Invalid join type: right-outer join not supported for stream-table join/,
    ],
    [
      'SELECT * FROM orders o JOIN customers c WITHIN 1 SECOND ON o.customer = c.id EMIT CHANGES;',
      /A window definition was provided for a Stream-Table join\. These joins are not windowed\./,
    ],
    [
      'SELECT * FROM orders o JOIN by_id b ON o.customer = b.id EMIT CHANGES;',
      /Stream-Stream joins must have a WITHIN clause specified\. None was provided\./,
    ],
    ['SELECT * FROM orders a JOIN orders b ON a.id = b.id EMIT CHANGES;', /self joins are not yet supported/],
    [
      'SELECT * FROM raw r JOIN customers c ON r.id = c.id EMIT CHANGES;',
      "Source(s) RAW are using the 'KAFKA' value format. This format does not yet support JOIN.",
    ],
    [
      'SELECT * FROM by_id b JOIN two_keys t ON b.id = t.a EMIT CHANGES;',
      "Line: 1, Col: 49: Invalid join condition: stream-table joins require to join on the table's primary key. Got B.ID = T.A.",
    ],
    ['SELECT * FROM orders o JOIN nope n ON o.id = n.id EMIT CHANGES;', /NOPE does not exist/],
  ];
  for (const [sql, message] of cases) {
    assert.throws(() => plan(sql), typeof message === 'string' ? { message } : message, sql);
  }
});

test('EXPLAIN shows the join, both of its sources and the re-keying of a side in the logical and the physical plan', () => {
  const p = plan(
    "CREATE STREAM J AS SELECT c.id, o.name FROM orders o JOIN customers c ON o.customer = c.id WHERE c.city = 'x';",
  );
  const logical = executionPlanText(p, 'CSAS_J_0', 'J');
  assert.match(
    logical,
    /^ > \[ SINK \] \| Schema: C_ID INTEGER KEY, O_NAME STRING \| Logger: CSAS_J_0\.J \| Topic: J\n/,
  );
  assert.match(
    logical,
    /\t\t\t\t\t\t > \[ JOIN \] \| Schema: O_CUSTOMER INTEGER KEY, O_ID STRING, .* \| Logger: CSAS_J_0\.Join\n/,
  );
  assert.match(
    logical,
    /\t\t\t\t\t\t\t\t > \[ REKEY \] .* \| Logger: CSAS_J_0\.LeftSourceKeyed\n\t\t\t\t\t\t\t\t\t\t > \[ SOURCE \] \| Schema: ID STRING KEY, CUSTOMER INTEGER, NAME STRING, BIG BIGINT \| Logger: CSAS_J_0\.KafkaTopic_Left\.Source\n/,
  );
  assert.match(
    logical,
    /\t\t\t\t\t\t\t\t > \[ SOURCE \] \| Schema: ID INTEGER KEY, NAME STRING, CITY STRING \| Logger: CSAS_J_0\.KafkaTopic_Right\.Source\n$/,
  );
  const physical = topologyText(planPhysical(p), 'J');
  assert.equal(
    physical,
    [
      'Topologies:',
      '   Sub-topology: 0',
      '    Source: KafkaTopic_Left.Source (topics: [orders])',
      '      --> LeftSourceKeyed-SelectKey',
      '    Processor: LeftSourceKeyed-SelectKey (stores: [])',
      '      --> Join',
      '      <-- KafkaTopic_Left.Source',
      '    Source: KafkaTopic_Right.Source (topics: [customers])',
      '      --> KafkaTopic_Right-Reduce',
      '    Processor: KafkaTopic_Right-Reduce (stores: [KafkaTopic_Right-Reduce])',
      '      --> Join',
      '      <-- KafkaTopic_Right.Source',
      '    Processor: Join (stores: [KafkaTopic_Right-Reduce])',
      '      --> WhereFilter',
      '      <-- LeftSourceKeyed-SelectKey, KafkaTopic_Right-Reduce',
      '    Processor: WhereFilter (stores: [])',
      '      --> Project',
      '      <-- Join',
      '    Processor: Project (stores: [])',
      '      --> J',
      '      <-- WhereFilter',
      '    Sink: J (topic: J)',
      '      <-- Project',
      '',
    ].join('\n'),
  );
});

test('a stream-stream join re-keying both sides shows LeftSourceKeyed and RightSourceKeyed, as ksqlDB names them', () => {
  const p = plan(
    'CREATE STREAM J AS SELECT ROWKEY AS k, o.name, b.v FROM orders o JOIN by_id b WITHIN 1 MINUTE ON o.customer + 1 = b.id + 1;',
  );
  const logical = executionPlanText(p, 'CSAS_J_0', 'J');
  assert.match(logical, /> \[ REKEY \] .* \| Logger: CSAS_J_0\.LeftSourceKeyed\n/);
  assert.match(logical, /> \[ REKEY \] .* \| Logger: CSAS_J_0\.RightSourceKeyed\n/);
  const physical = topologyText(planPhysical(p), 'J');
  assert.match(
    physical,
    /Processor: LeftSourceKeyed-SelectKey \(stores: \[\]\)\n {6}--> Join\n {6}<-- KafkaTopic_Left\.Source\n/,
  );
  assert.match(
    physical,
    /Processor: RightSourceKeyed-SelectKey \(stores: \[\]\)\n {6}--> Join\n {6}<-- KafkaTopic_Right\.Source\n/,
  );
  assert.match(physical, /<-- LeftSourceKeyed-SelectKey, RightSourceKeyed-SelectKey\n/);
  assert.doesNotMatch(physical, /repartition/, 'no repartition topic is written');
});

test('a stream-stream join keeps each side in a window store, and outer records waiting for a match in a shared one with GRACE PERIOD', () => {
  const topology = (sql: string) => topologyText(planPhysical(plan(sql)), 'J');
  assert.match(
    topology(
      'CREATE STREAM J AS SELECT o.customer, b.v FROM orders o JOIN by_id b WITHIN 1 MINUTE ON o.customer = b.id;',
    ),
    /Processor: Join \(stores: \[KSTREAM-JOINTHIS-0000000004-store, KSTREAM-JOINOTHER-0000000005-store\]\)/,
  );
  assert.match(
    topology(
      'CREATE STREAM J AS SELECT ROWKEY AS k, b.v FROM orders o FULL JOIN by_id b WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 3 SECONDS ON o.customer = b.id;',
    ),
    /stores: \[KSTREAM-OUTERTHIS-0000000004-store, KSTREAM-OUTEROTHER-0000000005-store, KSTREAM-OUTERSHARED-0000000004-store\]/,
  );
  const p = plan(
    'CREATE STREAM J AS SELECT b.id, o.name FROM orders o LEFT JOIN by_id b WITHIN (1 SECOND, 2 SECONDS) ON o.customer = b.id;',
  );
  assert.deepEqual(joinOf(p).window, { beforeMs: 1000, afterMs: 2000, graceMs: undefined });
  assert.equal(joinOf(p).left.kind, 'repartition');
  assert.equal(joinOf(p).right.kind, 'source');
  assert.throws(
    () =>
      plan(
        'CREATE STREAM J AS SELECT o.name, b.v FROM orders o FULL JOIN by_id b WITHIN 1 SECOND ON o.customer = b.id;',
      ),
    /must include the join expression ROWKEY in its projection/,
  );
});

test('multi-way joins are left-deep: each ON must reference the source it adds, a source joins once, and the result is keyed by the last join', () => {
  const p = plan(
    'CREATE STREAM J AS SELECT c.id, o.name, b.v FROM orders o JOIN customers c ON o.customer = c.id JOIN by_id b WITHIN 1 SECOND ON c.id = b.id;',
  );
  assert.deepEqual(columns(p), ['C_ID KEY', 'O_NAME', 'V']);
  const outer = joinOf(p);
  assert.equal(outer.joinKind, 'STREAM_STREAM');
  assert.equal(outer.left.kind, 'join');
  const physical = planPhysical(p);
  assert.match(
    topologyText(physical, 'J'),
    /Processor: B_Join \(stores: \[B_KSTREAM-JOINTHIS-0000000004-store/,
  );
  assert.throws(
    () =>
      plan(
        'SELECT * FROM orders o JOIN customers c ON o.customer = c.id JOIN customers d ON o.customer = d.id EMIT CHANGES;',
      ),
    { message: "N-way joins do not support multiple occurrences of the same source. Source: 'CUSTOMERS'" },
  );
  assert.throws(
    () =>
      plan(
        'SELECT * FROM orders o JOIN customers c ON o.customer = c.id JOIN by_id b WITHIN 1 SECOND ON o.customer = c.id EMIT CHANGES;',
      ),
    {
      message:
        'Line: 1, Col: 94: A join criteria is expected to reference the source (`B`) in the FROM clause, instead the right source references `C` and the left source references `O`',
    },
  );
  // ksqlDB's multi-joins "self join with multiple sources".
  assert.throws(
    () =>
      plan(
        'SELECT * FROM orders o JOIN customers c ON o.customer = c.id JOIN customers2 d ON o.customer = o.customer EMIT CHANGES;',
      ),
    {
      message:
        'Line: 1, Col: 83: Each side of the join must reference exactly one source and not the same source. Left side references `O` and right references `O`',
    },
  );
  assert.throws(() => plan('SELECT * FROM customers c JOIN two_keys t ON c.id = t.a EMIT CHANGES;'), {
    message:
      'Line: 1, Col: 53: Invalid join condition: table-table joins require to join on the primary key of the right input table. Got C.ID = T.A.',
  });
});

test('multi-way joins keep an earlier join’s key columns viable when a later join is on an expression equivalent to its key (ksqlDB’s JoinTree equivalence sets)', () => {
  const stream = (name: string): PlannerSource => ({
    kind: 'STREAM',
    name,
    columns: [
      { name: 'ID', type: INT, namespace: 'KEY' },
      { name: 'V0', type: BIGINT, namespace: 'VALUE' },
    ],
  });
  const table = (name: string): PlannerSource => ({ ...stream(name), kind: 'TABLE' });
  const qtt: Record<string, PlannerSource> = {
    S1: stream('S1'),
    S2: stream('S2'),
    S3: stream('S3'),
    T2: table('T2'),
    T3: table('T3'),
  };
  const planned = (sql: string) => {
    const statement = parseStatement(sql);
    assert.ok(statement.kind === 'createAsSelect');
    return planQuery(statement.query, (n) => qtt[n], { kind: 'persistent', sinkName: statement.name });
  };
  // ksqlDB's multi-joins.json cases.
  assert.deepEqual(
    columns(
      planned(
        'CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, s2.V0, s3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.ID = abs(S2.ID) JOIN S3 WITHIN 10 seconds ON abs(S2.ID) = abs(S3.ID);',
      ),
    ),
    ['S1_ID KEY', 'S1_V0', 'S2_V0', 'S3_V0'],
  );
  const missing: [string, string][] = [
    [
      'SELECT s1.V0, t2.V0, t3.V0 FROM S1 INNER JOIN T2 ON S1.ID = T2.ID INNER JOIN T3 ON S1.ID = T3.ID',
      'S1.ID, T2.ID or T3.ID',
    ],
    [
      'SELECT s1.V0, t2.V0, t3.V0 FROM S1 INNER JOIN T2 ON S1.ID + 1 = T2.ID INNER JOIN T3 ON S1.ID = T3.ID',
      'S1.ID or T3.ID',
    ],
    [
      'SELECT s1.V0, t2.V0, t3.V0 FROM S1 INNER JOIN T2 ON S1.ID = T2.ID INNER JOIN T3 ON S1.ID + 1 = T3.ID',
      'T3.ID',
    ],
    [
      'SELECT s1.V0, t2.V0, t3.V0 FROM S1 LEFT JOIN T2 ON S1.ID = T2.ID LEFT JOIN T3 ON S1.ID = T3.ID',
      'S1.ID, T2.ID or T3.ID',
    ],
  ];
  for (const [select, expressions] of missing) {
    const plural = expressions.includes(' or ') ? 's' : '';
    assert.throws(() => planned(`CREATE STREAM OUTPUT AS ${select};`), {
      message: `Key missing from projection (ie, SELECT). \nThe query used to build \`OUTPUT\` must include the join expression${plural} ${expressions} in its projection (eg, SELECT ${expressions.split(/,| or /)[0]}...).`,
    });
  }
});

test('a table joined on a column other than its primary key is a foreign-key join keyed by the left table, with ksqlDB’s refusals', () => {
  const tables: Record<string, PlannerSource> = {
    ...sources,
    ITEMS: {
      kind: 'TABLE',
      name: 'ITEMS',
      columns: [
        { name: 'ID', type: STRING, namespace: 'KEY' },
        { name: 'OWNER', type: INT, namespace: 'VALUE' },
      ],
    },
  };
  const planned = (sql: string) => {
    const statement = parseStatement(sql);
    assert.ok(statement.kind === 'createAsSelect');
    return planQuery(statement.query, (n) => tables[n], { kind: 'persistent', sinkName: statement.name });
  };
  const p = planned(
    'CREATE TABLE J AS SELECT i.id, c.name FROM items i LEFT JOIN customers c ON i.owner = c.id;',
  );
  assert.deepEqual(columns(p), ['I_ID KEY', 'NAME']);
  assert.equal(joinOf(p).joinKind, 'FOREIGN_KEY');
  assert.throws(
    () =>
      planned('CREATE TABLE J AS SELECT i.id, c.name FROM items i RIGHT JOIN customers c ON i.owner = c.id;'),
    {
      message: 'Line: 1, Col: 78: RIGHT OUTER JOIN on a foreign key is not supported',
    },
  );
  assert.throws(
    () => planned('CREATE TABLE J AS SELECT c.id, c.name FROM items i JOIN customers c ON i.owner = c.id;'),
    {
      message:
        'Primary key column missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`ITEMS`). Missing column: `I_ID`.',
    },
  );
});

test('a foreign-key join only starts a multi-way join: later ones get ksqlDB’s n-way refusal, FULL its own', () => {
  const tables: Record<string, PlannerSource> = {
    ...sources,
    ITEMS: {
      kind: 'TABLE',
      name: 'ITEMS',
      columns: [
        { name: 'ID', type: INT, namespace: 'KEY' },
        { name: 'OWNER', type: INT, namespace: 'VALUE' },
      ],
    },
  };
  const planned = (sql: string) => {
    const statement = parseStatement(sql);
    assert.ok(statement.kind === 'createAsSelect');
    return planQuery(statement.query, (n) => tables[n], { kind: 'persistent', sinkName: statement.name });
  };
  assert.throws(
    () =>
      planned(
        'CREATE TABLE J AS SELECT i.id, c.name FROM items i JOIN two_keys t ON i.id = t.a JOIN customers c ON i.owner = c.id;',
      ),
    /table-table joins require to join on the primary key of the right input table\. Got I\.ID = T\.A\./,
  );
  const fkThenPk = planned(
    'CREATE TABLE J AS SELECT i.id, c.name, d.v FROM items i JOIN customers c ON i.owner = c.id JOIN by_id_table d ON i.id = d.id;'.replace(
      'by_id_table',
      'customers2',
    ),
  );
  assert.deepEqual(columns(fkThenPk), ['I_ID KEY', 'NAME', 'V']);
  assert.throws(
    () =>
      planned(
        'CREATE TABLE J AS SELECT i.id, c.name FROM items i JOIN customers2 d ON i.id = d.id JOIN customers c ON i.owner = c.id;',
      ),
    {
      message:
        'Line: 1, Col: 105: Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got I.OWNER = C.ID.',
    },
  );
  assert.throws(
    () =>
      planned('CREATE TABLE J AS SELECT i.id, c.name FROM items i FULL JOIN customers c ON i.owner = c.id;'),
    {
      message:
        'Line: 1, Col: 77: Invalid join type: full-outer join not supported for foreign-key table-table join. Got ITEMS [FULL] OUTER JOIN CUSTOMERS.',
    },
  );
});

test('a left table with several key columns is joined by foreign key, keyed by all of them, which the projection must hold', () => {
  const tables: Record<string, PlannerSource> = {
    ...sources,
    LINES: {
      kind: 'TABLE',
      name: 'LINES',
      columns: [
        { name: 'ORDER_ID', type: INT, namespace: 'KEY' },
        { name: 'LINE', type: INT, namespace: 'KEY' },
        { name: 'CUSTOMER', type: INT, namespace: 'VALUE' },
      ],
    },
  };
  const planned = (sql: string) => {
    const statement = parseStatement(sql);
    assert.ok(statement.kind === 'createAsSelect');
    return planQuery(statement.query, (n) => tables[n], { kind: 'persistent', sinkName: statement.name });
  };
  const p = planned(
    'CREATE TABLE J AS SELECT l.order_id, l.line, c.name FROM lines l JOIN customers c ON l.customer = c.id;',
  );
  assert.deepEqual(columns(p), ['ORDER_ID KEY', 'LINE KEY', 'NAME']);
  const join = joinOf(p);
  assert.equal(join.joinKind, 'FOREIGN_KEY');
  assert.deepEqual(join.leftPrimaryKey?.evaluate([7, 2, 1, 0n, 0, 0n]), [7, 2]);
  // Both key columns come from the key slot, so a tombstone (only the key known) has them.
  const keys = outputColumns(p).filter((c) => c.namespace === 'KEY');
  const tombstone: (number | number[] | null)[] = new Array(join.leftWidth + join.rightWidth).fill(null);
  tombstone.push([7, 2], null);
  assert.deepEqual(
    keys.map((k) => k.expression.evaluate(tombstone)),
    [7, 2],
  );
  assert.throws(
    () =>
      planned(
        'CREATE TABLE J AS SELECT l.order_id, c.name FROM lines l JOIN customers c ON l.customer = c.id;',
      ),
    {
      message:
        'Primary key column missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`LINES`). Missing column: `L_LINE`.',
    },
  );
  assert.throws(
    () => planned('CREATE TABLE J AS SELECT c.name FROM lines l LEFT JOIN customers c ON l.customer = c.id;'),
    {
      message:
        'Primary key columns missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`LINES`). Missing columns: `L_ORDER_ID`, `L_LINE`.',
    },
  );
});

test('GROUP BY over a join groups the joined rows: the key is named as the projection names it, with ksqlDB’s refusals', () => {
  const p = plan(
    'CREATE TABLE T AS SELECT c.city, COUNT(*) AS n, SUM(o.big) AS total FROM orders o JOIN customers c ON o.customer = c.id WHERE o.big > 0 GROUP BY c.city;',
  );
  assert.deepEqual(columns(p), ['CITY KEY', 'N', 'TOTAL']);
  const kinds: string[] = [];
  visitPlan(p, (n) => {
    kinds.push(n.kind);
  });
  assert.deepEqual(kinds.slice(0, 5), ['sink', 'project', 'aggregate', 'filter', 'join']);
  // COUNT(*) reads the joined row's ROWTIME, so the join fills it.
  assert.equal(joinOf(p).usesRowtime, true);
  // A column both sources have is named <ALIAS>_<COLUMN>, unqualified ones resolve to their side.
  assert.deepEqual(
    columns(
      plan(
        'CREATE TABLE T AS SELECT o.name, COUNT(*) AS n FROM orders o JOIN customers c ON o.customer = c.id GROUP BY o.name;',
      ),
    ),
    ['O_NAME KEY', 'N'],
  );
  assert.deepEqual(
    columns(
      plan(
        'CREATE TABLE T AS SELECT city, COUNT(*) AS n FROM orders o JOIN customers c ON o.customer = c.id GROUP BY c.city;',
      ),
    ),
    ['CITY KEY', 'N'],
  );
  const cases: [string, string | RegExp][] = [
    [
      'CREATE TABLE T AS SELECT c.city, o.big, COUNT(*) AS n FROM orders o JOIN customers c ON o.customer = c.id GROUP BY c.city;',
      /Non-aggregate SELECT expression\(s\) not part of GROUP BY: O\.BIG/,
    ],
    [
      'CREATE TABLE T AS SELECT COUNT(*) AS n FROM orders o JOIN customers c ON o.customer = c.id GROUP BY c.city;',
      /must include the grouping expression C\.CITY in its projection/,
    ],
    [
      'CREATE TABLE T AS SELECT c.city, COUNT(*) AS n FROM orders o JOIN customers c ON o.customer = c.id GROUP BY c.city PARTITION BY c.city;',
      'Queries only support one of PARTITION BY and GROUP BY',
    ],
    [
      'CREATE TABLE T AS SELECT c.city, LATEST_BY_OFFSET(d.v) AS v FROM customers c JOIN customers2 d ON c.id = d.id GROUP BY c.city;',
      'The aggregation functions LATEST_BY_OFFSET cannot be applied to a table source, only to a stream source.',
    ],
  ];
  for (const [sql, message] of cases) {
    assert.throws(() => plan(sql), typeof message === 'string' ? { message } : message, sql);
  }
  // A table-table join's rows are a table: the aggregate replaces each row's old contribution.
  const tables = planPhysical(
    plan(
      'CREATE TABLE T AS SELECT c.city, COUNT(*) AS n FROM customers c JOIN customers2 d ON c.id = d.id GROUP BY c.city;',
    ),
  );
  let step = tables.input;
  while (step.kind !== 'aggregate' && step.kind !== 'sourceScan') step = step.input;
  assert.ok(step.kind === 'aggregate' && step.tableKeyColumns !== undefined);
});

test('PARTITION BY over a stream join re-keys the joined rows by expressions the projection holds; a table join keeps its key', () => {
  const p = plan(
    'CREATE STREAM S AS SELECT c.city, o.id AS order_id FROM orders o JOIN customers c ON o.customer = c.id PARTITION BY c.city;',
  );
  assert.deepEqual(columns(p), ['CITY KEY', 'ORDER_ID']);
  const byNull = plan(
    'CREATE STREAM S AS SELECT o.id AS order_id FROM orders o JOIN customers c ON o.customer = c.id PARTITION BY NULL;',
  );
  assert.deepEqual(columns(byNull), ['ORDER_ID']);
  const cases: [string, string | RegExp][] = [
    [
      'CREATE STREAM S AS SELECT o.id FROM orders o JOIN customers c ON o.customer = c.id PARTITION BY c.city;',
      /must include the partitioning expression C\.CITY in its projection/,
    ],
    [
      'CREATE STREAM S AS SELECT c.city, o.id FROM orders o JOIN customers c ON o.customer = c.id PARTITION BY c.nope;',
      "Line: 1, Col: 105: PARTITION BY column 'C.NOPE' cannot be resolved. 'C.NOPE' must be a column in the source schema since PARTITION BY is applied on the input.",
    ],
    [
      'CREATE STREAM S AS SELECT c.city, o.id FROM orders o JOIN customers c ON o.customer = c.id PARTITION BY c.city, NULL;',
      'Cannot PARTITION BY multiple columns including NULL',
    ],
    [
      'CREATE TABLE T AS SELECT c.id, c.city FROM customers c JOIN customers2 d ON c.id = d.id PARTITION BY c.city;',
      "Line: 1, Col: 102: Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column C_ID instead of [C.CITY]",
    ],
    [
      'SELECT c.city FROM orders o JOIN customers c ON o.customer = c.id PARTITION BY c.city EMIT CHANGES;',
      /PARTITION BY is only valid in a persistent query/,
    ],
  ];
  for (const [sql, message] of cases) {
    assert.throws(() => plan(sql), typeof message === 'string' ? { message } : message, sql);
  }
});
