import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeSessionWindowedKey, serializeTimeWindowedKey } from '../runtime/index.js';
import type { KsqlEngine } from './ksql-engine.js';
import { refusal, startEngine } from './test-engine.fixture.js';

/** Runs a pull query to its end: its header and rows (values as the engine holds them). */
async function pull(engine: KsqlEngine, sql: string, properties: Record<string, string> = {}) {
  const opened = await engine.openQuery(sql, { streamsProperties: properties });
  assert.equal(opened.kind, 'pull');
  if (opened.kind !== 'pull') throw new Error('not a pull query');
  const q = opened.query;
  const rows: unknown[][] = [];
  for await (const batch of q.rows) rows.push(...batch.rows);
  return { names: q.columnNames, types: q.columnTypes, keys: q.keyColumns, rows, overTable: q.overTable };
}

const n = (v: number) => BigInt(v);

const orders = `
  CREATE STREAM orders (id STRING KEY, item STRING, qty INT, region STRING)
    WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=2);
  SET 'auto.offset.reset'='earliest';`;

async function perItem() {
  const started = await startEngine();
  const { engine } = started;
  await engine.execute(`${orders}
    CREATE TABLE per_item AS SELECT item, COUNT(*) AS n, SUM(qty) AS total FROM orders GROUP BY item EMIT CHANGES;
    INSERT INTO orders (id, item, qty, region) VALUES ('o1', 'pear', 3, 'north');
    INSERT INTO orders (id, item, qty, region) VALUES ('o2', 'apple', 5, 'south');
    INSERT INTO orders (id, item, qty, region) VALUES ('o3', 'pear', 4, 'north');
    INSERT INTO orders (id, item, qty, region) VALUES ('o4', 'fig', 1, 'north');`);
  await engine.waitUntilIdle();
  return started;
}

test('pull query by key: =, IN (rows in request order, missing keys left out) and OR of key equalities', async () => {
  const { engine } = await perItem();
  const one = await pull(engine, "SELECT * FROM per_item WHERE item = 'pear';");
  assert.deepEqual(one.names, ['ITEM', 'N', 'TOTAL']);
  assert.deepEqual(one.types, ['STRING', 'BIGINT', 'INTEGER']);
  assert.deepEqual(one.keys, [true, false, false]);
  assert.equal(one.overTable, true);
  assert.deepEqual(one.rows, [['pear', n(2), 7]]);
  const some = await pull(engine, "SELECT item, total FROM per_item WHERE item IN ('fig', 'kiwi', 'apple');");
  assert.deepEqual(some.rows, [
    ['fig', 1],
    ['apple', 5],
  ]);
  const either = await pull(engine, "SELECT item FROM per_item WHERE item = 'fig' OR item = 'pear';");
  assert.deepEqual(either.rows, [['fig'], ['pear']]);
  const none = await pull(engine, "SELECT * FROM per_item WHERE item = 'kiwi';");
  assert.deepEqual(none.rows, []);
});

test('pull query scans: every row in key-byte order, WHERE on values and key ranges, expressions, ROWTIME and LIMIT', async () => {
  const { engine } = await perItem();
  const all = await pull(engine, 'SELECT * FROM per_item;');
  assert.deepEqual(
    all.rows.map((r) => r[0]),
    ['apple', 'fig', 'pear'],
  );
  const big = await pull(engine, 'SELECT item, total * 10 AS t10 FROM per_item WHERE total > 2;');
  assert.deepEqual(big.names, ['ITEM', 'T10']);
  assert.deepEqual(big.keys, [true, false]);
  assert.deepEqual(big.rows, [
    ['apple', 50],
    ['pear', 70],
  ]);
  const range = await pull(engine, "SELECT item FROM per_item WHERE item >= 'b' AND item < 'g';");
  assert.deepEqual(range.rows, [['fig']]);
  const keyAndValue = await pull(engine, "SELECT item FROM per_item WHERE item = 'pear' AND n > 5;");
  assert.deepEqual(keyAndValue.rows, []);
  const limited = await pull(engine, 'SELECT item FROM per_item LIMIT 2;');
  assert.deepEqual(limited.rows, [['apple'], ['fig']]);
  const times = await pull(engine, "SELECT ROWTIME > 0 AS stamped FROM per_item WHERE item = 'fig';");
  assert.deepEqual(times.rows, [[true]]);
});

