import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { killAll, startSluice } from './sluice-server.fixture.js';

afterEach(killAll);

async function subjects(registryUrl: string, deleted = false): Promise<string[]> {
  const res = await fetch(`${registryUrl}/subjects${deleted ? '?deleted=true' : ''}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as string[]).sort();
}

test('DROP … DELETE TOPIC soft-deletes the topic’s Schema Registry subjects; a DROP without it keeps them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-drop-subjects-'));
  try {
    const server = await startSluice(dataDir);
    const registry = server.schemaRegistryUrl;
    assert.ok(registry !== undefined, `no Schema Registry line in:\n${server.output()}`);
    await server.ksql(
      "CREATE STREAM src (id BIGINT KEY, v INT) WITH (KAFKA_TOPIC='src', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO', PARTITIONS=1);",
    );
    await server.ksql('CREATE STREAM sink AS SELECT * FROM src;');
    assert.deepEqual(await subjects(registry), ['SINK-key', 'SINK-value', 'src-key', 'src-value']);

    const [dropped] = (await server.ksql('DROP STREAM sink DELETE TOPIC;')) as { warnings: unknown[] }[];
    assert.deepEqual(dropped.warnings, []);
    assert.deepEqual(await subjects(registry), ['src-key', 'src-value']);
    // Soft-deleted: still listed with ?deleted=true.
    assert.deepEqual(await subjects(registry, true), ['SINK-key', 'SINK-value', 'src-key', 'src-value']);

    await server.ksql('DROP STREAM src;');
    assert.deepEqual(await subjects(registry), ['src-key', 'src-value']);
    await server.kill();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** A free port on 127.0.0.1, to give the registry listener a known address. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('a registry failure while deleting the subjects does not fail DROP … DELETE TOPIC: it comes back as a warning', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-drop-subjects-fail-'));
  const registryPort = await freePort();
  const registry = `http://127.0.0.1:${registryPort}`;
  // In front of Sluice's registry: forwards everything but refuses DELETE with a server error.
  const proxy = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method === 'DELETE') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error_code: 50001, message: 'Error in the backend data store' }));
        return;
      }
      const body = Buffer.concat(chunks);
      const answer = await fetch(`${registry}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        ...(body.length > 0 ? { body } : {}),
      });
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = proxy.address() as { port: number };
  try {
    const server = await startSluice(dataDir, {
      KSQL_SLUICE_SCHEMA_REGISTRY_LISTENERS: registry,
      KSQL_KSQL_SCHEMA_REGISTRY_URL: `http://127.0.0.1:${proxyPort}`,
    });
    await server.ksql(
      "CREATE STREAM src (id BIGINT KEY, v INT) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='AVRO', PARTITIONS=1);",
    );
    const [dropped] = (await server.ksql('DROP STREAM src DELETE TOPIC;')) as {
      commandStatus: { message: string };
      warnings: { message: string }[];
    }[];
    assert.equal(dropped.commandStatus.message, 'Source `SRC` (topic: src) was dropped.');
    assert.equal(dropped.warnings.length, 1);
    assert.match(
      dropped.warnings[0].message,
      /^Could not clean up the schema registry for topic: src \(subject src-value\): .*Error in the backend data store/,
    );
    const listed = (await server.ksql('SHOW STREAMS;')) as { streams: { name: string }[] }[];
    assert.equal(
      listed[0].streams.some((s) => s.name === 'SRC'),
      false,
    );
    assert.deepEqual(await subjects(registry), ['src-value']);
    await server.kill();
  } finally {
    await new Promise((resolve) => proxy.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
