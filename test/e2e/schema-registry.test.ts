import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { killAll, startSluice } from './sluice-server.fixture.js';

afterEach(killAll);

const USER = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'demo',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ],
});
const USER_WITH_EMAIL = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'demo',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
    { name: 'email', type: ['null', 'string'], default: null },
  ],
});

test('@kafkajs/confluent-schema-registry registers, encodes and decodes against `sluice server`; ids survive a SIGKILL', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-registry-e2e-'));
  try {
    const first = await startSluice(dataDir);
    assert.ok(first.schemaRegistryUrl !== undefined, `no Schema Registry line in:\n${first.output()}`);
    const client = new SchemaRegistry({ host: first.schemaRegistryUrl });
    const { id } = await client.register({ type: SchemaType.AVRO, schema: USER }, { subject: 'users-value' });
    assert.equal(id, 1);
    // Registering it again answers the same id (the client asks GET /config/{s} first: 40408 then 200).
    assert.equal(
      (await client.register({ type: SchemaType.AVRO, schema: USER }, { subject: 'users-value' })).id,
      1,
    );
    const encoded = await client.encode(id, { id: 7, name: 'ada' });
    assert.deepEqual([...encoded.subarray(0, 5)], [0, 0, 0, 0, 1]);
    assert.deepEqual({ ...(await client.decode(encoded)) }, { id: 7, name: 'ada' });
    const v2 = await client.register(
      { type: SchemaType.AVRO, schema: USER_WITH_EMAIL },
      { subject: 'users-value' },
    );
    assert.equal(v2.id, 2);
    assert.equal(await client.getLatestSchemaId('users-value'), 2);
    assert.equal(
      await client.getRegistryIdBySchema('users-value', { type: SchemaType.AVRO, schema: USER }),
      1,
    );
    await first.kill();

    const second = await startSluice(dataDir);
    const again = new SchemaRegistry({ host: second.schemaRegistryUrl! });
    // A fresh client (no cache) reads the ids from the restarted server.
    assert.deepEqual({ ...(await again.decode(encoded)) }, { id: 7, name: 'ada' });
    assert.equal(await again.getLatestSchemaId('users-value'), 2);
    const other = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'n', type: 'int' }] });
    assert.equal(
      (await again.register({ type: SchemaType.AVRO, schema: other }, { subject: 'orders-value' })).id,
      3,
    );
    await second.kill();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the Schema Registry can be turned off with KSQL_SLUICE_SCHEMA_REGISTRY_LISTENERS empty', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-registry-off-'));
  try {
    const server = await startSluice(dataDir, { KSQL_SLUICE_SCHEMA_REGISTRY_LISTENERS: '' });
    assert.equal(server.schemaRegistryUrl, undefined);
    assert.doesNotMatch(server.output(), /Schema Registry:/);
    await server.kill();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
