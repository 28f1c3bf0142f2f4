import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadServerConfig } from '../config/index.js';
import { SegmentLog } from '../log/index.js';
import { startServer } from './server-process.js';

test('a Connect REST port in use stops the start with the port and the setting to change', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-connect-port-'));
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  try {
    await assert.rejects(
      startServer(
        loadServerConfig({
          flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': join(dir, 'data') },
          env: { KSQL_CONNECT_LISTENERS: `http://127.0.0.1:${port}` },
        }),
      ),
      (err: Error) => {
        assert.match(
          err.message,
          new RegExp(`cannot listen on http://127\\.0\\.0\\.1:${port}: the port is in use`),
        );
        assert.match(err.message, /Set KSQL_CONNECT_LISTENERS/);
        return true;
      },
    );
    // Nothing was left open: the data dir can be opened again.
    const log = await SegmentLog.open({ dataDir: join(dir, 'data'), cleanerIntervalMs: 0 });
    await log.close();
  } finally {
    await new Promise((r) => taken.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});
