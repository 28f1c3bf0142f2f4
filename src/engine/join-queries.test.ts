import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { partitionForKey } from '../log/index.js';
import { readTopic, refusal, startEngine } from './test-engine.fixture.js';

const setup = `
  CREATE STREAM orders (id STRING KEY, customer INT, amount INT)
    WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=2);
  CREATE TABLE customers (id INT PRIMARY KEY, name STRING)
    WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON', PARTITIONS=2);
  SET 'auto.offset.reset'='earliest';`;

/** Waits until the engine's queries have processed everything so far. */
async function settle(engine: { waitUntilIdle(ms?: number): Promise<void> }): Promise<void> {
  await engine.waitUntilIdle(30_000);
}

test('a stream-table join keeps the table in a changelogged store: after a restart later orders still meet the customers read before it', async () => {
  const first = await startEngine();
  await first.engine.execute(
    `${setup}
     CREATE STREAM enriched WITH (KAFKA_TOPIC='enriched') AS
       SELECT o.customer, o.id AS order_id, c.name FROM orders o LEFT JOIN customers c ON o.customer = c.id;
     INSERT INTO customers (id, name) VALUES (1, 'alice');
     INSERT INTO customers (id, name) VALUES (2, 'bob');`,
  );
  await settle(first.engine);
  await first.engine.execute(`INSERT INTO orders (id, customer, amount) VALUES ('o1', 1, 10);`);
  const before = await readTopic(first.log, 'enriched', 1);
  assert.deepEqual(JSON.parse(before[0].value!.toString()), { ORDER_ID: 'o1', NAME: 'alice' });
  const topics = await first.log.listTopics();
  const queryId = first.engine.queries.all()[0].id;
  assert.ok(
    topics.includes(`_confluent-ksql-default_query_${queryId}-KafkaTopic_Right-Reduce-changelog`),
    topics.join(', '),
  );
  assert.deepEqual(first.engine.metastore.get('ENRICHED')?.references, ['ORDERS', 'CUSTOMERS']);
  await first.close();

  const second = await startEngine(first.dir);
  await second.engine.execute(`
    INSERT INTO orders (id, customer, amount) VALUES ('o2', 2, 20);
    INSERT INTO orders (id, customer, amount) VALUES ('o3', 3, 30);`);
  const after = await readTopic(second.log, 'enriched', 3);
  assert.equal(after.length, 3, 'the order read before the restart is not joined again');
  assert.deepEqual(
    after
      .map((r) => [r.key!.readInt32BE(), JSON.parse(r.value!.toString())])
      .filter(([, v]) => v.ORDER_ID !== 'o1')
      .sort(),
    [
      [2, { ORDER_ID: 'o2', NAME: 'bob' }],
      [3, { ORDER_ID: 'o3', NAME: null }],
    ],
  );
});

test('sources with different partition counts cannot be joined, persistent or push: ksqlDB’s message at the joined source', async () => {
  const { engine } = await startEngine();
  await engine.execute(`${setup}
    CREATE TABLE one (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='one', VALUE_FORMAT='JSON', PARTITIONS=1);`);
  const message =
    "Can't join `ORDERS` with `ONE` since the number of partitions don't match. `ORDERS` partitions = 2; `ONE` partitions = 1. Please repartition either one so that the number of partitions match.";
  const persistent = await refusal(
    engine.execute(
      'CREATE STREAM j AS SELECT o.customer, t.name FROM orders o JOIN one t ON o.customer = t.id;',
    ),
  );
  assert.equal(persistent.message, `Line: 1, Col: 65: ${message}`, 'the position of the joined source');
  assert.equal(engine.metastore.get('J'), undefined, 'nothing is created');
  const push = await refusal(
    engine.pushQuery('SELECT o.customer, t.name FROM orders o JOIN one t ON o.customer = t.id EMIT CHANGES;'),
  );
  assert.equal(push.message, `Line: 1, Col: 46: ${message}`);
});

