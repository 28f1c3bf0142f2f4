import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunningServer } from '../app/index.js';
import { http2Post, until } from './streaming-test-client.fixture.js';
import { serverForTests } from './test-server.fixture.js';

// Pull queries over the query endpoints, in ksqlDB's shapes: a table's answer on /query is the header
// (key columns marked KEY) and its rows with no final message; a stream's ends like a push query's.

let server: RunningServer;

async function post(path: string, body: unknown, accept?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accept === undefined ? {} : { accept }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

serverForTests({}, async (s) => {
  server = s;
  const created = await post('/ksql', {
    ksql: `CREATE STREAM orders (id STRING KEY, item STRING, qty INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);
      CREATE TABLE per_item AS SELECT item, COUNT(*) AS n, SUM(qty) AS total FROM orders GROUP BY item;
      INSERT INTO orders (id, item, qty) VALUES ('o1', 'pear', 3);
      INSERT INTO orders (id, item, qty) VALUES ('o2', 'apple', 5);
      INSERT INTO orders (id, item, qty) VALUES ('o3', 'pear', 4);`,
    streamsProperties: { 'auto.offset.reset': 'earliest' },
  });
  assert.equal(created.status, 200, created.text);
  // The CTAS runs in the background: wait until its table holds every order.
  await until('the CTAS has counted both pears', async () => {
    const answer = await post('/query-stream', { sql: "SELECT n FROM per_item WHERE item = 'pear';" });
    return answer.text.split('\n')[1] === '[2]';
  });
});

const lookup = "SELECT * FROM per_item WHERE item IN ('pear', 'apple');";

test('/query: a table pull query answers its header (keys marked KEY) and rows, and no final message', async () => {
  const answer = await post('/query', { ksql: lookup });
  assert.equal(answer.status, 200, answer.text);
  const [header, ...rows] = JSON.parse(answer.text) as Record<string, { queryId: string; schema: string }>[];
  assert.match(header.header.queryId, /^query_\d+$/);
  assert.equal(header.header.schema, '`ITEM` STRING KEY, `N` BIGINT, `TOTAL` INTEGER');
  assert.deepEqual(rows, [{ row: { columns: ['pear', 2, 7] } }, { row: { columns: ['apple', 1, 5] } }]);
});

test('/query-stream: delimited (default) and JSON answers of a table pull query', async () => {
  const delimited = await post('/query-stream', { sql: lookup });
  assert.equal(delimited.status, 200);
  const lines = delimited.text.split('\n').filter((l) => l !== '');
  const meta = JSON.parse(lines[0]);
  assert.deepEqual(meta.columnNames, ['ITEM', 'N', 'TOTAL']);
  assert.deepEqual(meta.columnTypes, ['STRING', 'BIGINT', 'INTEGER']);
  assert.deepEqual(
    lines.slice(1).map((l) => JSON.parse(l)),
    [
      ['pear', 2, 7],
      ['apple', 1, 5],
    ],
  );
  const json = JSON.parse((await post('/query-stream', { sql: lookup }, 'application/json')).text);
  assert.deepEqual(json.slice(1), [
    ['pear', 2, 7],
    ['apple', 1, 5],
  ]);
  const streamed = JSON.parse(
    (await post('/query-stream', { sql: lookup }, 'application/vnd.ksql.v1+json')).text,
  );
  assert.equal(streamed[0].header.schema, '`ITEM` STRING KEY, `N` BIGINT, `TOTAL` INTEGER');
  assert.equal(streamed.length, 3, 'no final message');
});

test('/query-stream over HTTP/2: a table scan with LIMIT', async () => {
  const answer = await http2Post(
    server.url,
    '/query-stream',
    JSON.stringify({ sql: 'SELECT item, total FROM per_item LIMIT 1;' }),
    { 'content-type': 'application/json' },
  );
  assert.equal(answer.status, 200);
  const lines = answer.body
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
  assert.deepEqual(JSON.parse(lines[0]).columnNames, ['ITEM', 'TOTAL']);
  assert.deepEqual(
    lines.slice(1).map((l) => JSON.parse(l)),
    [['apple', 5]],
  );
});

test('/query: a stream pull query reads the topic to its end and says so, or that its LIMIT was reached', async () => {
  const all = JSON.parse((await post('/query', { ksql: "SELECT id FROM orders WHERE item = 'pear';" })).text);
  assert.equal(all[0].header.schema, '`ID` STRING');
  assert.match(all[0].header.queryId, /^transient_ORDERS_\d+$/);
  assert.deepEqual(all.slice(1), [
    { row: { columns: ['o1'] } },
    { row: { columns: ['o3'] } },
    { finalMessage: 'Query Completed' },
  ]);
  const limited = JSON.parse((await post('/query', { ksql: 'SELECT id FROM orders LIMIT 2;' })).text);
  assert.deepEqual(limited.slice(1), [
    { row: { columns: ['o1'] } },
    { row: { columns: ['o2'] } },
    { finalMessage: 'Limit Reached' },
  ]);
});

test('a pull query ksqlDB refuses is a 400 statement error (40001) with its message', async () => {
  const answer = await post('/query-stream', { sql: 'SELECT item, COUNT(*) FROM orders GROUP BY item;' });
  assert.equal(answer.status, 400);
  const body = JSON.parse(answer.text);
  assert.equal(body.error_code, 40001);
  assert.match(
    body.message,
    /^Pull queries don't support GROUP BY clauses\. See https:\/\/cnfl\.io\/queries/,
  );
});
