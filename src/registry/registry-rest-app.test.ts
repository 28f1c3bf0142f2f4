import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SegmentLog } from '../log/index.js';
import { buildRegistryApp } from './registry-rest-app.js';
import { SCHEMAS_TOPIC, SchemaStore } from './schema-store.js';

const USER_V1 = { type: 'record', name: 'User', namespace: 'demo', fields: [{ name: 'id', type: 'long' }] };
const USER_V2 = {
  type: 'record',
  name: 'User',
  namespace: 'demo',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'email', type: ['null', 'string'], default: null },
  ],
};

let dataDir: string;
let log: SegmentLog;
let app: FastifyInstance;
let base: string;

async function startRegistry(): Promise<void> {
  log = await SegmentLog.open({ dataDir });
  app = buildRegistryApp(await SchemaStore.open(log));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
}

async function stopRegistry(): Promise<void> {
  await app.close();
  await log.close();
}

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; type: string | null }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text === '' ? undefined : JSON.parse(text),
    type: res.headers.get('content-type'),
  };
}

const register = (subject: string, schema: unknown, extra: object = {}) =>
  call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
    schema: typeof schema === 'string' ? schema : JSON.stringify(schema),
    ...extra,
  });

describe('Schema Registry REST API', () => {
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-registry-'));
    await startRegistry();
  });
  after(async () => {
    await stopRegistry();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('registers a schema: ids start at 1, the same schema in other spacing or key order gets the same id', async () => {
    const first = await register('users-value', USER_V1);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { id: 1, version: 1 });
    assert.match(String(first.type), /application\/vnd\.schemaregistry\.v1\+json/);
    const respaced = `{ "namespace": "demo",  "fields": [ {"type": "long", "name": "id"} ], "name": "User", "type": "record" }`;
    assert.deepEqual((await register('users-value', respaced)).body, { id: 1, version: 1 });
    // Another subject: the same id (ids are global), its own version 1.
    assert.deepEqual((await register('other-value', respaced)).body, { id: 1, version: 1 });
  });

  test('reads subjects, versions, a version, latest and a schema by id', async () => {
    assert.deepEqual((await register('users-value', USER_V2)).body, { id: 2, version: 2 });
    assert.deepEqual((await call('GET', '/subjects')).body, ['other-value', 'users-value']);
    assert.deepEqual((await call('GET', '/subjects/users-value/versions')).body, [1, 2]);
    const canonical = JSON.stringify(USER_V1);
    assert.deepEqual((await call('GET', '/subjects/users-value/versions/1')).body, {
      subject: 'users-value',
      version: 1,
      id: 1,
      schema: canonical,
      schemaType: 'AVRO',
    });
    assert.equal(((await call('GET', '/subjects/users-value/versions/latest')).body as { id: number }).id, 2);
    assert.equal(
      ((await call('GET', '/subjects/users-value/versions/-1')).body as { version: number }).version,
      2,
    );
    assert.deepEqual((await call('GET', '/schemas/ids/1')).body, { schema: canonical, schemaType: 'AVRO' });
    assert.deepEqual((await call('GET', '/schemas/types')).body, ['JSON', 'PROTOBUF', 'AVRO']);
  });

  test('looks a schema up under a subject (POST /subjects/{s}) as register canonicalises it', async () => {
    const found = await call('POST', '/subjects/users-value', { schema: JSON.stringify(USER_V2, null, 2) });
    assert.equal(found.status, 200);
    assert.deepEqual(
      { id: (found.body as { id: number }).id, version: (found.body as { version: number }).version },
      { id: 2, version: 2 },
    );
    const missing = await call('POST', '/subjects/other-value', { schema: JSON.stringify(USER_V2) });
    assert.deepEqual(missing, {
      status: 404,
      body: { error_code: 40403, message: 'Schema not found' },
      type: missing.type,
    });
  });

  test("answers Confluent's error codes: 40401, 40402, 40403, 42201, 42202", async () => {
    const expect = async (path: string, status: number, code: number, message: RegExp) => {
      const res = await call('GET', path);
      assert.equal(res.status, status, path);
      const body = res.body as { error_code: number; message: string };
      assert.equal(body.error_code, code, path);
      assert.match(body.message, message);
    };
    await expect('/subjects/nope/versions', 404, 40401, /^Subject 'nope' not found\.$/);
    await expect('/subjects/users-value/versions/9', 404, 40402, /^Version 9 not found\.$/);
    await expect('/schemas/ids/99', 404, 40403, /^Schema 99 not found$/);
    await expect('/subjects/users-value/versions/0', 422, 42202, /not a valid version id/);
    await expect('/subjects/users-value/versions/abc', 422, 42202, /not a valid version id/);
    const bad = await register(
      'users-value',
      '{"type":"record","name":"X","fields":[{"name":"a","type":"nosuch"}]}',
    );
    assert.equal(bad.status, 422);
    assert.equal((bad.body as { error_code: number }).error_code, 42201);
    assert.match((bad.body as { message: string }).message, /^Invalid schema .*nosuch/);
    const xml = await register('x-value', '<schema/>', { schemaType: 'XML' });
    assert.equal((xml.body as { error_code: number }).error_code, 42201);
    assert.match(
      (xml.body as { message: string }).message,
      /Invalid schema type XML: use one of JSON, PROTOBUF, AVRO/,
    );
  });

  test('refuses a schema that breaks BACKWARD compatibility (409) and accepts it under NONE', async () => {
    const breaking = { ...USER_V2, fields: [...USER_V2.fields, { name: 'age', type: 'int' }] };
    const refused = await register('users-value', breaking);
    assert.equal(refused.status, 409);
    const body = refused.body as { error_code: number; message: string };
    // Confluent's number since Dec 2025 (409 before): clients match the HTTP status.
    assert.equal(body.error_code, 40901);
    assert.match(body.message, /incompatible with an earlier schema for subject "users-value"/);
    assert.match(body.message, /age/);
    assert.match(body.message, /oldSchemaVersion: 2/);
    assert.equal((await call('PUT', '/config/users-value', { compatibility: 'none' })).status, 200);
    assert.deepEqual((await register('users-value', breaking)).body, { id: 3, version: 3 });
  });

  test('config: global BACKWARD by default, per subject 40408 unless set or defaultToGlobal, bad level 42203', async () => {
    assert.deepEqual((await call('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
    assert.deepEqual((await call('GET', '/config/users-value')).body, { compatibilityLevel: 'NONE' });
    const none = await call('GET', '/config/other-value');
    assert.equal(none.status, 404);
    assert.equal((none.body as { error_code: number }).error_code, 40408);
    assert.deepEqual((await call('GET', '/config/other-value?defaultToGlobal=true')).body, {
      compatibilityLevel: 'BACKWARD',
    });
    assert.deepEqual((await call('PUT', '/config', { compatibility: 'FULL' })).body, {
      compatibility: 'FULL',
    });
    assert.deepEqual((await call('GET', '/config')).body, { compatibilityLevel: 'FULL' });
    const wrong = await call('PUT', '/config', { compatibility: 'SIDEWAYS' });
    assert.equal(wrong.status, 422);
    assert.equal((wrong.body as { error_code: number }).error_code, 42203);
  });

  test('deletes softly (ids still resolve, the version number is not reused), then permanently', async () => {
    assert.deepEqual((await call('DELETE', '/subjects/other-value?permanent=true')).body, {
      error_code: 40405,
      message: "Subject 'other-value' was not deleted first before being permanently deleted",
    });
    assert.deepEqual((await call('DELETE', '/subjects/other-value')).body, [1]);
    assert.deepEqual((await call('GET', '/subjects')).body, ['users-value']);
    assert.deepEqual((await call('GET', '/subjects?deleted=true')).body, ['other-value', 'users-value']);
    assert.equal((await call('GET', '/subjects/other-value/versions')).status, 404);
    assert.equal((await call('GET', '/schemas/ids/1')).status, 200);
    assert.equal(
      ((await call('DELETE', '/subjects/other-value')).body as { error_code: number }).error_code,
      40404,
    );
    // Re-registering a soft-deleted schema: a new version, the old id.
    assert.deepEqual((await register('other-value', USER_V1)).body, { id: 1, version: 2 });
    assert.deepEqual((await call('DELETE', '/subjects/other-value/versions/2')).body, 2);
    assert.deepEqual((await call('DELETE', '/subjects/other-value?permanent=true')).body, [1, 2]);
    assert.deepEqual((await call('GET', '/subjects?deleted=true')).body, ['users-value']);
  });

  test('everything survives a restart: subjects, versions, ids, deletes, configs; the next id follows on', async () => {
    await stopRegistry();
    await startRegistry();
    assert.deepEqual((await call('GET', '/subjects?deleted=true')).body, ['users-value']);
    assert.deepEqual((await call('GET', '/subjects/users-value/versions')).body, [1, 2, 3]);
    assert.equal(((await call('GET', '/subjects/users-value/versions/3')).body as { id: number }).id, 3);
    assert.deepEqual((await call('GET', '/config')).body, { compatibilityLevel: 'FULL' });
    assert.deepEqual((await call('GET', '/config/users-value')).body, { compatibilityLevel: 'NONE' });
    const fresh = { type: 'record', name: 'Order', fields: [{ name: 'n', type: 'int' }] };
    assert.deepEqual((await register('orders-value', fresh)).body, { id: 4, version: 1 });
    const described = await log.describeTopic(SCHEMAS_TOPIC);
    assert.equal(described.config['cleanup.policy'], 'compact');
    assert.equal(described.partitions.length, 1);
  });

  test("writes Confluent's record shapes to _schemas", async () => {
    const { records } = await log.read(SCHEMAS_TOPIC, 0, 0);
    const first = records[0];
    assert.equal(first.key?.toString(), '{"keytype":"SCHEMA","subject":"users-value","version":1,"magic":1}');
    assert.deepEqual(JSON.parse(String(first.value)), {
      subject: 'users-value',
      version: 1,
      id: 1,
      schemaType: 'AVRO',
      schema: JSON.stringify(USER_V1),
      deleted: false,
    });
    const keys = records.map((r) => r.key?.toString());
    assert.ok(keys.includes('{"keytype":"CONFIG","magic":0}'));
    assert.ok(keys.includes('{"keytype":"DELETE_SUBJECT","subject":"other-value","magic":0}'));
  });
});