test('a push query over a stream-table join streams the joined rows; a join source cannot be dropped while a query reads it', async () => {
  const { engine } = await startEngine();
  await engine.execute(`${setup}
    INSERT INTO customers (id, name) VALUES (1, 'alice');`);
  await settle(engine);
  const handle = await engine.pushQuery(
    'SELECT o.id, c.name, amount FROM orders o JOIN customers c ON o.customer = c.id EMIT CHANGES LIMIT 1;',
    { streamsProperties: { 'auto.offset.reset': 'earliest' } },
  );
  assert.deepEqual(handle.columnNames, ['O_ID', 'NAME', 'AMOUNT']);
  const rows: unknown[][] = [];
  const reading = (async () => {
    for await (const batch of handle.rows) rows.push(...batch.rows);
  })();
  await engine.execute(`
    INSERT INTO orders (id, customer, amount) VALUES ('o0', 9, 1);
    INSERT INTO orders (id, customer, amount) VALUES ('o1', 1, 10);`);
  await reading;
  handle.close();
  assert.deepEqual(rows, [['o1', 'alice', 10]]);

  await engine.execute(
    'CREATE STREAM j AS SELECT o.customer, c.name FROM orders o JOIN customers c ON o.customer = c.id;',
  );
  const drop = await refusal(engine.execute('DROP TABLE customers;'));
  assert.match(drop.message, /read from this source: \[J\]/);
});

test('EXPLAIN of a running join query shows the join in the execution plan and the topology', async () => {
  const { engine } = await startEngine();
  await engine.execute(`${setup}
    CREATE STREAM j AS SELECT o.customer, c.name FROM orders o JOIN customers c ON o.customer = c.id;`);
  const queryId = engine.queries.all()[0].id;
  const [explained] = await engine.execute(`EXPLAIN ${queryId};`);
  const description = JSON.stringify(explained);
  assert.match(description, /\[ JOIN \] \| Schema: O_CUSTOMER INTEGER KEY/);
  assert.ok(description.includes(`Logger: ${queryId}.KafkaTopic_Right.Source`), description);
  assert.match(description, /Processor: Join \(stores: \[KafkaTopic_Right-Reduce\]\)/);
});

test('under exactly_once_v2 a stream-stream join commits its window stores with its output: a restart joins later records with those stored before it, once', async () => {
  const flags = { 'ksql.streams.processing.guarantee': 'exactly_once_v2' };
  const first = await startEngine(undefined, flags);
  await first.engine.execute(`
    CREATE STREAM clicks (id STRING KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE STREAM views (id STRING KEY, ms INT) WITH (KAFKA_TOPIC='views', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE STREAM joined WITH (KAFKA_TOPIC='joined') AS
      SELECT c.id, c.page, v.ms FROM clicks c JOIN views v WITHIN 1 MINUTE ON c.id = v.id;
    INSERT INTO clicks (id, page, ROWTIME) VALUES ('a', 'home', 1000);
    INSERT INTO views (id, ms, ROWTIME) VALUES ('a', 5, 2000);`);
  const before = await readTopic(first.log, 'joined', 1);
  assert.deepEqual(JSON.parse(before[0].value!.toString()), { PAGE: 'home', MS: 5 });
  await first.close();
  const second = await startEngine(first.dir, flags);
  await second.engine.execute(`INSERT INTO views (id, ms, ROWTIME) VALUES ('a', 7, 3000);`);
  const after = await readTopic(second.log, 'joined', 2);
  assert.deepEqual(
    after.map((r) => JSON.parse(r.value!.toString())),
    [
      { PAGE: 'home', MS: 5 },
      { PAGE: 'home', MS: 7 },
    ],
  );
});

test('a stream record meets the table as of its own time: a later table update read in the same poll is not seen by an earlier order', async () => {
  const { engine, log } = await startEngine();
  // Everything is in the log before the queries start, so their first poll brings both topics.
  await engine.execute(`
    CREATE STREAM orders (id STRING KEY, customer INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE TABLE customers (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    INSERT INTO customers (ROWTIME, id, name) VALUES (10, 1, 'alice');
    INSERT INTO orders (ROWTIME, id, customer) VALUES (20, 'o1', 1);
    INSERT INTO customers (ROWTIME, id, name) VALUES (100, 1, 'alice-later');
    INSERT INTO orders (ROWTIME, id, customer) VALUES (50, 'o2', 1);
    INSERT INTO orders (ROWTIME, id, customer) VALUES (150, 'o3', 1);`);
  const push = await engine.pushQuery(
    'SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer = c.id EMIT CHANGES LIMIT 3;',
    { streamsProperties: { 'auto.offset.reset': 'earliest' } },
  );
  await engine.execute(`
    SET 'auto.offset.reset'='earliest';
    CREATE STREAM enriched WITH (KAFKA_TOPIC='enriched') AS
      SELECT o.customer, o.id AS order_id, c.name FROM orders o JOIN customers c ON o.customer = c.id;`);
  const out = await readTopic(log, 'enriched', 3);
  assert.deepEqual(
    out.map((r) => [r.timestamp, JSON.parse(r.value!.toString())]),
    [
      [20, { ORDER_ID: 'o1', NAME: 'alice' }],
      [50, { ORDER_ID: 'o2', NAME: 'alice' }],
      [150, { ORDER_ID: 'o3', NAME: 'alice-later' }],
    ],
  );
  const rows: unknown[][] = [];
  for await (const chunk of push.rows) rows.push(...chunk.rows);
  push.close();
  assert.deepEqual(rows, [
    ['o1', 'alice'],
    ['o2', 'alice'],
    ['o3', 'alice-later'],
  ]);
});

