import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { FastifyInstance } from 'fastify';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import { SegmentLog } from '../log/index.js';
import { buildRegistryApp } from './registry-rest-app.js';
import { SchemaStore } from './schema-store.js';

// PROTOBUF and JSON schemas, references, modes and normalize, over HTTP on a real port.

let dataDir: string;
let log: SegmentLog;
let app: FastifyInstance;
let base: string;

async function start(): Promise<void> {
  log = await SegmentLog.open({ dataDir });
  app = buildRegistryApp(await SchemaStore.open(log));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
}

async function stop(): Promise<void> {
  await app.close();
  await log.close();
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'registry-types-'));
  await start();
});
after(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

type Answer = { status: number; body: Record<string, unknown> & { error_code?: number; message?: string } };

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : JSON.parse(text) };
}

const register = (subject: string, body: object, query = '') =>
  call('POST', `/subjects/${encodeURIComponent(subject)}/versions${query}`, body);

const USER_PROTO = `syntax = "proto3";
package demo;

message User {
  int64 id = 1;
  string name = 2;
  repeated string tags = 3;
  map<string, int32> scores = 4;
  optional string email = 5;
  oneof contact { string phone = 6; string fax = 7; }
  Kind kind = 8;
  enum Kind { PERSON = 0; COMPANY = 1; }
}
`;

