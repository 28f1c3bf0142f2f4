import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { SegmentLog } from '../log/index.js';
import { KsqlEngine, KsqlRequestError } from './ksql-engine.js';
import { fieldsOf, onCleanup, readTopic, startEngine } from './test-engine.fixture.js';

const setup = `
  CREATE STREAM orders (id STRING KEY, item STRING, qty INT, price DECIMAL(8,2), ts BIGINT)
    WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=2);
  SET 'auto.offset.reset'='earliest';
  CREATE STREAM big_orders WITH (KAFKA_TOPIC='big_orders') AS
    SELECT id, UCASE(item) AS item, qty * price AS total, qty > 10 AS bulk
    FROM orders WHERE qty >= 5 EMIT CHANGES;`;

test('a persistent query filters and projects every record into its sink topic', async () => {
  const { engine, log } = await startEngine();
  const [, created] = await engine.execute(setup);
  assert.match(
    String((fieldsOf(created).commandStatus as { message: string }).message),
    /Created query with ID CSAS_BIG_ORDERS_\d+/,
  );
  await engine.execute(`
    INSERT INTO orders (id, item, qty, price) VALUES ('o1', 'apple', 3, 1.50);
    INSERT INTO orders (id, item, qty, price) VALUES ('o2', 'pear', 5, 2.00);
    INSERT INTO orders (id, item, qty, price, ROWTIME) VALUES ('o3', 'fig', 20, 0.25, 1700000000000);`);
  const out = await readTopic(log, 'big_orders', 2);
  const byKey = new Map(out.map((r) => [r.key!.toString(), r]));
  assert.deepEqual([...byKey.keys()].sort(), ['o2', 'o3']);
  assert.deepEqual(JSON.parse(byKey.get('o2')!.value!.toString()), {
    ITEM: 'PEAR',
    TOTAL: 10.0,
    BULK: false,
  });
  assert.equal(byKey.get('o3')!.value!.toString(), '{"ITEM":"FIG","TOTAL":5.00,"BULK":true}');
  assert.equal(byKey.get('o3')!.timestamp, 1700000000000, 'ROWTIME carries over');
  const [queries] = await engine.execute('SHOW QUERIES;');
  const list = fieldsOf(queries).queries as { id: string; sinks: string[]; state: string }[];
  assert.equal(list.length, 1);
  assert.deepEqual(list[0].sinks, ['BIG_ORDERS']);
  assert.equal(list[0].state, 'RUNNING');
});

test('a record that cannot be read goes to the processing log and the query goes on', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(setup);
  await log.append('orders', [
    { key: Buffer.from('bad'), value: Buffer.from('{"item": "x", "qty": "lots"}'), partition: 0 },
    { key: Buffer.from('good'), value: Buffer.from('{"item": "kiwi", "qty": 7, "price": 1}'), partition: 0 },
  ]);
  const out = await readTopic(log, 'big_orders', 1);
  assert.equal(out[0].key!.toString(), 'good');
  const logged = await readTopic(log, 'default_ksql_processing_log', 1);
  const entry = JSON.parse(logged[0].value!.toString());
  assert.equal(entry.MESSAGE.TYPE, 0);
  assert.match(entry.MESSAGE.DESERIALIZATIONERROR.ERRORMESSAGE, /QTY/);
  assert.equal(entry.MESSAGE.DESERIALIZATIONERROR.topic, 'orders');
});

test('after a restart queries resume from their committed offsets: nothing lost, nothing repeated', async () => {
  const first = await startEngine();
  await first.engine.execute(setup);
  await first.engine.execute("INSERT INTO orders (id, item, qty, price) VALUES ('a', 'x', 9, 1);");
  await readTopic(first.log, 'big_orders', 1);
  await first.close();
  const again = await startEngine(first.dir);
  const [queries] = await again.engine.execute('SHOW QUERIES;');
  assert.equal(
    (fieldsOf(queries).queries as unknown[]).length,
    1,
    'the query was restarted from the command topic',
  );
  await again.engine.execute("INSERT INTO orders (id, item, qty, price) VALUES ('b', 'y', 9, 1);");
  const out = await readTopic(again.log, 'big_orders', 2);
  // Once the query has processed all of its input, whatever it repeated would be in the topic.
  await again.engine.waitUntilIdle();
  const settled = await readTopic(again.log, 'big_orders', 2);
  assert.deepEqual(settled.map((r) => r.key!.toString()).sort(), ['a', 'b']);
  assert.equal(out.length, 2);
});

