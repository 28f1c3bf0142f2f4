import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunningServer } from '../app/index.js';
import { http2Post } from './streaming-test-client.fixture.js';
import { serverForTests } from './test-server.fixture.js';

// A push query over a table delivers deleted keys as ksqlDB does: tombstone rows on /query (and on
// /query-stream asked for ksqlDB's StreamedRow JSON); the delimited and JSON formats drop them.

let server: RunningServer;
const earliest = { 'auto.offset.reset': 'earliest' };

const upsert = (id: string, name: string, score: number) => ({
  key: Buffer.from(id),
  value: Buffer.from(JSON.stringify({ NAME: name, SCORE: score })),
});
const remove = (id: string) => ({ key: Buffer.from(id), value: null });

serverForTests({}, async (s) => {
  server = s;
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ksql: "CREATE TABLE users (id STRING PRIMARY KEY, name STRING, score INT) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);",
    }),
  });
  assert.equal(res.status, 200, await res.text());
  await server.log.append('users', [
    upsert('u1', 'ann', 5), // never passes the WHERE below
    upsert('u2', 'bob', 7),
    upsert('u2', 'bob', 3), // no longer passes: deleted from the result
    upsert('u3', 'cy', 9),
    remove('u3'), // deleted from the table
    remove('u4'), // a key the result never had
    remove('u1'),
  ]);
});

async function post(path: string, body: unknown, accept?: string): Promise<string> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accept === undefined ? {} : { accept }) },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  return res.text();
}

const filtered = 'SELECT id, name FROM users WHERE score > 5 EMIT CHANGES LIMIT 4;';
const filteredRows = [
  { row: { columns: ['u2', 'bob'] } },
  { row: { columns: ['u2', null], tombstone: true } },
  { row: { columns: ['u3', 'cy'] } },
  { row: { columns: ['u3', null], tombstone: true } },
];

test('/query: a deleted key, or a row that no longer passes the WHERE, is a tombstone row with its key set', async () => {
  const answer = JSON.parse(await post('/query', { ksql: filtered, streamsProperties: earliest }));
  assert.equal(answer[0].header.schema, '`ID` STRING, `NAME` STRING');
  assert.deepEqual(answer.slice(1), [...filteredRows, { finalMessage: 'Limit Reached' }]);
});

test('/query without a WHERE: every delete is a tombstone; only selected key columns are filled', async () => {
  const all = JSON.parse(
    await post('/query', { ksql: 'SELECT * FROM users EMIT CHANGES LIMIT 6;', streamsProperties: earliest }),
  );
  assert.deepEqual(all.slice(1, -1), [
    { row: { columns: ['u1', 'ann', 5] } },
    { row: { columns: ['u2', 'bob', 7] } },
    { row: { columns: ['u2', 'bob', 3] } },
    { row: { columns: ['u3', 'cy', 9] } },
    { row: { columns: ['u3', null, null], tombstone: true } },
    { row: { columns: ['u1', null, null], tombstone: true } },
  ]);
  const renamedKey = JSON.parse(
    await post('/query', {
      ksql: "SELECT name, id AS who FROM users WHERE id = 'u3' EMIT CHANGES LIMIT 2;",
      streamsProperties: earliest,
    }),
  );
  assert.deepEqual(renamedKey.slice(1, -1), [
    { row: { columns: ['cy', 'u3'] } },
    { row: { columns: [null, 'u3'], tombstone: true } },
  ]);
});

test('/query-stream drops tombstones in the delimited and JSON formats, as ksqlDB does, and keeps them in StreamedRow JSON', async () => {
  const delimited = (await post('/query-stream', { sql: filtered, properties: earliest })).trim().split('\n');
  assert.deepEqual(
    delimited.slice(1).map((l) => JSON.parse(l)),
    [
      ['u2', 'bob'],
      ['u3', 'cy'],
    ],
  );
  const json = JSON.parse(
    await post('/query-stream', { sql: filtered, properties: earliest }, 'application/json'),
  );
  assert.deepEqual(json.slice(1), [
    ['u2', 'bob'],
    ['u3', 'cy'],
  ]);
  const streamed = await http2Post(
    server.url,
    '/query-stream',
    JSON.stringify({ sql: filtered, properties: earliest }),
    {
      'content-type': 'application/json',
      accept: 'application/vnd.ksql.v1+json',
    },
  );
  const rows = JSON.parse(streamed.body.toString());
  assert.match(rows[0].header.queryId, /^transient_USERS_\d+$/);
  assert.deepEqual(rows.slice(1), [...filteredRows, { finalMessage: 'Limit Reached' }]);
});