test('pull query reads what the CTAS has processed since: the same key again shows the new aggregate', async () => {
  const { engine } = await perItem();
  const fig = "SELECT n, total FROM per_item WHERE item = 'fig';";
  assert.deepEqual((await pull(engine, fig)).rows, [[n(1), 1]]);
  await engine.execute("INSERT INTO orders (id, item, qty) VALUES ('o5', 'fig', 10);");
  await engine.waitUntilIdle();
  // The same text again (prepared once) reads the store as it is now.
  assert.deepEqual((await pull(engine, fig)).rows, [[n(2), 11]]);
});

test('pull query over a HAVING table leaves out the groups HAVING removes; a multi-column key needs every key column', async () => {
  const { engine } = await startEngine();
  await engine.execute(`${orders}
    CREATE TABLE busy WITH (KEY_FORMAT='JSON') AS
      SELECT region, item, COUNT(*) AS n FROM orders GROUP BY region, item HAVING COUNT(*) > 1;
    INSERT INTO orders (id, item, qty, region) VALUES ('o1', 'pear', 3, 'north');
    INSERT INTO orders (id, item, qty, region) VALUES ('o2', 'pear', 5, 'north');
    INSERT INTO orders (id, item, qty, region) VALUES ('o3', 'fig', 4, 'north');`);
  await engine.waitUntilIdle();
  assert.deepEqual((await pull(engine, 'SELECT * FROM busy;')).rows, [['north', 'pear', n(2)]]);
  assert.deepEqual(
    (await pull(engine, "SELECT n FROM busy WHERE region = 'north' AND item = 'pear';")).rows,
    [[n(2)]],
  );
  assert.deepEqual(
    (await pull(engine, "SELECT n FROM busy WHERE region = 'north' AND item = 'fig';")).rows,
    [],
    'HAVING removed this group',
  );
  const partial = await refusal(
    engine.openQuery("SELECT * FROM busy WHERE region = 'north';", {
      streamsProperties: { 'ksql.query.pull.table.scan.enabled': false },
    }),
  );
  assert.match(partial.message, /Multi-column sources must specify every key in the WHERE clause\./);
});

test('pull query over a TUMBLING table: rows per window, WINDOWSTART/WINDOWEND bounds as numbers or ISO text', async () => {
  const { engine } = await startEngine();
  await engine.execute(`
    CREATE STREAM clicks (user STRING KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE TABLE per_minute AS SELECT user, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user;
    INSERT INTO clicks (ROWTIME, user, page) VALUES (0, 'u1', 'a');
    INSERT INTO clicks (ROWTIME, user, page) VALUES (1000, 'u1', 'b');
    INSERT INTO clicks (ROWTIME, user, page) VALUES (60000, 'u1', 'c');
    INSERT INTO clicks (ROWTIME, user, page) VALUES (120000, 'u2', 'd');`);
  await engine.waitUntilIdle();
  const all = await pull(engine, "SELECT * FROM per_minute WHERE user = 'u1';");
  assert.deepEqual(all.names, ['USER', 'WINDOWSTART', 'WINDOWEND', 'N']);
  assert.deepEqual(all.keys, [true, true, true, false]);
  assert.deepEqual(all.rows, [
    ['u1', n(0), n(60000), n(2)],
    ['u1', n(60000), n(120000), n(1)],
  ]);
  const later = await pull(
    engine,
    "SELECT WINDOWSTART, n FROM per_minute WHERE user = 'u1' AND WINDOWSTART >= 60000;",
  );
  assert.deepEqual(later.rows, [[n(60000), n(1)]]);
  const iso = await pull(
    engine,
    "SELECT n FROM per_minute WHERE user = 'u1' AND WINDOWSTART = '1970-01-01T00:00:00.000' AND WINDOWEND <= 60000;",
  );
  assert.deepEqual(iso.rows, [[n(2)]]);
  const scan = await pull(engine, 'SELECT user, WINDOWSTART FROM per_minute WHERE WINDOWSTART > 0;');
  assert.deepEqual(scan.rows, [
    ['u1', n(60000)],
    ['u2', n(120000)],
  ]);
});

