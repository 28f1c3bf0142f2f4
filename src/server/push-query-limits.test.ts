import assert from 'node:assert/strict';
import { type ClientRequest, request } from 'node:http';
import { test } from 'node:test';
import type { RunningServer } from '../app/index.js';
import { serverForTests } from './test-server.fixture.js';

// Push queries are limited in all (ksql.max.push.queries, as ksqlDB) and per client address.
let server: RunningServer;

serverForTests({ 'ksql.max.push.queries': '3', 'sluice.push.queries.max.per.client': '2' }, async (s) => {
  server = s;
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    body: JSON.stringify({
      ksql: "CREATE STREAM s (x INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);",
    }),
  });
  assert.equal(res.status, 200);
});

interface Opened {
  readonly status: number;
  /** The header line (queryId) of a running query, or the error body. */
  readonly first: { queryId?: string; error_code?: number; message?: string };
  readonly req: ClientRequest;
}

/** Starts a push query from `localAddress` and resolves at its first line (or its error). */
function open(localAddress: string, sql = 'SELECT * FROM s EMIT CHANGES;'): Promise<Opened> {
  const url = new URL(`${server.url}/query-stream`);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          const line = text.split('\n')[0];
          if (text.includes('\n') || res.statusCode !== 200) {
            try {
              resolve({ status: res.statusCode ?? 0, first: JSON.parse(line), req });
            } catch {
              // An error body may arrive in pieces; 'end' completes it.
            }
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, first: JSON.parse(text || '{}'), req }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ sql }));
  });
}

async function closeQuery(queryId: string): Promise<void> {
  const res = await fetch(`${server.url}/close-query`, { method: 'POST', body: JSON.stringify({ queryId }) });
  assert.equal(res.status, 200);
}

test('past the per-client and the total limit a push query answers 400 40003, and a closed one frees its slot', async () => {
  const a1 = await open('127.0.0.1');
  const a2 = await open('127.0.0.1');
  assert.ok(a1.first.queryId && a2.first.queryId);
  const a3 = await open('127.0.0.1');
  assert.equal(a3.status, 400);
  assert.equal(a3.first.error_code, 40003);
  assert.match(
    a3.first.message ?? '',
    /^Maximum number of push queries exceeded: this client runs 2 .*sluice\.push\.queries\.max\.per\.client/,
  );
  const b1 = await open('127.0.0.2');
  assert.ok(b1.first.queryId, 'another client has slots of its own');
  const c1 = await open('127.0.0.3', "PRINT 's';");
  assert.equal(c1.status, 400, 'PRINT counts too');
  assert.match(
    c1.first.message ?? '',
    /^Maximum number of push queries exceeded: 3 run now \(ksql\.max\.push\.queries\)/,
  );
  await closeQuery(a1.first.queryId!);
  const a4 = await open('127.0.0.1');
  assert.ok(a4.first.queryId, 'the closed query gave its slot back');
  // A client that goes away gives its slots back too, once the server has seen it go.
  for (const q of [a2, b1, a4]) q.req.destroy();
  let again: Opened | undefined;
  for (let attempt = 0; attempt < 200; attempt++) {
    again = await open('127.0.0.1');
    if (again.status === 200) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(again?.first.queryId, 'slots of disconnected clients are released');
  again?.req.destroy();
});
