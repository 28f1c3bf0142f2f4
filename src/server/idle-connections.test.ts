import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';

// The test's own timeout is the failure: without the idle timeout the connection stays open for ever.
test('ksql.idle.connection.timeout.seconds closes a connection that carries nothing', {
  timeout: 60_000,
}, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-idle-'));
  const server = await startServer(
    loadServerConfig({
      flags: {
        listeners: 'http://127.0.0.1:0',
        'sluice.data.dir': dataDir,
        'ksql.idle.connection.timeout.seconds': '1',
      },
      env: { KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0' },
    }),
  );
  try {
    const url = new URL(server.url);
    const socket = connect(Number(url.port), '127.0.0.1');
    await once(socket, 'connect');
    // Half a request line, then silence: a slow client holding a connection.
    socket.write('GET /info HTTP/1.1\r\n');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    await once(socket, 'close');
    assert.equal(Buffer.concat(chunks).length, 0, 'closed without an answer');
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