test('pull query over a SESSION table: each session with its bounds', async () => {
  const { engine } = await startEngine();
  await engine.execute(`
    CREATE STREAM clicks (user STRING KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE TABLE sessions AS SELECT user, COUNT(*) AS n FROM clicks WINDOW SESSION (10 SECONDS) GROUP BY user;
    INSERT INTO clicks (ROWTIME, user, page) VALUES (1000, 'u1', 'a');
    INSERT INTO clicks (ROWTIME, user, page) VALUES (5000, 'u1', 'b');
    INSERT INTO clicks (ROWTIME, user, page) VALUES (60000, 'u1', 'c');`);
  await engine.waitUntilIdle();
  const rows = await pull(engine, "SELECT * FROM sessions WHERE user = 'u1';");
  assert.deepEqual(rows.rows, [
    ['u1', n(1000), n(5000), n(2)],
    ['u1', n(60000), n(60000), n(1)],
  ]);
  const first = await pull(engine, "SELECT n FROM sessions WHERE user = 'u1' AND WINDOWEND < 10000;");
  assert.deepEqual(first.rows, [[n(2)]]);
});

test("ksql.query.pull.stream.enabled=false refuses pull queries on streams with ksqlDB's message; a request may set it either way", async () => {
  const disabled =
    "Pull queries on streams are disabled. To create a push query on the stream, add EMIT CHANGES to the end. To enable pull queries on streams, set the ksql.query.pull.stream.enabled config to 'true'.";
  const { engine } = await startEngine(undefined, { 'ksql.query.pull.stream.enabled': 'false' });
  await engine.execute(`${orders}
    INSERT INTO orders (id, item, qty) VALUES ('o1', 'pear', 3);`);
  const sql = 'SELECT id FROM orders;';
  const refused = await refusal(engine.openQuery(sql, {}));
  assert.equal(refused.message, disabled);
  assert.equal(refused.statementText, sql);
  assert.deepEqual((await pull(engine, sql, { 'ksql.query.pull.stream.enabled': 'true' })).rows, [['o1']]);
  // The plan prepared for the request that allowed it is not reused for one that does not.
  assert.equal((await refusal(engine.openQuery(sql, {}))).message, disabled);
  const open = await startEngine();
  await open.engine.execute(`${orders}
    INSERT INTO orders (id, item, qty) VALUES ('o1', 'pear', 3);`);
  assert.deepEqual((await pull(open.engine, sql)).rows, [['o1']]);
  const off = { streamsProperties: { 'ksql.query.pull.stream.enabled': 'false' } };
  assert.equal((await refusal(open.engine.openQuery(sql, off))).message, disabled);
});