test('a push query streams matching rows and stops at its LIMIT', async () => {
  const { engine } = await startEngine();
  await engine.execute(setup);
  await engine.execute("INSERT INTO orders (id, item, qty, price) VALUES ('p1', 'plum', 1, 1);");
  const handle = await engine.pushQuery(
    'SELECT id, item, qty FROM orders WHERE qty > 0 EMIT CHANGES LIMIT 2;',
    { streamsProperties: { 'auto.offset.reset': 'earliest' } },
  );
  assert.deepEqual(handle.columnNames, ['ID', 'ITEM', 'QTY']);
  assert.deepEqual(handle.columnTypes, ['STRING', 'STRING', 'INTEGER']);
  const rows: unknown[][] = [];
  const reading = (async () => {
    for await (const batch of handle.rows) rows.push(...batch.rows);
  })();
  await engine.execute("INSERT INTO orders (id, item, qty, price) VALUES ('p2', 'lime', 2, 1);");
  await reading;
  assert.deepEqual(rows, [
    ['p1', 'plum', 1],
    ['p2', 'lime', 2],
  ]);
});

test('TERMINATE stops a query; DROP refuses while a stream built from the source exists', async () => {
  const { engine } = await startEngine();
  const [, created] = await engine.execute(setup);
  const queryId = (fieldsOf(created).commandStatus as { queryId: string }).queryId;
  await assert.rejects(engine.execute('DROP STREAM orders;'), (err: unknown) => {
    assert.ok(err instanceof KsqlRequestError);
    assert.match(err.message, /read from this source: \[BIG_ORDERS\]/);
    return true;
  });
  await engine.execute(`TERMINATE ${queryId};`);
  const [queries] = await engine.execute('SHOW QUERIES;');
  assert.deepEqual(fieldsOf(queries).queries, []);
  await engine.execute('DROP STREAM big_orders; DROP STREAM orders;');
});

test('query mistakes are statement errors that say what is wrong', async () => {
  const { engine } = await startEngine();
  await engine.execute(setup);
  const cases: [string, RegExp][] = [
    ['CREATE STREAM x AS SELECT item FROM orders;', /Key missing from projection.*ID/s],
    ['CREATE STREAM x AS SELECT id, nope FROM orders;', /NOPE/],
    ['CREATE TABLE x AS SELECT id, item FROM orders;', /produces a STREAM/],
    ['CREATE STREAM x AS SELECT id, item FROM orders WHERE item;', /Should evaluate to boolean/],
    ['INSERT INTO orders (id, qty) VALUES (1, 2);', /Expected type STRING for field ID/],
  ];
  for (const [sql, expected] of cases) {
    await assert.rejects(engine.execute(sql), (err: unknown) => {
      assert.ok(err instanceof KsqlRequestError, String(err));
      assert.match(err.message, expected, sql);
      return true;
    });
  }
});

test('EXPLAIN shows a running query and a statement that is only planned', async () => {
  const { engine } = await startEngine();
  const [, created] = await engine.execute(setup);
  const queryId = (fieldsOf(created).commandStatus as { queryId: string }).queryId;
  const [running] = await engine.execute(`EXPLAIN ${queryId};`);
  assert.equal(running['@type'], 'queryDescription');
  const d = running.queryDescription;
  assert.equal(d.id, queryId);
  assert.deepEqual(d.sinks, ['BIG_ORDERS']);
  assert.equal(d.state, 'RUNNING');
  assert.match(d.executionPlan, /\[ SINK \].*\n.*\[ PROJECT \].*\n.*\[ FILTER \].*\n.*\[ SOURCE \]/);
  const topology = (running.queryDescription as { topology: string }).topology;
  assert.match(topology, /Source: KsqlTopic\.Source \(topics: \[orders\]\)/);
  assert.match(topology, /Sink: BIG_ORDERS \(topic: big_orders\)\n {6}<-- Project\n$/);
  const [planned] = await engine.execute('EXPLAIN SELECT id, qty FROM orders WHERE qty > 1 EMIT CHANGES;');
  const p = fieldsOf(planned).queryDescription as {
    queryType: string;
    fields: { name: string }[];
    executionPlan: string;
    topology: string;
  };
  assert.equal(p.queryType, 'PUSH');
  assert.match(p.executionPlan, /^ > \[ PROJECT \]/);
  assert.match(p.topology, /Sink: Client \(push query client\)\n {6}<-- Project\n$/);
  assert.deepEqual(
    p.fields.map((f) => f.name),
    ['ID', 'QTY'],
  );
  await assert.rejects(engine.execute('EXPLAIN CSAS_NOPE_9;'), /does not exist/);
});

