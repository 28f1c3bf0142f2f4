import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunningServer } from '../app/index.js';
import { serverForTests } from './test-server.fixture.js';

let server: RunningServer;

serverForTests({}, async (s) => {
  server = s;
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ksql: "CREATE STREAM s (id STRING KEY, n INT, m MAP<STRING, INT>) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);",
    }),
  });
  assert.equal(res.status, 200, await res.text());
});

const refused: [string, string][] = [
  [
    'SELECT id FROM s WHERE n + NULL > 0 EMIT CHANGES;',
    'Error processing expression: (N + null). Arithmetic on types INTEGER and null are not supported.',
  ],
  [
    'SELECT NULL * NULL AS x FROM s EMIT CHANGES;',
    'Error processing expression: (null * null). Arithmetic on types null and null are not supported.',
  ],
  [
    'SELECT m * 2 AS x FROM s EMIT CHANGES;',
    'Error processing expression: (M * 2). Unsupported arithmetic types. MAP INTEGER',
  ],
];

for (const endpoint of ['/query-stream', '/query']) {
  test(`${endpoint} answers 400 at once for a push query with arithmetic ksqlDB refuses`, async () => {
    for (const [sql, message] of refused) {
      const body = endpoint === '/query' ? { ksql: sql } : { sql };
      const res = await fetch(`${server.url}${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await res.json()) as { '@type': string; error_code: number; message: string };
      assert.equal(res.status, 400, sql);
      assert.equal(answer['@type'], 'statement_error');
      assert.equal(answer.error_code, 40001);
      assert.equal(answer.message, message);
    }
  });
}