test('pull query over a stream: the topic from the beginning to its end at the start, then it ends; WHERE and LIMIT apply', async () => {
  const { engine } = await startEngine();
  await engine.execute(`${orders}
    INSERT INTO orders (id, item, qty) VALUES ('o1', 'pear', 3);
    INSERT INTO orders (id, item, qty) VALUES ('o2', 'apple', 5);
    INSERT INTO orders (id, item, qty) VALUES ('o3', 'pear', 4);`);
  const opened = await engine.openQuery("SELECT id, qty FROM orders WHERE item = 'pear';");
  assert.equal(opened.kind, 'pull');
  if (opened.kind !== 'pull') return;
  assert.equal(opened.query.overTable, false);
  assert.deepEqual(opened.query.keyColumns, [false, false]);
  // Appended after the query started: not part of its answer.
  await engine.execute("INSERT INTO orders (id, item, qty) VALUES ('o4', 'pear', 9);");
  const rows: unknown[][] = [];
  for await (const b of opened.query.rows) rows.push(...b.rows);
  assert.deepEqual(
    rows.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    [
      ['o1', 3],
      ['o3', 4],
    ],
  );
  const limited = await pull(engine, 'SELECT id FROM orders LIMIT 1;');
  assert.equal(limited.rows.length, 1);
  const empty = await startEngine();
  await empty.engine.execute(
    "CREATE STREAM e (id STRING KEY, v INT) WITH (KAFKA_TOPIC='e', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  assert.deepEqual((await pull(empty.engine, 'SELECT * FROM e;')).rows, [], 'an empty stream ends at once');
});

test("pull queries are refused with ksqlDB's messages for what they cannot do", async () => {
  const { engine } = await perItem();
  await engine.execute(
    "CREATE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  const refused = async (sql: string, properties: Record<string, unknown> = {}) =>
    (await refusal(engine.openQuery(sql, { streamsProperties: properties }))).message;
  const help =
    ' See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.';
  assert.equal(
    await refused('SELECT * FROM users;'),
    "The `USERS` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_USERS AS SELECT * FROM USERS'. See https://cnfl.io/queries for more info.",
  );
  assert.equal(
    await refused('SELECT item, COUNT(*) FROM orders GROUP BY item;'),
    `Pull queries don't support GROUP BY clauses.${help}`,
  );
  assert.equal(
    await refused('SELECT ROWPARTITION FROM per_item;'),
    `Pull queries don't support the following columns in SELECT clauses: \`ROWPARTITION\`\n${help}`,
  );
  assert.match(
    await refused('SELECT * FROM per_item WHERE item = NULL;'),
    /Primary key columns can not be NULL: \(ITEM = null\)/,
  );
  assert.match(
    await refused('SELECT * FROM per_item WHERE item = 11;'),
    /Error in WHERE expression: Cannot compare ITEM \(STRING\) to 11 \(INTEGER\) with EQUAL\./,
  );
  assert.match(
    await refused('SELECT * FROM per_item WHERE WINDOWSTART > 0;'),
    /WHERE column 'WINDOWSTART' cannot be resolved/,
  );
  const noScan = { 'ksql.query.pull.table.scan.enabled': false };
  assert.equal(
    await refused('SELECT * FROM per_item WHERE n > 1;', noScan),
    'Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true',
  );
  assert.match(
    await refused("SELECT * FROM per_item WHERE item = 'a' OR n > 1;", noScan),
    /WHERE clause missing key column for disjunct: \(?N > 1\)?/,
  );
  assert.match(
    await refused("SELECT * FROM per_item WHERE item IN ('a', 'b') AND item > 'a';", noScan),
    /A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate/,
  );
  // With scans off, lookups and STRING key ranges still run.
  assert.deepEqual(
    (
      await pull(engine, "SELECT n FROM per_item WHERE item = 'fig';", {
        'ksql.query.pull.table.scan.enabled': 'false',
      })
    ).rows,
    [[n(1)]],
  );
  assert.deepEqual(
    (
      await pull(engine, "SELECT item FROM per_item WHERE item > 'g';", {
        'ksql.query.pull.table.scan.enabled': 'false',
      })
    ).rows,
    [['pear']],
  );
});

test('ksql.query.pull.table.scan.enabled=false on the server refuses scans, and a request may turn them back on', async () => {
  const { engine } = await startEngine(undefined, { 'ksql.query.pull.table.scan.enabled': 'false' });
  await engine.execute(`${orders}
    CREATE TABLE per_item AS SELECT item, COUNT(*) AS n FROM orders GROUP BY item EMIT CHANGES;
    INSERT INTO orders (id, item, qty, region) VALUES ('o1', 'pear', 3, 'north');`);
  await engine.waitUntilIdle();
  await assert.rejects(pull(engine, 'SELECT * FROM per_item;'), /Query requires table scan to be enabled/);
  assert.deepEqual((await pull(engine, "SELECT n FROM per_item WHERE item = 'pear';")).rows, [[n(1)]]);
  const scanned = await pull(engine, 'SELECT item FROM per_item;', {
    'ksql.query.pull.table.scan.enabled': 'true',
  });
  assert.deepEqual(scanned.rows, [['pear']]);
});

test('pull query on a SOURCE table reads the rows its CST query keeps: lookups, scans, deletes gone, latest value per key', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(
    "CREATE SOURCE TABLE users (name STRING, id STRING PRIMARY KEY, score INT) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  const upsert = (id: string, name: string, score: number) => ({
    key: Buffer.from(id),
    value: Buffer.from(JSON.stringify({ NAME: name, SCORE: score })),
    timestamp: 1000,
  });
  await log.append('users', [
    upsert('u2', 'bob', 7),
    upsert('u1', 'ann', 5),
    upsert('u2', 'bob', 9),
    upsert('u3', 'cy', 1),
    { key: Buffer.from('u3'), value: null, timestamp: 1000 },
  ]);
  await engine.waitUntilIdle();
  const all = await pull(engine, 'SELECT * FROM users;');
  assert.deepEqual(all.names, ['ID', 'NAME', 'SCORE']);
  assert.deepEqual(all.keys, [true, false, false]);
  assert.deepEqual(all.rows, [
    ['u1', 'ann', 5],
    ['u2', 'bob', 9],
  ]);
  assert.deepEqual((await pull(engine, "SELECT name, ROWTIME FROM users WHERE id = 'u2';")).rows, [
    ['bob', n(1000)],
  ]);
  assert.deepEqual((await pull(engine, "SELECT name FROM users WHERE id = 'u3';")).rows, [], 'deleted');
  assert.deepEqual((await pull(engine, 'SELECT id FROM users WHERE score > 6;')).rows, [['u2']]);
});