describe('PROTOBUF schemas', () => {
  test('are parsed, stored as re-rendered .proto text, and the same schema in other spacing or as a descriptor has the same id', async () => {
    const first = await register('users-proto', { schemaType: 'PROTOBUF', schema: USER_PROTO });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const stored = await call('GET', `/schemas/ids/${first.body.id}`);
    assert.equal(stored.body.schemaType, 'PROTOBUF');
    const text = String(stored.body.schema);
    assert.match(text, /^syntax = "proto3";\npackage demo;\n\nmessage User \{\n {2}int64 id = 1;/);
    assert.match(text, /optional string email = 5;/);
    assert.match(text, /oneof contact \{\n {4}string phone = 6;\n {4}string fax = 7;\n {2}\}/);
    const squashed = USER_PROTO.replace(/\s+/g, ' ');
    assert.equal(
      (await register('users-proto', { schemaType: 'PROTOBUF', schema: squashed })).body.id,
      first.body.id,
    );

    // ?format=serialized: a FileDescriptorProto, as confluent-kafka's Python client asks for it.
    const serialized = await call('GET', `/schemas/ids/${first.body.id}?format=serialized`);
    const file = descriptor.FileDescriptorProto.decode(
      Buffer.from(String(serialized.body.schema), 'base64'),
    ) as unknown as {
      package: string;
      messageType: { name: string }[];
    };
    assert.equal(file.package, 'demo');
    assert.deepEqual(
      file.messageType.map((m) => m.name),
      ['User'],
    );
    // …and the descriptor registered back is the same schema.
    const again = await register('users-proto', { schemaType: 'PROTOBUF', schema: serialized.body.schema });
    assert.equal(again.body.id, first.body.id);
  });

  test("ksqlDB's generated schema registers without references (google/type, confluent/type as Confluent knows them) and keeps the DECIMAL's field_meta params", async () => {
    const schema = `syntax = "proto3";

import "confluent/meta.proto";
import "confluent/type/decimal.proto";
import "google/protobuf/timestamp.proto";
import "google/type/date.proto";

message ConnectDefault1 {
  confluent.type.Decimal DEC = 1 [(confluent.field_meta) = { params: [ { key: "precision", value: "6" }, { key: "scale", value: "2" } ] }];
  google.type.Date DT = 2;
  google.protobuf.Timestamp TS = 3;
}
`;
    const first = await register('generated-value', { schemaType: 'PROTOBUF', schema });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const stored = String((await call('GET', `/schemas/ids/${first.body.id}`)).body.schema);
    assert.match(
      stored,
      /confluent\.type\.Decimal DEC = 1 \[\(confluent\.field_meta\) = \{ params: \[\{ key: "precision", value: "6" \}, \{ key: "scale", value: "2" \}\] \}\];/,
    );
    // The stored text registers again as the same schema.
    assert.equal(
      (await register('generated-value', { schemaType: 'PROTOBUF', schema: stored })).body.id,
      first.body.id,
    );
  });

  test('a schema that does not parse or names an unknown type is 42201', async () => {
    const bad = await register('bad-proto', {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; message { }',
    });
    assert.equal(bad.body.error_code, 42201);
    assert.match(String(bad.body.message), /^Invalid schema /);
    const unknown = await register('bad-proto', {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; message M { Missing m = 1; }',
    });
    assert.equal(unknown.body.error_code, 42201);
    assert.match(String(unknown.body.message), /Missing/);
  });

  test('compatibility: added fields and int32→int64 pass; a type change, a removed message or a new package fail', async () => {
    const v1 =
      'syntax = "proto3"; package shop; message Order { int32 n = 1; string item = 2; } message Line { int32 q = 1; }';
    assert.equal((await register('orders-proto', { schemaType: 'PROTOBUF', schema: v1 })).status, 200);
    const widened = v1.replace('int32 n = 1;', 'int64 n = 1; double price = 3;');
    assert.equal((await register('orders-proto', { schemaType: 'PROTOBUF', schema: widened })).status, 200);
    const typeChanged = widened.replace('string item = 2;', 'int32 item = 2;');
    const refused = await register('orders-proto', { schemaType: 'PROTOBUF', schema: typeChanged });
    assert.equal(refused.status, 409);
    assert.match(
      String(refused.body.message),
      /FIELD_TYPE_CHANGED: shop\.Order\.item \(tag 2\) changed type from string to int32/,
    );
    const removed = widened.replace(' message Line { int32 q = 1; }', '');
    assert.match(
      String((await register('orders-proto', { schemaType: 'PROTOBUF', schema: removed })).body.message),
      /MESSAGE_REMOVED: message shop\.Line was removed/,
    );
    const moved = widened.replace('package shop;', 'package store;');
    assert.match(
      String((await register('orders-proto', { schemaType: 'PROTOBUF', schema: moved })).body.message),
      /PACKAGE_CHANGED/,
    );
  });

  test('references: an import resolves to the referenced version; a missing one is named; a referenced version cannot be deleted', async () => {
    const address = 'syntax = "proto3"; package demo; message Address { string city = 1; }';
    const ref = await register('address-proto', { schemaType: 'PROTOBUF', schema: address });
    const person =
      'syntax = "proto3"; package demo; import "address.proto"; message Person { string name = 1; Address home = 2; }';
    const references = [{ name: 'address.proto', subject: 'address-proto', version: 1 }];
    const missing = await register('person-proto', {
      schemaType: 'PROTOBUF',
      schema: person,
      references: [{ name: 'address.proto', subject: 'address-proto', version: 9 }],
    });
    assert.equal(missing.body.error_code, 42201);
    assert.match(
      String(missing.body.message),
      /the reference address\.proto names version 9 of subject address-proto, which does not exist/,
    );
    const without = await register('person-proto', { schemaType: 'PROTOBUF', schema: person });
    assert.match(String(without.body.message), /imports address\.proto, which is neither a well-known/);
    const ok = await register('person-proto', { schemaType: 'PROTOBUF', schema: person, references });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const got = await call('GET', `/schemas/ids/${ok.body.id}`);
    assert.deepEqual(got.body.references, references);
    assert.deepEqual((await call('GET', '/subjects/address-proto/versions/1/referencedby')).body, [
      ok.body.id,
    ]);
    const del = await call('DELETE', '/subjects/address-proto/versions/1');
    assert.equal(del.status, 422);
    assert.equal(del.body.error_code, 42206);
    assert.equal(ref.status, 200);
    // Well-known imports need no reference.
    const stamped = await register('stamped-proto', {
      schemaType: 'PROTOBUF',
      schema:
        'syntax = "proto3"; import "google/protobuf/timestamp.proto"; message E { google.protobuf.Timestamp at = 1; }',
    });
    assert.equal(stamped.status, 200, JSON.stringify(stamped.body));
  });

  test('AVRO references: a record may use a named type from a referenced subject', async () => {
    const address = {
      type: 'record',
      name: 'Address',
      namespace: 'demo',
      fields: [{ name: 'city', type: 'string' }],
    };
    await register('address-avro', { schema: JSON.stringify(address) });
    const person = {
      type: 'record',
      name: 'Person',
      namespace: 'demo',
      fields: [{ name: 'home', type: 'demo.Address' }],
    };
    assert.equal((await register('person-avro', { schema: JSON.stringify(person) })).body.error_code, 42201);
    const ok = await register('person-avro', {
      schema: JSON.stringify(person),
      references: [{ name: 'demo.Address', subject: 'address-avro', version: 1 }],
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });
});

describe('JSON schemas', () => {
  const person = {
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer' } },
    additionalProperties: false,
  };

  test('are validated (a bad type is 42201) and stored as compact JSON; normalize sorts keys', async () => {
    const bad = await register('bad-json', { schemaType: 'JSON', schema: '{"type":"strin"}' });
    assert.equal(bad.body.error_code, 42201);
    assert.match(String(bad.body.message), /#\/type: "strin" is not a JSON Schema type/);
    const first = await register('people-json', {
      schemaType: 'JSON',
      schema: JSON.stringify(person, null, 2),
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal((await call('GET', `/schemas/ids/${first.body.id}`)).body.schema, JSON.stringify(person));
    const reordered = { additionalProperties: false, properties: person.properties, type: 'object' };
    const a = await register(
      'sorted-json',
      { schemaType: 'JSON', schema: JSON.stringify(person) },
      '?normalize=true',
    );
    const b = await register(
      'sorted-json',
      { schemaType: 'JSON', schema: JSON.stringify(reordered) },
      '?normalize=true',
    );
    assert.equal(a.body.id, b.body.id);
    assert.equal(a.body.version, b.body.version);
  });

  test('compatibility: a property added to a closed model passes; to an open one, a narrowed type or a new required property fail', async () => {
    const closedAdded = { ...person, properties: { ...person.properties, city: { type: 'string' } } };
    assert.equal(
      (await register('people-json', { schemaType: 'JSON', schema: JSON.stringify(closedAdded) })).status,
      200,
    );
    const narrowed = { ...closedAdded, properties: { ...closedAdded.properties, age: { type: 'string' } } };
    const refused = await register('people-json', { schemaType: 'JSON', schema: JSON.stringify(narrowed) });
    assert.equal(refused.status, 409);
    assert.match(
      String(refused.body.message),
      /TYPE_NARROWED: #\/properties\/age no longer accepts type integer/,
    );
    const required = { ...closedAdded, required: ['city'] };
    assert.match(
      String(
        (await register('people-json', { schemaType: 'JSON', schema: JSON.stringify(required) })).body
          .message,
      ),
      /REQUIRED_PROPERTY_ADDED: #\/properties\/city is now required/,
    );
    const open = { type: 'object', properties: { a: { type: 'string' } } };
    await register('open-json', { schemaType: 'JSON', schema: JSON.stringify(open) });
    const openAdded = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } } };
    assert.match(
      String(
        (await register('open-json', { schemaType: 'JSON', schema: JSON.stringify(openAdded) })).body.message,
      ),
      /PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: #\/properties\/b/,
    );
  });
});

describe('modes', () => {
  test('READWRITE by default; READONLY refuses writes with 42205; a subject mode overrides the global one', async () => {
    assert.deepEqual((await call('GET', '/mode')).body, { mode: 'READWRITE' });
    assert.equal((await call('GET', '/mode/locked-avro')).body.error_code, 40409);
    assert.deepEqual((await call('GET', '/mode/locked-avro?defaultToGlobal=true')).body, {
      mode: 'READWRITE',
    });
    assert.deepEqual((await call('PUT', '/mode/locked-avro', { mode: 'READONLY' })).body, {
      mode: 'READONLY',
    });
    const refused = await register('locked-avro', { schema: '"string"' });
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body, {
      error_code: 42205,
      message: 'Subject locked-avro is in read-only mode',
    });
    assert.equal((await register('free-avro', { schema: '"string"' })).status, 200);
    const invalid = await call('PUT', '/mode', { mode: 'SLEEPY' });
    assert.equal(invalid.body.error_code, 42204);
    assert.deepEqual((await call('DELETE', '/mode/locked-avro')).body, { mode: 'READONLY' });
    assert.equal((await register('locked-avro', { schema: '"string"' })).status, 200);
  });

  test('IMPORT needs an empty registry or force, then takes the given id and version; modes survive a restart', async () => {
    const refused = await call('PUT', '/mode', { mode: 'IMPORT' });
    assert.deepEqual(refused.body, {
      error_code: 42205,
      message: 'Cannot import since found existing subjects',
    });
    assert.equal((await register('given-avro', { schema: '"int"', id: 500 })).body.error_code, 42205);
    assert.deepEqual((await call('PUT', '/mode/imported-avro?force=true', { mode: 'IMPORT' })).body, {
      mode: 'IMPORT',
    });
    const imported = await register('imported-avro', { schema: '"long"', id: 500, version: 7 });
    assert.deepEqual(imported.body, { id: 500, version: 7 });
    await stop();
    await start();
    assert.deepEqual((await call('GET', '/mode/imported-avro')).body, { mode: 'IMPORT' });
    assert.equal((await call('GET', '/schemas/ids/500')).body.schema, '"long"');
    await call('DELETE', '/mode/imported-avro');
  });
});

describe('@kafkajs/confluent-schema-registry', () => {
  test('registers, encodes and decodes PROTOBUF and JSON', async () => {
    const client = new SchemaRegistry({ host: base });
    const proto = await client.register(
      {
        type: SchemaType.PROTOBUF,
        schema: 'syntax = "proto3"; package kjs; message Ping { string text = 1; int32 n = 2; }',
      },
      { subject: 'kjs-proto' },
    );
    const encoded = await client.encode(proto.id, { text: 'hi', n: 3 });
    assert.equal(encoded[0], 0);
    assert.deepEqual({ ...(await client.decode(encoded)) }, { text: 'hi', n: 3 });
    // What it wrote decodes with the type the registry stored.
    const stored = await call('GET', `/schemas/ids/${proto.id}`);
    const type = protobuf.parse(String(stored.body.schema)).root.lookupType('kjs.Ping');
    assert.equal((type.decode(encoded.subarray(5)) as unknown as { text: string }).text, 'hi');

    const json = await client.register(
      {
        type: SchemaType.JSON,
        schema: JSON.stringify({
          type: 'object',
          properties: { text: { type: 'string' } },
          required: ['text'],
        }),
      },
      { subject: 'kjs-json' },
    );
    const jsonEncoded = await client.encode(json.id, { text: 'hello' });
    assert.deepEqual(await client.decode(jsonEncoded), { text: 'hello' });
  });
});

describe('POST /compatibility and the subjects of an id', () => {
  const v1 = { type: 'record', name: 'C', fields: [{ name: 'a', type: 'int' }] };
  const breaking = { type: 'record', name: 'C', fields: [{ name: 'b', type: 'string' }] };

  test('answers is_compatible against latest, a version or the level’s versions; verbose gives the reason', async () => {
    const first = await register('compat-avro', { schema: JSON.stringify(v1) });
    assert.equal(first.status, 200);
    assert.deepEqual(
      (
        await call('POST', '/compatibility/subjects/compat-avro/versions/latest', {
          schema: JSON.stringify(v1),
        })
      ).body,
      { is_compatible: true },
    );
    const refused = await call('POST', '/compatibility/subjects/compat-avro/versions/1?verbose=true', {
      schema: JSON.stringify(breaking),
    });
    assert.equal(refused.body.is_compatible, false);
    assert.match(String((refused.body.messages as string[])[0]), /cannot read data written with version 1/);
    assert.deepEqual(
      (
        await call('POST', '/compatibility/subjects/compat-avro/versions', {
          schema: JSON.stringify(breaking),
        })
      ).body,
      { is_compatible: false },
    );
    // No versions: latest is compatible; a numbered version is 40402.
    assert.deepEqual(
      (await call('POST', '/compatibility/subjects/empty-avro/versions/latest', { schema: '"int"' })).body,
      { is_compatible: true },
    );
    assert.equal(
      (await call('POST', '/compatibility/subjects/compat-avro/versions/9', { schema: '"int"' })).body
        .error_code,
      40402,
    );
    const invalid = await call('POST', '/compatibility/subjects/compat-avro/versions/latest?verbose=true', {
      schema: '{"type":"nosuch"}',
    });
    assert.equal(invalid.body.is_compatible, false);
  });

  test('GET /schemas/ids/{id}/subjects and /versions list where an id is used', async () => {
    const a = await register('shared-a', { schema: '"bytes"' });
    await register('shared-b', { schema: '"bytes"' });
    assert.deepEqual((await call('GET', `/schemas/ids/${a.body.id}/subjects`)).body, [
      'shared-a',
      'shared-b',
    ]);
    assert.deepEqual((await call('GET', `/schemas/ids/${a.body.id}/versions`)).body, [
      { subject: 'shared-a', version: 1 },
      { subject: 'shared-b', version: 1 },
    ]);
    assert.equal((await call('GET', '/schemas/ids/9999/subjects')).body.error_code, 40403);
  });
});
