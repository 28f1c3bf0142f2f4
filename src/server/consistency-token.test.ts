import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunningServer } from '../app/index.js';
import { until } from './streaming-test-client.fixture.js';
import { serverForTests } from './test-server.fixture.js';

// Consistency tokens of table pull queries (ksql.query.pull.consistency.token.enabled): a request that
// sends request.ksql.query.pull.consistency.token gets a token after its rows, in each endpoint's shape.

let server: RunningServer;

async function post(path: string, body: unknown, accept?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accept === undefined ? {} : { accept }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

const TOKEN = 'request.ksql.query.pull.consistency.token';
const lookup = "SELECT item, n FROM per_item WHERE item = 'pear';";
const token = (vector: Record<string, Record<string, number>>) =>
  Buffer.from(JSON.stringify({ version: 0, offsetVector: vector })).toString('base64');
const vectorOf = (t: string) => JSON.parse(Buffer.from(t, 'base64').toString('utf8'));

serverForTests({ 'ksql.query.pull.consistency.token.enabled': 'true' }, async (s) => {
  server = s;
  const created = await post('/ksql', {
    ksql: `CREATE STREAM orders (id STRING KEY, item STRING, qty INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=1);
      CREATE TABLE per_item AS SELECT item, COUNT(*) AS n FROM orders GROUP BY item;
      INSERT INTO orders (id, item, qty) VALUES ('o1', 'pear', 3);
      INSERT INTO orders (id, item, qty) VALUES ('o2', 'apple', 5);
      INSERT INTO orders (id, item, qty) VALUES ('o3', 'pear', 4);`,
    streamsProperties: { 'auto.offset.reset': 'earliest' },
  });
  assert.equal(created.status, 200, created.text);
  await until('the CTAS has counted all three orders', async () => {
    const answer = await post('/query-stream', { sql: "SELECT n FROM per_item WHERE item = 'pear';" });
    return answer.text.split('\n')[1] === '[2]';
  });
});

test('/query-stream: a request that sends a token ("" the first time) gets one after its rows: the last offset of each source partition its table reflects; sent back, it is answered', async () => {
  const first = await post('/query-stream', { sql: lookup, requestProperties: { [TOKEN]: '' } });
  assert.equal(first.status, 200, first.text);
  const lines = first.text.split('\n').filter((l) => l !== '');
  assert.deepEqual(JSON.parse(lines[1]), ['pear', 2]);
  const { consistencyToken } = JSON.parse(lines[2]) as { consistencyToken: string };
  assert.deepEqual(vectorOf(consistencyToken), { version: 0, offsetVector: { orders: { '0': 2 } } });
  assert.equal(lines.length, 3);

  const again = await post('/query-stream', {
    sql: lookup,
    requestProperties: { [TOKEN]: consistencyToken },
  });
  assert.equal(again.status, 200, again.text);
  // Another table's offsets in the token are kept.
  const other = token({ elsewhere: { '3': 9 }, orders: { '0': 1 } });
  const json = await post(
    '/query-stream',
    { sql: lookup, requestProperties: { [TOKEN]: other } },
    'application/json',
  );
  const elements = JSON.parse(json.text) as unknown[];
  assert.deepEqual(elements[1], ['pear', 2]);
  assert.deepEqual(vectorOf((elements[2] as { consistencyToken: string }).consistencyToken).offsetVector, {
    elsewhere: { '3': 9 },
    orders: { '0': 2 },
  });
});

test('/query: the token is a consistencyToken row after the rows', async () => {
  const answer = await post('/query', { ksql: lookup, requestProperties: { [TOKEN]: '' } });
  assert.equal(answer.status, 200, answer.text);
  const [, row, last] = JSON.parse(answer.text) as Record<string, unknown>[];
  assert.deepEqual(row, { row: { columns: ['pear', 2] } });
  const t = (last as { consistencyToken: { consistencyToken: string } }).consistencyToken.consistencyToken;
  assert.deepEqual(vectorOf(t).offsetVector, { orders: { '0': 2 } });
});

test('a token the table has not reached yet, or that is not a token, is refused; without a token, or with the feature off for the request, no token row', async () => {
  const ahead = await post('/query-stream', {
    sql: lookup,
    requestProperties: { [TOKEN]: token({ orders: { '0': 100 } }) },
  });
  assert.equal(ahead.status, 400, ahead.text);
  assert.match(
    JSON.parse(ahead.text).message,
    /table `PER_ITEM` has not reached offset 100 of orders partition 0 \(the consistency token's\) yet: it reflects offsets before 3\. Retry the query\./,
  );
  const bad = await post('/query-stream', { sql: lookup, requestProperties: { [TOKEN]: 'not a token' } });
  assert.equal(bad.status, 400, bad.text);
  assert.match(JSON.parse(bad.text).message, /Couldn't decode consistency token/);

  const none = await post('/query-stream', { sql: lookup });
  assert.deepEqual(
    none.text
      .split('\n')
      .filter((l) => l !== '')
      .slice(1),
    ['["pear",2]'],
  );
  const off = await post('/query-stream', {
    sql: lookup,
    properties: { 'ksql.query.pull.consistency.token.enabled': 'false' },
    requestProperties: { [TOKEN]: '' },
  });
  assert.deepEqual(
    off.text
      .split('\n')
      .filter((l) => l !== '')
      .slice(1),
    ['["pear",2]'],
  );
});