test('a join holds back fetched records while another input still has unfetched ones: an order meets the table as of its time even behind a backlog larger than one poll', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(`
    CREATE STREAM orders (id STRING KEY, customer INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE TABLE customers (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON', PARTITIONS=1);`);
  // More table updates than one poll reads: the order's time falls inside the first poll's.
  const key = Buffer.alloc(4);
  key.writeInt32BE(1);
  const updates = Array.from({ length: 12_000 }, (_, t) => ({
    partition: 0,
    key,
    value: Buffer.from(JSON.stringify({ NAME: `v${t}` })),
    timestamp: t,
  }));
  await log.append('customers', updates);
  await log.append('orders', [
    {
      partition: 0,
      key: Buffer.from('o1'),
      value: Buffer.from(JSON.stringify({ CUSTOMER: 1 })),
      timestamp: 10,
    },
  ]);
  await engine.execute(`
    SET 'auto.offset.reset'='earliest';
    CREATE STREAM enriched WITH (KAFKA_TOPIC='enriched') AS
      SELECT o.customer, o.id AS order_id, c.name FROM orders o JOIN customers c ON o.customer = c.id;`);
  const out = await readTopic(log, 'enriched', 1);
  assert.deepEqual(JSON.parse(out[0].value!.toString()), { ORDER_ID: 'o1', NAME: 'v10' });
});

test('join inputs are ordered by the times the query takes them at: a TIMESTAMP column, not the log time', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(`
    CREATE STREAM orders (id STRING KEY, customer INT, at BIGINT)
      WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1, TIMESTAMP='at');
    CREATE TABLE customers (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON', PARTITIONS=1);`);
  const key = Buffer.alloc(4);
  key.writeInt32BE(1);
  await log.append('customers', [
    { partition: 0, key, value: Buffer.from(JSON.stringify({ NAME: 'alice' })), timestamp: 10 },
    { partition: 0, key, value: Buffer.from(JSON.stringify({ NAME: 'alice-later' })), timestamp: 100 },
  ]);
  // Logged at 200, but its time is its AT column: 50.
  await log.append('orders', [
    {
      partition: 0,
      key: Buffer.from('o1'),
      value: Buffer.from(JSON.stringify({ CUSTOMER: 1, AT: 50 })),
      timestamp: 200,
    },
  ]);
  await engine.execute(`
    SET 'auto.offset.reset'='earliest';
    CREATE STREAM enriched WITH (KAFKA_TOPIC='enriched') AS
      SELECT o.customer, o.id AS order_id, c.name FROM orders o JOIN customers c ON o.customer = c.id;`);
  const out = await readTopic(log, 'enriched', 1);
  assert.deepEqual(
    out.map((r) => [r.timestamp, JSON.parse(r.value!.toString())]),
    [[50, { ORDER_ID: 'o1', NAME: 'alice' }]],
  );
});

