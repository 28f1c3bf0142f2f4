import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningServer, startServer } from '../app/index.js';
import { loadServerConfig } from '../config/index.js';

// Registered schemas whose types come from other subjects (Schema Registry references). AVRO records
// written with such a schema: the subject's latest version for a CREATE with columns followed by
// INSERT, and VALUE_SCHEMA_ID for a CSAS, the references resolved as reading resolves them. JSON_SR
// columns inferred through `$ref`s into referenced subjects.
let server: RunningServer;
let dataDir: string;
let registry: string;
let orderId: number;

const ADDRESS = {
  type: 'record',
  name: 'Address',
  namespace: 'shop',
  fields: [
    { name: 'street', type: 'string' },
    { name: 'city', type: ['null', 'string'], default: null },
  ],
};
const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'address', type: 'shop.Address' },
  ],
};

async function register(subject: string, body: unknown): Promise<number> {
  const res = await fetch(`${registry}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { id: number };
  assert.equal(res.status, 200, JSON.stringify(json));
  return json.id;
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sluice-avro-refs-'));
  server = await startServer(
    loadServerConfig({
      flags: { listeners: 'http://127.0.0.1:0', 'sluice.data.dir': dataDir, 'sluice.kafka.listeners': '' },
      env: {},
    }),
  );
  registry = server.schemaRegistryUrl ?? assert.fail('the registry listens');
  await register('shop-address', { schema: JSON.stringify(ADDRESS) });
  orderId = await register('orders_refs-value', {
    schema: JSON.stringify(ORDER),
    references: [{ name: 'shop.Address', subject: 'shop-address', version: 1 }],
  });
});

after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function ksql(statements: string): Promise<unknown> {
  const res = await fetch(`${server.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ksql: statements }),
  });
  const json = await res.json();
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

/** The first `limit` rows of a push query from the earliest offset (the query ends after them). */
async function rows(sql: string, limit: number): Promise<unknown[][]> {
  const res = await fetch(`${server.url}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ksql: `${sql} EMIT CHANGES LIMIT ${limit};`,
      streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' },
    }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return (JSON.parse(text) as { row?: { columns: unknown[] } }[]).flatMap((e) =>
    e.row === undefined ? [] : [e.row.columns],
  );
}

test("CREATE with columns over a subject whose latest schema has references writes INSERT's rows with that schema", async () => {
  await ksql(
    "CREATE STREAM orders_refs (id INT, address STRUCT<street STRING, city STRING>) WITH (KAFKA_TOPIC='orders_refs', VALUE_FORMAT='AVRO', PARTITIONS=1);" +
      "INSERT INTO orders_refs (id, address) VALUES (1, STRUCT(street := 'Main St', city := 'Oslo'));",
  );
  // Nothing new was registered: the subject still has its one version.
  const versions = (await (
    await fetch(`${registry}/subjects/orders_refs-value/versions`)
  ).json()) as number[];
  assert.deepEqual(versions, [1]);
  // Read back with a stream inferring its columns from the subject (references resolved on read too).
  await ksql("CREATE STREAM orders_refs_read WITH (KAFKA_TOPIC='orders_refs', VALUE_FORMAT='AVRO');");
  assert.deepEqual(await rows('SELECT id, address FROM orders_refs_read', 1), [
    [1, { STREET: 'Main St', CITY: 'Oslo' }],
  ]);
});

test('CSAS with VALUE_SCHEMA_ID naming a schema that has references writes its rows with that schema', async () => {
  await ksql(
    "CREATE STREAM refs_src (id INT, street STRING, city STRING) WITH (KAFKA_TOPIC='refs_src', VALUE_FORMAT='JSON', PARTITIONS=1);" +
      `CREATE STREAM refs_out WITH (KAFKA_TOPIC='refs_out', VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID=${orderId}) AS SELECT id, STRUCT(street := street, city := city) AS address FROM refs_src;`,
  );
  // After the query starts: it reads from the latest offset.
  await ksql("INSERT INTO refs_src (id, street, city) VALUES (7, 'Elm St', NULL);");
  await ksql(
    `CREATE STREAM refs_out_read WITH (KAFKA_TOPIC='refs_out', VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID=${orderId});`,
  );
  assert.deepEqual(await rows('SELECT * FROM refs_out_read', 1), [[7, { street: 'Elm St', city: null }]]);
});

test('JSON_SR infers columns through $refs to a referenced subject and to definitions within it', async () => {
  await register('shop-address-json', {
    schemaType: 'JSON',
    schema: JSON.stringify({
      type: 'object',
      properties: { street: { type: 'string' }, zip: { $ref: '#/definitions/Zip' } },
      definitions: { Zip: { type: 'integer', 'connect.type': 'int32' } },
    }),
  });
  await register('parcels_json-value', {
    schemaType: 'JSON',
    schema: JSON.stringify({
      type: 'object',
      properties: {
        id: { type: 'integer' },
        to: { oneOf: [{ type: 'null' }, { $ref: 'address.json' }] },
      },
    }),
    references: [{ name: 'address.json', subject: 'shop-address-json', version: 1 }],
  });
  const json = await ksql(
    "CREATE STREAM parcels_json WITH (KAFKA_TOPIC='parcels_json', VALUE_FORMAT='JSON_SR', PARTITIONS=1); DESCRIBE parcels_json;",
  );
  const fields =
    (
      json as {
        sourceDescription?: {
          fields: {
            name: string;
            schema: { type: string; fields?: { name: string; schema: { type: string } }[] | null };
          }[];
        };
      }[]
    )[1].sourceDescription?.fields ?? [];
  assert.deepEqual(
    fields.map(
      (f) =>
        `${f.name} ${f.schema.type}${!f.schema.fields ? '' : `<${f.schema.fields.map((g) => `${g.name} ${g.schema.type}`).join(', ')}>`}`,
    ),
    ['ID BIGINT', 'TO STRUCT<STREET STRING, ZIP INTEGER>'],
  );
});
