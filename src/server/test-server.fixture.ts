// A server for one test file (not a test file itself): on a free port (its Connect worker too) over a
// temporary data dir, started before the file's tests and stopped and removed after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';

/** Registers the hooks; `started` receives the server before the file's own `before` hooks run. */
export function serverForTests(
  flags: Readonly<Record<string, string>>,
  started: (server: RunningServer) => void,
): void {
  let server: RunningServer | undefined;
  let dataDir: string | undefined;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-server-test-'));
    server = await startServer(
      loadServerConfig({
        flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir, ...flags },
        env: {},
      }),
    );
    await started(server);
  });
  after(async () => {
    await server?.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });
}
