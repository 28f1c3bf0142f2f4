import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LogRecord } from '../log/index.js';
import { onCleanup, readTopic, refusal, startEngine } from './test-engine.fixture.js';

/** The latest value per key (a table's upserts), tombstones removing the key. */
function latest(records: readonly LogRecord[]): Map<string, unknown> {
  const rows = new Map<string, unknown>();
  for (const r of records) {
    const key = r.key?.toString() ?? '';
    if (r.value === null) rows.delete(key);
    else rows.set(key, JSON.parse(r.value.toString()));
  }
  return rows;
}

const setup = `
  CREATE STREAM orders (id STRING KEY, item STRING, qty INT, region STRING)
    WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=2);
  SET 'auto.offset.reset'='earliest';`;

test('CREATE TABLE … AS SELECT … GROUP BY counts and sums per key, upserting the output, and a restart counts on without counting twice', async () => {
  const first = await startEngine();
  await first.engine.execute(
    `${setup}
     CREATE TABLE per_item WITH (KAFKA_TOPIC='per_item') AS
       SELECT item, COUNT(*) AS n, SUM(qty) AS total FROM orders GROUP BY item EMIT CHANGES;`,
  );
  const table = first.engine.metastore.get('PER_ITEM');
  assert.equal(table?.kind, 'TABLE');
  assert.deepEqual(
    table?.columns.map((c) => `${c.name} ${c.namespace}`),
    ['ITEM KEY', 'N VALUE', 'TOTAL VALUE'],
  );
  await first.engine.execute(`
    INSERT INTO orders (id, item, qty) VALUES ('o1', 'apple', 3);
    INSERT INTO orders (id, item, qty) VALUES ('o2', 'pear', 5);
    INSERT INTO orders (id, item, qty) VALUES ('o3', 'apple', 4);`);
  let out = await readTopic(first.log, 'per_item', 3);
  // One upsert per input record, keyed by the GROUP BY value.
  assert.equal(out.length, 3);
  assert.deepEqual(Object.fromEntries(latest(out)), {
    apple: { N: 2, TOTAL: 7 },
    pear: { N: 1, TOTAL: 5 },
  });
  await first.close();

  const second = await startEngine(first.dir);
  await second.engine.execute(`INSERT INTO orders (id, item, qty) VALUES ('o4', 'apple', 10);`);
  out = await readTopic(second.log, 'per_item', 4);
  assert.equal(out.length, 4, 'the records counted before the restart are not counted again');
  assert.deepEqual(latest(out).get('apple'), { N: 3, TOTAL: 17 });
});

test('HAVING and a multi-column key: groups whose aggregate fails HAVING are absent from the table', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(
    `${setup}
     CREATE TABLE busy WITH (KAFKA_TOPIC='busy', KEY_FORMAT='JSON') AS
       SELECT region, item, COUNT(*) AS n FROM orders GROUP BY region, item HAVING COUNT(*) > 1;
     INSERT INTO orders (id, item, qty, region) VALUES ('o1', 'apple', 1, 'north');
     INSERT INTO orders (id, item, qty, region) VALUES ('o2', 'apple', 1, 'south');
     INSERT INTO orders (id, item, qty, region) VALUES ('o3', 'apple', 1, 'north');`,
  );
  assert.deepEqual(
    engine.metastore.get('BUSY')?.columns.map((c) => `${c.name} ${c.namespace}`),
    ['REGION KEY', 'ITEM KEY', 'N VALUE'],
  );
  // Groups that never passed HAVING emit nothing (no tombstones).
  const out = await readTopic(log, 'busy', 1);
  assert.deepEqual(Object.fromEntries(latest(out)), { '{"REGION":"north","ITEM":"apple"}': { N: 2 } });
});

test('an aggregate is a table: CREATE STREAM … AS and INSERT INTO a stream are refused', async () => {
  const { engine } = await startEngine();
  await engine.execute(setup);
  const asStream = await refusal(
    engine.execute('CREATE STREAM s AS SELECT item, COUNT(*) AS n FROM orders GROUP BY item;'),
  );
  assert.match(asStream.message, /Your SELECT query produces a TABLE\. Please use CREATE TABLE AS SELECT/);
  await engine.execute(
    `CREATE STREAM other (item STRING KEY, n BIGINT) WITH (KAFKA_TOPIC='other', VALUE_FORMAT='JSON', PARTITIONS=1);`,
  );
  const insert = await refusal(
    engine.execute('INSERT INTO other SELECT item, COUNT(*) AS n FROM orders GROUP BY item;'),
  );
  assert.match(insert.message, /INSERT INTO can only be used to insert into a stream/);
});