test('a stream joined on a value column over several partitions is re-keyed in process: every order meets its customer, and each output record is keyed and partitioned by the join key, as through ksqlDB’s Join-repartition topic', async () => {
  const { engine, log } = await startEngine();
  const customers = [1, 2, 3, 4, 5, 6, 7, 8];
  const orders = customers.flatMap((c) => [`o${c}a`, `o${c}b`].map((id) => ({ id, customer: c })));
  await engine.execute(`${setup}
    ${customers.map((c) => `INSERT INTO customers (ROWTIME, id, name) VALUES (1, ${c}, 'c${c}');`).join('\n')}
    CREATE STREAM enriched WITH (KAFKA_TOPIC='enriched') AS
      SELECT o.customer, o.id AS order_id, c.name FROM orders o JOIN customers c ON o.customer = c.id;`);
  await settle(engine);
  await engine.execute(
    orders
      .map(
        (o) => `INSERT INTO orders (ROWTIME, id, customer, amount) VALUES (10, '${o.id}', ${o.customer}, 1);`,
      )
      .join('\n'),
  );
  await readTopic(log, 'enriched', orders.length);
  const partitions = (await log.describeTopic('enriched')).partitions.length;
  assert.equal(partitions, 2, 'the sink has the sources’ partition count');
  const inputPartition = new Map<string, number>();
  for (let p = 0; p < 2; p++) {
    for (const r of (await log.read('orders', p, 0)).records) inputPartition.set(r.key!.toString(), p);
  }
  const joined: [number, string, string][] = [];
  let moved = 0;
  for (let p = 0; p < partitions; p++) {
    for (const r of (await log.read('enriched', p, 0)).records) {
      const key = r.key!;
      assert.equal(partitionForKey(key, partitions), p, 'each record lands where its key hashes to');
      const value = JSON.parse(r.value!.toString());
      joined.push([key.readInt32BE(), value.ORDER_ID, value.NAME]);
      if (inputPartition.get(value.ORDER_ID) !== p) moved++;
    }
  }
  assert.ok(moved > 0, 'some orders change partition with their new key');
  assert.deepEqual(joined.sort(), orders.map((o) => [o.customer, o.id, `c${o.customer}`]).sort());
});

test('push queries over joined tables: a table-table join streams each change of a joined row, and a push query reads the table a join CTAS builds', async () => {
  const { engine } = await startEngine();
  await engine.execute(`
    CREATE TABLE users (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE TABLE accounts (id INT PRIMARY KEY, balance INT) WITH (KAFKA_TOPIC='accounts', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE TABLE balances AS SELECT u.id, u.name, a.balance FROM users u JOIN accounts a ON u.id = a.id;`);
  const join = await engine.pushQuery(
    'SELECT u.id, name, balance FROM users u JOIN accounts a ON u.id = a.id EMIT CHANGES LIMIT 3;',
    { streamsProperties: { 'auto.offset.reset': 'earliest' } },
  );
  const table = await engine.pushQuery('SELECT * FROM balances EMIT CHANGES LIMIT 3;', {
    streamsProperties: { 'auto.offset.reset': 'earliest' },
  });
  await engine.execute(`
    INSERT INTO users (ROWTIME, id, name) VALUES (1, 1, 'alice');
    INSERT INTO users (ROWTIME, id, name) VALUES (2, 2, 'bob');
    INSERT INTO accounts (ROWTIME, id, balance) VALUES (3, 1, 10);
    INSERT INTO accounts (ROWTIME, id, balance) VALUES (4, 1, 20);
    INSERT INTO accounts (ROWTIME, id, balance) VALUES (5, 2, 5);`);
  const rowsOf = async (handle: typeof join) => {
    const rows: unknown[][] = [];
    for await (const batch of handle.rows) rows.push(...batch.rows);
    handle.close();
    return rows;
  };
  const expected = [
    [1, 'alice', 10],
    [1, 'alice', 20],
    [2, 'bob', 5],
  ];
  assert.deepEqual(await rowsOf(join), expected);
  assert.deepEqual(table.columnNames, ['U_ID', 'NAME', 'BALANCE']);
  assert.deepEqual(await rowsOf(table), expected);
});