test('pull query on a windowed SOURCE table: one row per key and window (updates and deletes per window), WINDOWSTART/WINDOWEND bounds, scans, after a restart too', async () => {
  const first = await startEngine();
  await first.engine.execute(
    "CREATE SOURCE TABLE per_minute (user STRING PRIMARY KEY, n BIGINT) WITH (KAFKA_TOPIC='per_minute', VALUE_FORMAT='JSON', PARTITIONS=1, WINDOW_TYPE='TUMBLING', WINDOW_SIZE='1 MINUTE');",
  );
  const at = (user: string, start: number, count: number | null) => ({
    key: serializeTimeWindowedKey(Buffer.from(user), start),
    value: count === null ? null : Buffer.from(JSON.stringify({ N: count })),
    timestamp: start + 5,
  });
  await first.log.append('per_minute', [
    at('u1', 60_000, 2),
    at('u1', 0, 1),
    at('u2', 0, 5),
    at('u2', 60_000, 7),
    at('u1', 0, 3),
    at('u2', 0, null),
  ]);
  await first.engine.waitUntilIdle();
  const check = async (engine: KsqlEngine) => {
    const all = await pull(engine, 'SELECT * FROM per_minute;');
    assert.deepEqual(all.names, ['USER', 'WINDOWSTART', 'WINDOWEND', 'N']);
    assert.deepEqual(all.keys, [true, true, true, false]);
    assert.deepEqual(all.rows, [
      ['u1', n(0), n(60_000), n(3)],
      ['u1', n(60_000), n(120_000), n(2)],
      ['u2', n(60_000), n(120_000), n(7)],
    ]);
    assert.deepEqual((await pull(engine, "SELECT n, ROWTIME FROM per_minute WHERE user = 'u1';")).rows, [
      [n(3), n(5)],
      [n(2), n(60_005)],
    ]);
    assert.deepEqual(
      (
        await pull(
          engine,
          "SELECT WINDOWSTART, n FROM per_minute WHERE user = 'u1' AND WINDOWSTART >= 60000;",
        )
      ).rows,
      [[n(60_000), n(2)]],
    );
    assert.deepEqual(
      (await pull(engine, "SELECT n FROM per_minute WHERE user = 'u2' AND WINDOWEND <= 60000;")).rows,
      [],
      'u2’s first window was deleted',
    );
    assert.deepEqual((await pull(engine, 'SELECT user, n FROM per_minute WHERE WINDOWSTART > 0;')).rows, [
      ['u1', n(2)],
      ['u2', n(7)],
    ]);
  };
  await check(first.engine);
  await first.close();
  const second = await startEngine(first.dir);
  await second.engine.waitUntilIdle();
  await check(second.engine);
  await second.close();
});

test('pull query on a SESSION SOURCE table: each session of a key by start, with its bounds', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(
    "CREATE SOURCE TABLE visits (user STRING PRIMARY KEY, pages INT) WITH (KAFKA_TOPIC='visits', VALUE_FORMAT='JSON', PARTITIONS=1, WINDOW_TYPE='SESSION');",
  );
  const session = (user: string, start: number, end: number, pages: number) => ({
    key: serializeSessionWindowedKey(Buffer.from(user), { start, end }),
    value: Buffer.from(JSON.stringify({ PAGES: pages })),
    timestamp: end,
  });
  // Overlapping on purpose: the store orders a key's sessions by end, rows come by start.
  await log.append('visits', [
    session('u1', 5000, 6000, 2),
    session('u1', 1000, 9000, 4),
    session('u2', 0, 10, 1),
  ]);
  await engine.waitUntilIdle();
  const u1 = await pull(engine, "SELECT * FROM visits WHERE user = 'u1';");
  assert.deepEqual(u1.names, ['USER', 'WINDOWSTART', 'WINDOWEND', 'PAGES']);
  assert.deepEqual(u1.rows, [
    ['u1', n(1000), n(9000), 4],
    ['u1', n(5000), n(6000), 2],
  ]);
  assert.deepEqual(
    (await pull(engine, "SELECT pages FROM visits WHERE user = 'u1' AND WINDOWEND < 7000;")).rows,
    [[2]],
  );
  assert.deepEqual((await pull(engine, 'SELECT user, WINDOWSTART FROM visits;')).rows, [
    ['u1', n(1000)],
    ['u1', n(5000)],
    ['u2', n(0)],
  ]);
});

