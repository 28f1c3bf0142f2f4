import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { type RunningServer, startServer } from './server.js';

let server: RunningServer;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-invalid-push-'));
  server = await startServer(
    loadServerConfig({ flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir }, env: {} }),
  );
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ksql: "CREATE STREAM s (id STRING KEY, n INT, m MAP<STRING, INT>) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);",
    }),
  });
  assert.equal(res.status, 200, await res.text());
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
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
