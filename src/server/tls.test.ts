import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:http2';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';
import { makeKeystore } from './keystore.fixture.js';
import { http2Post } from './streaming-test-client.fixture.js';

test('an https listener serves HTTP/1.1 and HTTP/2 over TLS on one port with a PKCS12 keystore', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tls-'));
  try {
    const keystore = makeKeystore(dir);
    if (keystore === undefined) {
      t.skip('needs the openssl command to make a test certificate');
      return;
    }
    const server = await startServer(
      loadServerConfig({
        flags: {
          listeners: 'https://127.0.0.1:0',
          'sluice.data.dir': join(dir, 'data'),
          'ssl.keystore.location': keystore,
          'ssl.keystore.password': 's3cret',
        },
        env: {},
      }),
    );
    try {
      assert.match(server.url, /^https:\/\//);
      const h1 = await new Promise<string>((resolve, reject) => {
        const req = request(`${server.url}/info`, { rejectUnauthorized: false }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve(`${res.httpVersion} ${body}`));
        });
        req.on('error', reject);
        req.end();
      });
      assert.match(h1, /^1\.1 .*"serverStatus":"RUNNING"/);
      const session = connect(server.url, { rejectUnauthorized: false });
      const h2 = await new Promise<string>((resolve, reject) => {
        const req = session.request({ ':path': '/info' });
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (c: string) => {
          body += c;
        });
        req.on('end', () => resolve(body));
        req.on('error', reject);
        req.end();
      });
      session.close();
      assert.match(h2, /"serverStatus":"RUNNING"/);

      // Push query rows over HTTP/2 on TLS arrive intact, one per frame, from the earliest offset.
      const insecure = { rejectUnauthorized: false };
      const json = { 'content-type': 'application/json' };
      const ksql = (statement: string) =>
        http2Post(server.url, '/ksql', JSON.stringify({ ksql: statement }), json, insecure);
      assert.equal(
        (
          await ksql(
            "CREATE STREAM notes (id INT KEY, txt STRING) WITH (KAFKA_TOPIC='notes', VALUE_FORMAT='JSON', PARTITIONS=1);",
          )
        ).status,
        200,
      );
      const rows = Array.from({ length: 300 }, (_, i) => [i, 'é€😀'.repeat(i % 40)]);
      const inserts = [
        JSON.stringify({ target: 'NOTES' }),
        ...rows.map(([ID, TXT]) => JSON.stringify({ ID, TXT })),
      ];
      await http2Post(server.url, '/inserts-stream', `${inserts.join('\n')}\n`, {}, insecure);
      const answer = await http2Post(
        server.url,
        '/query-stream',
        JSON.stringify({
          sql: 'SELECT id, txt FROM notes EMIT CHANGES LIMIT 300;',
          properties: { 'auto.offset.reset': 'earliest' },
        }),
        json,
        insecure,
      );
      const lines = answer.body.toString('utf8').trim().split('\n');
      assert.deepEqual(
        lines.slice(1).map((l) => JSON.parse(l)),
        rows,
      );
      for (const chunk of answer.chunks)
        assert.ok(chunk.indexOf('\n') === -1 || chunk.indexOf('\n') === chunk.length - 1);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an https listener without a keystore, or with a JKS one, is refused with what to do', async () => {
  // JKS is refused by the configuration itself, naming the types that work.
  assert.throws(
    () => loadServerConfig({ flags: { 'ssl.keystore.type': 'JKS' }, env: {} }),
    /must be one of: PKCS12, PEM/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tls-'));
  try {
    await assert.rejects(
      startServer(
        loadServerConfig({ flags: { listeners: 'https://127.0.0.1:0', 'sluice.data.dir': dir }, env: {} }),
      ),
      /needs ssl\.keystore\.location/,
    );
    await assert.rejects(
      startServer(
        loadServerConfig({
          flags: {
            listeners: 'https://127.0.0.1:0',
            'sluice.data.dir': dir,
            'ssl.keystore.location': '/nowhere.p12',
          },
          env: {},
        }),
      ),
      /Cannot read the keystore ssl\.keystore\.location=\/nowhere\.p12/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