test('TUMBLING windows: one row per key and window, with WINDOWSTART as a value when aliased', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(
    `${setup}
     CREATE TABLE per_minute WITH (KAFKA_TOPIC='per_minute') AS
       SELECT item, WINDOWSTART AS ws, COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY item;
     INSERT INTO orders (id, item, qty, ROWTIME) VALUES ('o1', 'apple', 1, 60000);
     INSERT INTO orders (id, item, qty, ROWTIME) VALUES ('o2', 'apple', 1, 90000);
     INSERT INTO orders (id, item, qty, ROWTIME) VALUES ('o3', 'apple', 1, 120000);`,
  );
  const out = await readTopic(log, 'per_minute', 3);
  // Keys are time-windowed: the key's bytes, then the window start as 8 bytes big-endian.
  assert.deepEqual(
    out.map((r) => `${r.key!.subarray(0, -8).toString()}@${r.key!.readBigInt64BE(r.key!.length - 8)}`).sort(),
    ['apple@120000', 'apple@60000', 'apple@60000'],
  );
  const values = out.map((r) => JSON.parse(r.value!.toString()) as { WS: number; N: number });
  assert.deepEqual(
    values.sort((a, b) => a.WS - b.WS || a.N - b.N),
    [
      { WS: 60000, N: 1 },
      { WS: 60000, N: 2 },
      { WS: 120000, N: 1 },
    ],
  );
});

test('a push query SELECT … GROUP BY … EMIT CHANGES streams every change of each group, and removes its state when it ends', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(`${setup}
    INSERT INTO orders (id, item, qty) VALUES ('o1', 'apple', 3);
    INSERT INTO orders (id, item, qty) VALUES ('o2', 'pear', 5);`);
  const handle = await engine.pushQuery(
    'SELECT item, COUNT(*) AS n, SUM(qty) AS total FROM orders GROUP BY item EMIT CHANGES LIMIT 3;',
    { streamsProperties: { 'auto.offset.reset': 'earliest' } },
  );
  assert.deepEqual(handle.columnNames, ['ITEM', 'N', 'TOTAL']);
  assert.deepEqual(handle.columnTypes, ['STRING', 'BIGINT', 'INTEGER']);
  const rows: unknown[][] = [];
  const reading = (async () => {
    for await (const batch of handle.rows) rows.push(...batch.rows);
  })();
  await engine.execute("INSERT INTO orders (id, item, qty) VALUES ('o3', 'apple', 4);");
  await reading;
  handle.close();
  assert.deepEqual(
    rows.sort((a, b) => String(a).localeCompare(String(b))),
    [
      ['apple', 1n, 3],
      ['apple', 2n, 7],
      ['pear', 1n, 5],
    ],
  );
  const topics = await log.listTopics();
  assert.deepEqual(
    topics.filter((t) => t.includes('transient')),
    [],
    'the transient changelog is deleted',
  );
});

test('SESSION windows: a merge deletes the absorbed session and upserts the merged one, keys session-windowed', async () => {
  const { engine, log } = await startEngine();
  await engine.execute(
    // One input partition, so the records are aggregated in the order written.
    `CREATE STREAM visits (id STRING KEY, item STRING, qty INT) WITH (KAFKA_TOPIC='visits', VALUE_FORMAT='JSON', PARTITIONS=1);
     SET 'auto.offset.reset'='earliest';
     CREATE TABLE sessions WITH (KAFKA_TOPIC='sessions') AS
       SELECT item, COUNT(*) AS n FROM visits WINDOW SESSION (1 MINUTE) GROUP BY item;
     INSERT INTO visits (id, item, qty, ROWTIME) VALUES ('o1', 'apple', 1, 1000);
     INSERT INTO visits (id, item, qty, ROWTIME) VALUES ('o2', 'apple', 1, 31000);
     INSERT INTO visits (id, item, qty, ROWTIME) VALUES ('o3', 'apple', 1, 300000);`,
  );
  const out = await readTopic(log, 'sessions', 4);
  // Kafka Streams' session key: the key's bytes, then the end and the start, 8 bytes each.
  const described = out.map((r) => {
    const k = r.key!;
    const start = Number(k.readBigInt64BE(k.length - 8));
    const end = Number(k.readBigInt64BE(k.length - 16));
    return `${k.subarray(0, -16).toString()}[${start},${end}] ${r.value === null ? 'deleted' : r.value.toString()}`;
  });
  assert.deepEqual(described, [
    'apple[1000,1000] {"N":1}',
    'apple[1000,1000] deleted',
    'apple[1000,31000] {"N":2}',
    'apple[300000,300000] {"N":1}',
  ]);
});