test('with ksql.logging.processing.stream.auto.create the processing log is a stream SQL can read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-queries-'));
  const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
  const engine = await KsqlEngine.start(
    log,
    loadServerConfig({ flags: { 'ksql.logging.processing.stream.auto.create': 'true' }, env: {} }),
  );
  onCleanup(async () => {
    await engine.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const source = engine.metastore.require('KSQL_PROCESSING_LOG');
  assert.equal(source.topic, 'default_ksql_processing_log');
  assert.ok(source.columns.some((c) => c.name === 'MESSAGE' && c.type.kind === 'STRUCT'));
});

test('a restart with ksql.logging.processing.stream.auto.create finds the stream and writes no command again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-queries-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const flags = { 'ksql.logging.processing.stream.auto.create': 'true' };
  const ends: number[] = [];
  for (let run = 0; run < 3; run++) {
    const log = await SegmentLog.open({ dataDir: dir, cleanerIntervalMs: 0 });
    const engine = await KsqlEngine.start(log, loadServerConfig({ flags, env: {} }));
    assert.ok(engine.metastore.get('KSQL_PROCESSING_LOG'));
    ends.push(await log.endOffset(engine.commandTopic, 0));
    await engine.close();
    await log.close();
  }
  assert.deepEqual(ends, [ends[0], ends[0], ends[0]]);
});

test('INSERT VALUES converts structured values to the column types, field by field', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(
    "CREATE STREAM nested (id STRING KEY, s STRUCT<a BIGINT, b STRING>, xs ARRAY<DOUBLE>, m MAP<STRING, BIGINT>) WITH (KAFKA_TOPIC='nested', VALUE_FORMAT='JSON', PARTITIONS=1);" +
      "INSERT INTO nested (id, s, xs, m) VALUES ('k', STRUCT(a := 1, b := 'x'), ARRAY[1, 2], MAP('one' := 1));",
  );
  const { records } = await log.read('nested', 0, 0);
  assert.deepEqual(JSON.parse(records[0].value!.toString()), {
    S: { A: 1, B: 'x' },
    XS: [1.0, 2.0],
    M: { one: 1 },
  });
  await assert.rejects(
    engine.execute("INSERT INTO nested (id, s) VALUES ('k', STRUCT(c := 1));"),
    /Field C does not exist in STRUCT/,
  );
});

test('a column that cannot be computed is NULL in the output and logged in ksqlDB words', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(
    "CREATE STREAM shares (id STRING KEY, total INT, parts INT) WITH (KAFKA_TOPIC='shares', VALUE_FORMAT='JSON', PARTITIONS=1);" +
      "SET 'auto.offset.reset'='earliest';" +
      "CREATE STREAM each_share WITH (KAFKA_TOPIC='each_share') AS SELECT id, total / parts AS share, parts FROM shares;",
  );
  await log.append('shares', [{ key: Buffer.from('a'), value: Buffer.from('{"TOTAL": 10, "PARTS": 0}') }]);
  const [out] = await readTopic(log, 'each_share', 1);
  assert.equal(out.value!.toString(), '{"SHARE":null,"PARTS":0}');
  const [logged] = await readTopic(log, 'default_ksql_processing_log', 1);
  const error = JSON.parse(logged.value!.toString()).MESSAGE.RECORDPROCESSINGERROR;
  assert.equal(error.ERRORMESSAGE, 'Error computing expression TOTAL / PARTS for column SHARE with index 1');
  assert.deepEqual(error.CAUSE, ['Division by zero']);
});

