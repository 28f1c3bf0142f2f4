import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunningServer } from '../app/index.js';
import { serverForTests } from './test-server.fixture.js';

// A REST Proxy body with a value of the wrong JSON type is refused with a 400 naming the field;
// nothing of it reaches the log.
let server: RunningServer;
let cluster: string;

serverForTests({}, async (s) => {
  server = s;
  cluster = `${server.url}/v3/clusters/${server.log.clusterId}`;
  await server.log.createTopic('events', { partitions: 2 });
});

async function post(path: string, body: unknown) {
  const res = await fetch(cluster + path, { method: 'POST', body: JSON.stringify(body) });
  return {
    status: res.status,
    json: JSON.parse(await res.text()) as { error_code: number; message: string },
  };
}

test('committed offsets must be whole numbers ≥ 0 with a topic name', async () => {
  const cases: [unknown, RegExp][] = [
    [
      { topic_name: 'events', partition_id: 0, offset: 'x' },
      /data\[0\]\.offset must be a whole number ≥ 0, got "x"/,
    ],
    [
      { topic_name: 'events', partition_id: 0, offset: -5 },
      /data\[0\]\.offset must be a whole number ≥ 0, got -5/,
    ],
    [{ topic_name: 'events', partition_id: 0, offset: 1.5 }, /offset must be a whole number/],
    [
      { topic_name: 'events', partition_id: '0', offset: 1 },
      /data\[0\]\.partition_id must be a whole number ≥ 0, got "0"/,
    ],
    [{ topic_name: 7, partition_id: 0, offset: 1 }, /data\[0\]\.topic_name must be a string, got 7/],
  ];
  for (const [entry, message] of cases) {
    const res = await post('/consumer-groups/g/offsets', { data: [entry] });
    assert.equal(res.status, 400, JSON.stringify(entry));
    assert.equal(res.json.error_code, 40002);
    assert.match(res.json.message, message);
  }
  assert.equal((await post('/consumer-groups/g/offsets', { data: 'all' })).status, 400);
  assert.deepEqual(await server.log.committedOffsets('g'), [], 'nothing was committed');
  const good = await fetch(`${cluster}/consumer-groups/g/offsets`, {
    method: 'POST',
    body: JSON.stringify({ data: [{ topic_name: 'events', partition_id: 1, offset: 3 }] }),
  });
  assert.equal(good.status, 204);
  assert.deepEqual(
    (await server.log.committedOffsets('g')).map((o) => [o.topic, o.partition, o.offset]),
    [['events', 1, 3]],
  );
});

test('BINARY data and header values must be base64', async () => {
  const before = (await server.log.endOffset('events', 0)) + (await server.log.endOffset('events', 1));
  const notBase64 = await post('/topics/events/records', { value: { type: 'BINARY', data: 'not base64!' } });
  assert.equal(notBase64.status, 400);
  assert.match(notBase64.json.message, /value\.data is not base64/);
  const header = await post('/topics/events/records', {
    value: { type: 'STRING', data: 'v' },
    headers: [{ name: 'h', value: '%%%' }],
  });
  assert.equal(header.status, 400);
  assert.match(header.json.message, /headers\[0\]\.value is not base64/);
  assert.equal(
    (await server.log.endOffset('events', 0)) + (await server.log.endOffset('events', 1)),
    before,
    'nothing written',
  );
  const ok = await post('/topics/events/records', {
    partition_id: 1,
    value: { type: 'BINARY', data: 'AAEC' },
  });
  assert.equal(ok.status, 200, ok.json.message);
  const { records } = await server.log.read('events', 1, 0);
  assert.deepEqual([...(records.at(-1)?.value ?? [])], [0, 1, 2]);
});

test('produce and topic bodies with wrongly typed fields answer 400 naming the field', async () => {
  const cases: [string, unknown, RegExp][] = [
    [
      '/topics/events/records',
      { partition_id: '1', value: { data: 1 } },
      /partition_id must be a whole number ≥ 0, got "1"/,
    ],
    ['/topics/events/records', { value: { type: 5, data: 1 } }, /value\.type must be a string, got 5/],
    ['/topics/events/records', { value: 'text' }, /must be a JSON object: value as/],
    [
      '/topics/events/records',
      { value: { type: 'STRING', data: 5 } },
      /value\.data \(type STRING\) must be a string, got 5/,
    ],
    ['/topics/events/records', { headers: { h: 1 }, value: { data: 1 } }, /headers must be an array/],
    ['/topics/events/records', { timestamp: 12, value: { data: 1 } }, /timestamp must be a string, got 12/],
    [
      '/topics',
      { topic_name: 'x', partitions_count: '3' },
      /partitions_count must be a whole number ≥ 1, got "3"/,
    ],
    [
      '/topics',
      { topic_name: 'x', partitions_count: 0 },
      /partitions_count must be a whole number ≥ 1, got 0/,
    ],
    ['/topics', { topic_name: ['x'] }, /topic_name must be a string/],
    [
      '/topics',
      { topic_name: 'x', configs: [{ name: 'retention.ms' }] },
      /configs\[0\] \(retention\.ms\) needs a value/,
    ],
    [
      '/topics/events/configs:alter',
      { data: [{ name: 'retention.ms', value: { ms: 1 } }] },
      /data\[0\]\.value must be a string/,
    ],
  ];
  for (const [path, body, message] of cases) {
    const res = await post(path, body);
    assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${res.json.message}`);
    assert.match(res.json.message, message);
  }
  assert.equal(await server.log.hasTopic('x'), false);
});