test('with the record cache (the server default), many updates of a group within one commit give one output record and one changelog record', async () => {
  // The fixture turns the cache off; this engine has ksqlDB's default 10,000,000 bytes.
  const { engine, log } = await startEngine(undefined, {
    'ksql.streams.cache.max.bytes.buffering': '10000000',
  });
  await engine.execute(
    `CREATE STREAM clicks (id STRING KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
     SET 'auto.offset.reset'='earliest';
     CREATE TABLE per_page WITH (KAFKA_TOPIC='per_page') AS SELECT page, COUNT(*) AS n FROM clicks GROUP BY page;`,
  );
  // One append: the query reads it as one batch and commits once after it.
  const clicks = Array.from({ length: 50 }, (_, i) => ({
    key: Buffer.from(`c${i}`),
    value: Buffer.from(JSON.stringify({ PAGE: i % 10 === 9 ? 'about' : 'home' })),
    timestamp: 1000 + i,
  }));
  await log.append('clicks', clicks);
  await engine.waitUntilIdle(20_000);
  const out = await readTopic(log, 'per_page', 2);
  assert.deepEqual(
    out.map((r) => `${r.key?.toString()} ${r.value?.toString()}`),
    ['home {"N":45}', 'about {"N":5}'],
  );
  // Its changelog too has one record per group.
  const changelog = (await log.listTopics()).filter((t) =>
    t.endsWith('-Aggregate-Aggregate-Materialize-changelog'),
  );
  assert.equal(changelog.length, 1);
  assert.equal(await log.endOffset(changelog[0], 0), 2);
});

test('a pull query sees a group’s latest count while the record cache still holds it (nothing forwarded until the commit)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-record-cache-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  // No commit for an hour: the cache holds every update until the query stops.
  const { engine, log } = await startEngine(dataDir, {
    'ksql.streams.cache.max.bytes.buffering': '10000000',
    'ksql.streams.commit.interval.ms': '3600000',
  });
  await engine.execute(
    `CREATE STREAM clicks (id STRING KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
     SET 'auto.offset.reset'='earliest';
     CREATE TABLE per_page WITH (KAFKA_TOPIC='per_page') AS SELECT page, COUNT(*) AS n FROM clicks GROUP BY page;`,
  );
  await log.append(
    'clicks',
    Array.from({ length: 30 }, (_, i) => ({
      key: Buffer.from(`c${i}`),
      value: Buffer.from('{"PAGE":"home"}'),
    })),
  );
  const count = async () => {
    let opened: Awaited<ReturnType<typeof engine.openQuery>>;
    try {
      opened = await engine.openQuery("SELECT n FROM per_page WHERE page = 'home';", {});
    } catch (err) {
      // The query opens its stores on its own schedule after the CTAS returns: not counted yet.
      if (/state stores are not open/.test((err as Error).message)) return undefined;
      throw err;
    }
    if (opened.kind !== 'pull') throw new Error('not a pull query');
    const rows: unknown[][] = [];
    for await (const batch of opened.query.rows) rows.push(...batch.rows);
    return rows[0]?.[0];
  };
  // The query works through the append on its own schedule: ask until it has counted all 30.
  const deadline = Date.now() + 20_000;
  while ((await count()) !== 30n) {
    assert.ok(Date.now() < deadline, 'the pull query never saw all 30 clicks');
    await log.waitForData('per_page', 0, 0, 50);
  }
  assert.equal(await log.endOffset('per_page', 0), 0);
  // Stopping the query commits: the cache is flushed, one record for the group.
  await engine.close();
  const out = await readTopic(log, 'per_page', 1);
  assert.deepEqual(
    out.map((r) => r.value?.toString()),
    ['{"N":30}'],
  );
});

test('a query’s own cache.max.bytes.buffering bounds its record cache: a full cache is forwarded before any commit', async () => {
  // No commit for an hour; the query's cache takes a few hundred bytes (two or three groups).
  const { engine, log } = await startEngine(undefined, {
    'ksql.streams.cache.max.bytes.buffering': '10000000',
    'ksql.streams.commit.interval.ms': '3600000',
  });
  await engine.execute(
    `CREATE STREAM clicks (id STRING KEY, page STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);
     SET 'auto.offset.reset'='earliest';
     SET 'cache.max.bytes.buffering'='300';
     CREATE TABLE per_page WITH (KAFKA_TOPIC='per_page') AS SELECT page, COUNT(*) AS n FROM clicks GROUP BY page;`,
  );
  await log.append(
    'clicks',
    Array.from({ length: 10 }, (_, i) => ({
      key: Buffer.from(`c${i}`),
      value: Buffer.from(JSON.stringify({ PAGE: `p${i}` })),
    })),
  );
  const out = await readTopic(log, 'per_page', 10);
  assert.deepEqual(
    out.map((r) => r.key?.toString()),
    Array.from({ length: 10 }, (_, i) => `p${i}`),
  );
});