test('a persistent query reads a partition added to its source without a restart', async () => {
  const { engine, log } = await startEngine(undefined, { 'ksql.streams.metadata.max.age.ms': '20' });
  await engine.execute(`
    CREATE STREAM clicks (id STRING KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
    SET 'auto.offset.reset'='earliest';
    CREATE STREAM home_clicks WITH (KAFKA_TOPIC='home_clicks') AS SELECT id, page FROM clicks EMIT CHANGES;`);
  await log.append('clicks', [
    { key: Buffer.from('a'), value: Buffer.from('{"page":"home"}'), partition: 0 },
  ]);
  await readTopic(log, 'home_clicks', 1);
  await log.createPartitions('clicks', 2);
  await log.append('clicks', [
    { key: Buffer.from('b'), value: Buffer.from('{"page":"shop"}'), partition: 1 },
  ]);
  const out = await readTopic(log, 'home_clicks', 2);
  assert.deepEqual(out.map((r) => [r.key?.toString(), r.value?.toString()]).sort(), [
    ['a', '{"PAGE":"home"}'],
    ['b', '{"PAGE":"shop"}'],
  ]);
  const [queries] = await engine.execute('SHOW QUERIES;');
  assert.equal((fieldsOf(queries).queries as { state: string }[])[0].state, 'RUNNING');
});

test('INSERT VALUES takes a bare NULL for any column, typed from the column, as ksqlDB does', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(
    "CREATE STREAM src (sensor STRING KEY, temp DOUBLE, note STRING) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);" +
      "INSERT INTO src (sensor, temp, note) VALUES ('s2', NULL, 'x');" +
      "INSERT INTO src (sensor, temp, note) VALUES ('s3', CAST(NULL AS DOUBLE), NULL);" +
      "INSERT INTO src (sensor, temp, note, ROWTIME) VALUES (NULL, 1 + CAST(NULL AS INT), 'k', NULL);",
  );
  const { records } = await log.read('src', 0, 0);
  assert.deepEqual(
    records.map((r) => [r.key?.toString() ?? null, JSON.parse(r.value!.toString())]),
    [
      ['s2', { TEMP: null, NOTE: 'x' }],
      ['s3', { TEMP: null, NOTE: null }],
      [null, { TEMP: null, NOTE: 'k' }],
    ],
  );
  // Only a bare NULL is typed from the column; inside an expression it still needs a CAST.
  await assert.rejects(
    engine.execute("INSERT INTO src (sensor, temp) VALUES ('s4', NULL + 1);"),
    /Arithmetic on types null and INTEGER are not supported/,
  );
  await engine.execute(
    "CREATE TABLE t (id STRING PRIMARY KEY, v DOUBLE) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  await assert.rejects(
    engine.execute('INSERT INTO t (id, v) VALUES (NULL, 1.0);'),
    /PRIMARY KEY column needs a non-null value/,
  );
});

test('a CSAS reading from latest sees an INSERT made right after it in the same request, however slow its start', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-engine-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const inner = await SegmentLog.open({ dataDir, cleanerIntervalMs: 0 });
  // The query's first look at its source waits until a record is appended to it (or, when
  // nothing is appended because the statement waits for the query, a moment): a query that
  // positioned itself after the statement returned would start past the INSERT's record.
  let appended: () => void = () => {};
  const firstAppend = new Promise<void>((resolve) => {
    appended = resolve;
  });
  const log = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'describeTopic')
        return async (topic: string) => {
          if (topic === 'clicks') await Promise.race([firstAppend, new Promise((r) => setTimeout(r, 200))]);
          return target.describeTopic(topic);
        };
      if (prop === 'append')
        return (topic: string, ...rest: unknown[]) => {
          if (topic === 'clicks') appended();
          return (value as (...a: unknown[]) => unknown).call(target, topic, ...rest);
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const engine = await KsqlEngine.start(
    log,
    loadServerConfig({
      flags: {
        'ksql.streams.commit.interval.ms': '0',
        'ksql.streams.state.dir': join(dataDir, 'state'),
      },
      env: {},
    }),
  );
  onCleanup(async () => {
    await engine.close();
    await inner.close();
  });
  await engine.execute(`
    CREATE STREAM clicks (id STRING KEY, url STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
    CREATE STREAM pages AS SELECT id, url FROM clicks EMIT CHANGES;
    INSERT INTO clicks (id, url) VALUES ('c1', '/home');`);
  await engine.waitUntilIdle();
  const out = await readTopic(inner, 'PAGES', 1);
  assert.deepEqual(
    out.map((r) => JSON.parse(r.value!.toString())),
    [{ URL: '/home' }],
  );
});