test('pull query on a CTAS over a table without GROUP BY reads the source rows its query keeps, through its WHERE and projection', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(`
    CREATE TABLE users (id STRING PRIMARY KEY, name STRING, score INT) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE TABLE good AS SELECT id AS user_id, UCASE(name) AS shout FROM users WHERE score > 5;`);
  const upsert = (id: string, name: string, score: number) => ({
    key: Buffer.from(id),
    value: Buffer.from(JSON.stringify({ NAME: name, SCORE: score })),
  });
  await log.append('users', [upsert('u1', 'ann', 5), upsert('u2', 'bob', 7), upsert('u3', 'cy', 9)]);
  await engine.waitUntilIdle();
  const all = await pull(engine, 'SELECT * FROM good;');
  assert.deepEqual(all.names, ['USER_ID', 'SHOUT']);
  assert.deepEqual(all.rows, [
    ['u2', 'BOB'],
    ['u3', 'CY'],
  ]);
  assert.deepEqual((await pull(engine, "SELECT shout FROM good WHERE user_id = 'u3';")).rows, [['CY']]);
  assert.deepEqual(
    (await pull(engine, "SELECT shout FROM good WHERE user_id = 'u1';")).rows,
    [],
    'its WHERE removes u1',
  );
});

test('pull queries read a table built by a table-table join: lookups and scans of the joined rows, its WHERE applied, deleted keys gone', async () => {
  const { engine } = await startEngine();
  await engine.execute(`
    CREATE TABLE l (id INT PRIMARY KEY, v0 INT) WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE TABLE r (id INT PRIMARY KEY, v1 INT) WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE TABLE joined AS SELECT l.id, l.v0, r.v1 FROM l LEFT JOIN r ON l.id = r.id WHERE l.v0 > 0;
    INSERT INTO l (id, v0) VALUES (1, 10);
    INSERT INTO l (id, v0) VALUES (2, 20);
    INSERT INTO l (id, v0) VALUES (3, 0);
    INSERT INTO r (id, v1) VALUES (1, 100);
    INSERT INTO r (id, v1) VALUES (4, 400);`);
  await engine.waitUntilIdle();
  const one = await pull(engine, 'SELECT * FROM joined WHERE l_id = 1;');
  assert.deepEqual(one.names, ['L_ID', 'V0', 'V1']);
  assert.deepEqual(one.rows, [[1, 10, 100]]);
  assert.deepEqual((await pull(engine, 'SELECT v1 FROM joined WHERE l_id = 2;')).rows, [[null]]);
  assert.deepEqual(
    (await pull(engine, 'SELECT * FROM joined WHERE l_id = 3;')).rows,
    [],
    'its WHERE removes 3',
  );
  assert.deepEqual(
    (await pull(engine, 'SELECT * FROM joined WHERE l_id = 4;')).rows,
    [],
    'LEFT: no left row',
  );
  await engine.execute('INSERT INTO l (id, v0) VALUES (2, 21);');
  await engine.execute('INSERT INTO r (id, v1) VALUES (2, 200);');
  await engine.waitUntilIdle();
  assert.deepEqual((await pull(engine, 'SELECT * FROM joined;')).rows, [
    [1, 10, 100],
    [2, 21, 200],
  ]);
  assert.deepEqual((await pull(engine, 'SELECT l_id FROM joined WHERE v1 > 150;')).rows, [[2]]);
});