test('table-table, foreign-key and outer stream-stream joins restore their state from its changelogs: with the state dir gone, later changes still meet the rows read before the restart', async () => {
  const first = await startEngine();
  await first.engine.execute(`
    CREATE TABLE users (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE TABLE accounts (id INT PRIMARY KEY, balance INT) WITH (KAFKA_TOPIC='accounts', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE TABLE purchases (id INT PRIMARY KEY, user_id INT, amount INT) WITH (KAFKA_TOPIC='purchases', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE STREAM clicks (id INT KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE STREAM views (id INT KEY, secs INT) WITH (KAFKA_TOPIC='views', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE TABLE balances WITH (KAFKA_TOPIC='balances') AS
      SELECT u.id, name, balance FROM users u LEFT JOIN accounts a ON u.id = a.id;
    CREATE TABLE named WITH (KAFKA_TOPIC='named') AS
      SELECT p.id, amount, name FROM purchases p JOIN users u ON p.user_id = u.id;
    CREATE STREAM clicked WITH (KAFKA_TOPIC='clicked') AS
      SELECT c.id, page, secs FROM clicks c LEFT JOIN views v WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON c.id = v.id;
    INSERT INTO users (ROWTIME, id, name) VALUES (1, 1, 'alice');
    INSERT INTO accounts (ROWTIME, id, balance) VALUES (2, 1, 10);
    INSERT INTO purchases (ROWTIME, id, user_id, amount) VALUES (3, 100, 1, 5);
    INSERT INTO clicks (ROWTIME, id, page) VALUES (0, 7, 'home');`);
  await readTopic(first.log, 'named', 1);
  await readTopic(first.log, 'balances', 2);
  await settle(first.engine);
  await first.close();
  rmSync(join(first.dir, 'state'), { recursive: true, force: true });

  const second = await startEngine(first.dir);
  await second.engine.execute(`
    INSERT INTO accounts (ROWTIME, id, balance) VALUES (4, 1, 20);
    INSERT INTO users (ROWTIME, id, name) VALUES (5, 1, 'alicia');
    INSERT INTO clicks (ROWTIME, id, page) VALUES (200000, 8, 'later');`);
  const values = async (topic: string, count: number) =>
    (await readTopic(second.log, topic, count)).map((r) => [r.timestamp, JSON.parse(r.value!.toString())]);
  assert.deepEqual(await values('balances', 4), [
    [1, { NAME: 'alice', BALANCE: null }],
    [2, { NAME: 'alice', BALANCE: 10 }],
    [4, { NAME: 'alice', BALANCE: 20 }],
    [5, { NAME: 'alicia', BALANCE: 20 }],
  ]);
  assert.deepEqual(await values('named', 2), [
    [3, { AMOUNT: 5, NAME: 'alice' }],
    [5, { AMOUNT: 5, NAME: 'alicia' }],
  ]);
  assert.deepEqual(await values('clicked', 1), [[0, { PAGE: 'home', SECS: null }]]);
});

test('a stream-stream join over two partitions keeps each partition’s stream time, also when it restores its stores from their changelogs under exactly_once_v2: a busy partition neither expires nor closes a quieter one’s records', async () => {
  const flags = { 'ksql.streams.processing.guarantee': 'exactly_once_v2' };
  // 'a' and 'd' land in different partitions of a two-partition topic.
  assert.equal(partitionForKey(Buffer.from('a'), 2), 0);
  assert.equal(partitionForKey(Buffer.from('d'), 2), 1);
  const first = await startEngine(undefined, flags);
  await first.engine.execute(`
    CREATE STREAM clicks (id STRING KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=2);
    CREATE STREAM views (id STRING KEY, secs INT) WITH (KAFKA_TOPIC='views', VALUE_FORMAT='JSON', PARTITIONS=2);
    SET 'auto.offset.reset'='earliest';
    CREATE STREAM clicked WITH (KAFKA_TOPIC='clicked') AS
      SELECT c.id, page, secs FROM clicks c LEFT JOIN views v WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON c.id = v.id;
    INSERT INTO clicks (ROWTIME, id, page) VALUES (0, 'a', 'home');`);
  await settle(first.engine);
  // Partition 1 moves far ahead: partition 0's click at 0 still waits for a view.
  await first.engine.execute(`INSERT INTO clicks (ROWTIME, id, page) VALUES (330000, 'd', 'later');`);
  await settle(first.engine);
  await first.close();
  rmSync(join(first.dir, 'state'), { recursive: true, force: true });

  const second = await startEngine(first.dir, flags);
  await second.engine.execute(`INSERT INTO views (ROWTIME, id, secs) VALUES (60000, 'a', 5);`);
  await settle(second.engine);
  // Partition 1's own time passes the later click's window and grace: it is given with NULLs.
  await second.engine.execute(`INSERT INTO views (ROWTIME, id, secs) VALUES (500000, 'd', 9);`);
  const values = (await readTopic(second.log, 'clicked', 2)).map((r) => [
    r.key!.toString(),
    r.timestamp,
    JSON.parse(r.value!.toString()),
  ]);
  await settle(second.engine);
  assert.deepEqual(values.sort(), [
    ['a', 60000, { PAGE: 'home', SECS: 5 }],
    ['d', 330000, { PAGE: 'later', SECS: null }],
  ]);
  let total = 0;
  for (let p = 0; p < 2; p++) total += (await second.log.read('clicked', p, 0)).records.length;
  assert.equal(total, 2, 'no other joined or NULL-padded row');
  await second.close();
});
