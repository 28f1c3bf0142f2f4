import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunningServer } from '../app/index.js';
import { serverForTests } from './test-server.fixture.js';

// Requests past the sluice.request/statement limits answer 400 with ksqlDB's error shape, at once,
// and leave nothing behind.
let server: RunningServer;

serverForTests({ 'sluice.request.max.statements': '3', 'sluice.statement.max.length': '100000' }, (s) => {
  server = s;
});

async function post(path: string, body: unknown) {
  const res = await fetch(server.url + path, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: JSON.parse(await res.text()) };
}

test('10,000 parentheses answer 400 naming the nesting limit, on /ksql and /query-stream', async () => {
  const deep = `${'('.repeat(10_000)}1${')'.repeat(10_000)}`;
  const ksql = await post('/ksql', { ksql: `CREATE STREAM d AS SELECT ${deep} AS x FROM nowhere;` });
  assert.equal(ksql.status, 400);
  assert.equal(ksql.json['@type'], 'statement_error');
  assert.match(ksql.json.message, /nests deeper than 1000 levels/);
  const push = await post('/query-stream', { sql: `SELECT ${deep} FROM nowhere EMIT CHANGES;` });
  assert.equal(push.status, 400);
  assert.match(push.json.message, /nests deeper than 1000 levels/);
});

test('nested DEFINEs that would expand to gigabytes answer 400 naming the length limit', async () => {
  // Three levels of a thousand references each: 10^9 characters at the third (1 KB per level sent).
  const levels = Array.from({ length: 3 }, (_, i) => `DEFINE v${i + 1} = '${`\${v${i}}`.repeat(1000)}';`);
  const res = await post('/ksql', { ksql: levels.join('\n'), sessionVariables: { v0: 'x' } });
  assert.equal(res.status, 400);
  assert.match(res.json.message, /longer than 100000 characters.*sluice\.statement\.max\.length/);
});

test('a request with more statements than sluice.request.max.statements runs none of them', async () => {
  const script = [1, 2, 3, 4]
    .map((i) => `CREATE STREAM s${i} (x INT) WITH (KAFKA_TOPIC='s${i}', VALUE_FORMAT='JSON', PARTITIONS=1);`)
    .join('\n');
  const res = await post('/ksql', { ksql: script });
  assert.equal(res.status, 400);
  assert.match(
    res.json.message,
    /holds more than the 3 statements one request may hold \(statement 4 starts here\).*sluice\.request\.max\.statements/,
  );
  assert.equal(await server.log.hasTopic('s1'), false, 'nothing ran');
  const three = await post('/ksql', { ksql: script.split('\n').slice(0, 3).join('\n') });
  assert.equal(three.status, 200, JSON.stringify(three.json));
});

test('a bad topic name or partition count is a 400 checked before any statement of the request runs', async () => {
  const stream = (name: string, topic: string, partitions: number) =>
    `CREATE STREAM ${name} (x INT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON', PARTITIONS=${partitions});`;
  const wide = await post('/ksql', { ksql: stream('wide', 'wide', 20_000) });
  assert.equal(wide.status, 400);
  assert.match(wide.json.message, /Invalid partition count 20000 .*sluice\.topic\.max\.partitions/);
  const badName = await post('/ksql', {
    ksql: `${stream('first', 'first', 1)}\n${stream('second', 'bad topic!', 1)}`,
  });
  assert.equal(badName.status, 400);
  assert.match(badName.json.message, /Invalid topic name 'bad topic!'/);
  assert.equal(await server.log.hasTopic('first'), false, 'the first statement left no topic');
  const listed = await post('/ksql', { ksql: 'SHOW STREAMS;' });
  assert.doesNotMatch(JSON.stringify(listed.json), /FIRST/);
});