test('pull queries read a foreign-key join of a table with two key columns by both keys', async () => {
  const { engine } = await startEngine();
  await engine.execute(`
    CREATE TABLE lines (order_id INT PRIMARY KEY, line INT PRIMARY KEY, product_id INT, qty INT)
      WITH (KAFKA_TOPIC='lines', FORMAT='JSON', PARTITIONS=1);
    CREATE TABLE products (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='products', FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE TABLE named AS SELECT l.order_id, l.line, l.qty, p.name FROM lines l JOIN products p ON l.product_id = p.id;
    INSERT INTO products (id, name) VALUES (5, 'pen');
    INSERT INTO lines (order_id, line, product_id, qty) VALUES (1, 1, 5, 2);
    INSERT INTO lines (order_id, line, product_id, qty) VALUES (1, 2, 5, 3);`);
  await engine.waitUntilIdle();
  assert.deepEqual(
    (await pull(engine, 'SELECT qty, name FROM named WHERE order_id = 1 AND line = 2;')).rows,
    [[3, 'pen']],
  );
  await engine.execute('INSERT INTO lines (order_id, line, product_id, qty) VALUES (1, 2, 6, 3);');
  await engine.waitUntilIdle();
  assert.deepEqual(
    (await pull(engine, 'SELECT * FROM named;')).rows,
    [[1, 1, 2, 'pen']],
    'line 2 lost its product',
  );
});

test('a key lookup with another key is answered from the plan of its shape: keys re-bound, other literals never', async () => {
  const { engine } = await perItem();
  const before = engine.pullQueryCacheCounts();
  assert.deepEqual((await pull(engine, "SELECT * FROM per_item WHERE item = 'pear';")).rows, [
    ['pear', n(2), 7],
  ]);
  assert.deepEqual((await pull(engine, "SELECT * FROM per_item WHERE item = 'apple';")).rows, [
    ['apple', n(1), 5],
  ]);
  assert.deepEqual((await pull(engine, "SELECT * FROM per_item WHERE item = 'kiwi';")).rows, []);
  assert.deepEqual(
    (await pull(engine, "  SELECT * FROM per_item WHERE item = 'it''s' ;")).rows,
    [],
    'whitespace around the statement and an escaped quote',
  );
  const after = engine.pullQueryCacheCounts();
  assert.equal(after.rebound - before.rebound, 2, 'apple and kiwi re-bound the plan made for pear');
  // IN lists re-bind each key, in request order.
  await pull(engine, "SELECT item, total FROM per_item WHERE item IN ('fig', 'kiwi');");
  assert.deepEqual(
    (await pull(engine, "SELECT item, total FROM per_item WHERE item IN ('apple', 'pear');")).rows,
    [
      ['apple', 5],
      ['pear', 7],
    ],
  );
  // A literal that is not a key (a value filter, a projection, LIMIT) is planned as written.
  assert.deepEqual(
    (await pull(engine, "SELECT item FROM per_item WHERE item = 'pear' AND total > 1;")).rows,
    [['pear']],
  );
  assert.deepEqual(
    (await pull(engine, "SELECT item FROM per_item WHERE item = 'pear' AND total > 100;")).rows,
    [],
  );
  assert.deepEqual((await pull(engine, "SELECT 'a' AS tag FROM per_item WHERE item = 'fig';")).rows, [['a']]);
  assert.deepEqual((await pull(engine, "SELECT 'b' AS tag FROM per_item WHERE item = 'fig';")).rows, [['b']]);
  assert.equal((await pull(engine, 'SELECT item FROM per_item LIMIT 1;')).rows.length, 1);
  assert.equal((await pull(engine, 'SELECT item FROM per_item LIMIT 2;')).rows.length, 2);
  assert.equal(engine.pullQueryCacheCounts().rebound - after.rebound, 1, 'only the IN list was re-bound');
});

test("a re-bound key of the wrong type gives ksqlDB's error for its own text; DROP TABLE ends the cached plan", async () => {
  const { engine } = await startEngine();
  await engine.execute(`
    CREATE STREAM hits (id STRING KEY, code INT) WITH (KAFKA_TOPIC='hits', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE TABLE per_code AS SELECT code, COUNT(*) AS n FROM hits GROUP BY code;
    INSERT INTO hits (id, code) VALUES ('h1', 404);
    INSERT INTO hits (id, code) VALUES ('h2', 500);`);
  await engine.waitUntilIdle();
  assert.deepEqual((await pull(engine, 'SELECT * FROM per_code WHERE code = 404;')).rows, [[404, n(1)]]);
  assert.deepEqual((await pull(engine, 'SELECT * FROM per_code WHERE code = 500;')).rows, [[500, n(1)]]);
  const wrong = await refusal(engine.openQuery('SELECT * FROM per_code WHERE code = 5000000000;', {}));
  assert.match(wrong.message, /Cannot compare CODE \(INTEGER\) to 5000000000 \(BIGINT\) with EQUAL\./);
  assert.equal(wrong.statementText, 'SELECT * FROM per_code WHERE code = 5000000000;');
  await engine.execute('DROP TABLE per_code;');
  const gone = await refusal(engine.openQuery('SELECT * FROM per_code WHERE code = 500;', {}));
  assert.match(gone.message, /PER_CODE does not exist/);
  await engine.execute(
    `SET 'auto.offset.reset'='earliest';
    CREATE TABLE per_code AS SELECT code, COUNT(*) AS n FROM hits WHERE code > 450 GROUP BY code;`,
  );
  await engine.waitUntilIdle();
  assert.deepEqual((await pull(engine, 'SELECT * FROM per_code WHERE code = 404;')).rows, []);
  assert.deepEqual((await pull(engine, 'SELECT * FROM per_code WHERE code = 500;')).rows, [[500, n(1)]]);
});

