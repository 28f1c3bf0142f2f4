// Test support: Sluice's own Schema Registry on a free port over a fresh log, for the registry
// converters' tests; with `bearerToken`, it answers 401 to a request without that token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SegmentLog } from '../../log/index.js';
import { buildRegistryApp, SchemaStore } from '../../registry/index.js';

export interface TestRegistry {
  readonly url: string;
  /** GET a registry path; the parsed body and status. */
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startTestRegistry(options: { bearerToken?: string } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'converter-registry-'));
  const log = await SegmentLog.open({ dataDir: dir });
  const app = buildRegistryApp(await SchemaStore.open(log));
  const { bearerToken } = options;
  if (bearerToken !== undefined)
    app.addHook('onRequest', async (req, reply) => {
      if (req.headers.authorization !== `Bearer ${bearerToken}`)
        await reply.code(401).send({ error_code: 40101, message: 'Unauthorized' });
    });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return {
    url,
    async get(path) {
      const res = await fetch(`${url}${path}`, {
        headers: bearerToken === undefined ? {} : { authorization: `Bearer ${bearerToken}` },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await app.close();
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