test('a prepared table lookup opens at once (no promise), a stream pull query as a promise, an unprepared one not at all', async () => {
  const { engine } = await perItem();
  assert.equal(engine.openPreparedPullNow("SELECT * FROM per_item WHERE item = 'pear';"), undefined);
  await pull(engine, "SELECT * FROM per_item WHERE item = 'pear';");
  const now = engine.openPreparedPullNow("SELECT * FROM per_item WHERE item = 'apple';");
  assert.ok(now !== undefined && !(now instanceof Promise), 'opened without a promise');
  if (now === undefined || now instanceof Promise || now.kind !== 'pull') throw new Error('not a pull query');
  const rows: unknown[][] = [];
  for (const batch of now.query.batchesNow?.() ?? []) rows.push(...batch.rows);
  assert.deepEqual(rows, [['apple', n(1), 5]]);
  await pull(engine, 'SELECT id FROM orders;');
  const later = engine.openPreparedPullNow('SELECT id FROM orders;');
  assert.ok(later instanceof Promise, 'a stream is read from the log: a promise');
  const opened = await later;
  assert.equal(opened.kind, 'pull');
  if (opened.kind === 'pull') opened.query.close();
});

test('a GROUP BY table read by key gives its CTAS projection: computed, reordered, or dropping an aggregate only HAVING uses', async () => {
  const { engine } = await perItem();
  await engine.execute(`
    SET 'auto.offset.reset'='earliest';
    CREATE TABLE twice AS SELECT item, SUM(qty) * 2 AS twice, COUNT(*) AS n FROM orders GROUP BY item;
    CREATE TABLE big AS SELECT item, COUNT(*) AS n, MAX(qty) AS top FROM orders GROUP BY item HAVING SUM(qty) > 4;`);
  await engine.waitUntilIdle();
  assert.deepEqual((await pull(engine, "SELECT * FROM twice WHERE item = 'pear';")).rows, [
    ['pear', 14, n(2)],
  ]);
  assert.deepEqual((await pull(engine, "SELECT * FROM big WHERE item = 'pear';")).rows, [['pear', n(2), 4]]);
  assert.deepEqual((await pull(engine, "SELECT * FROM big WHERE item = 'fig';")).rows, []);
  // The same lookups again, from the plans the first ones prepared.
  assert.deepEqual((await pull(engine, "SELECT * FROM twice WHERE item = 'apple';")).rows, [
    ['apple', 10, n(1)],
  ]);
  assert.deepEqual((await pull(engine, "SELECT n, item FROM per_item WHERE item = 'fig';")).rows, [
    [n(1), 'fig'],
  ]);
});

test('a windowed GROUP BY table whose HAVING uses an aggregate it does not select gives its window bounds, not that aggregate', async () => {
  const { engine } = await startEngine();
  await engine.execute(`
    CREATE STREAM clicks (user STRING KEY, weight INT) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE TABLE heavy AS SELECT user, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user HAVING SUM(weight) > 4;
    INSERT INTO clicks (ROWTIME, user, weight) VALUES (0, 'u1', 3);
    INSERT INTO clicks (ROWTIME, user, weight) VALUES (1000, 'u1', 3);
    INSERT INTO clicks (ROWTIME, user, weight) VALUES (60000, 'u1', 1);`);
  await engine.waitUntilIdle();
  const rows = (await pull(engine, "SELECT * FROM heavy WHERE user = 'u1';")).rows;
  assert.deepEqual(rows, [['u1', n(0), n(60000), n(2)]]);
});
