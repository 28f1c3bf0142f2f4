import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { eventually, killAll, type SluiceProcess, startSluice } from './sluice-server.fixture.js';

afterEach(killAll);

const CONNECT = 'org.apache.kafka.connect.data.';

// A value schema as Connect's JsonSchemaConverter (or any JSON schema producer) registers it.
const ORDER = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    qty: { type: 'integer', 'connect.type': 'int32' },
    price: { type: 'number' },
    customer: { oneOf: [{ type: 'null' }, { type: 'string' }] },
    paid: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    address: { type: 'object', properties: { city: { type: 'string' } } },
    attrs: { type: 'object', additionalProperties: { type: 'integer' } },
    amount: {
      type: 'number',
      title: `${CONNECT}Decimal`,
      'connect.parameters': { scale: '2', 'connect.decimal.precision': '8' },
    },
    day: { type: 'integer', title: `${CONNECT}Date`, 'connect.type': 'int32' },
  },
};

async function register(server: SluiceProcess, subject: string, schema: unknown): Promise<number> {
  const res = await fetch(`${server.schemaRegistryUrl}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schemaType: 'JSON', schema: JSON.stringify(schema) }),
  });
  const body = (await res.json()) as { id: number };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.id;
}

/** Confluent's wire format: magic byte 0, the schema id, then the JSON text. */
function encode(id: number, value: unknown): string {
  const body = Buffer.from(JSON.stringify(value));
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32BE(id, 1);
  body.copy(out, 5);
  return out.toString('base64');
}

async function produce(server: SluiceProcess, topic: string, key: string, value: string): Promise<void> {
  const res = await fetch(`${server.url}/v3/clusters/${server.clusterId}/topics/${topic}/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: { type: 'BINARY', data: key }, value: { type: 'BINARY', data: value } }),
  });
  assert.equal(res.status, 200, await res.text());
}

test('CREATE STREAM without columns over JSON_SR infers key and value columns from the registered JSON schemas, and reads records written with them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-jsonsr-infer-'));
  try {
    const server = await startSluice(dataDir);
    assert.ok(server.schemaRegistryUrl !== undefined);
    const valueId = await register(server, 'orders-value', ORDER);
    const keyId = await register(server, 'orders-key', { type: 'integer', 'connect.type': 'int32' });

    await server.ksql(
      "CREATE STREAM orders WITH (KAFKA_TOPIC='orders', KEY_FORMAT='JSON_SR', VALUE_FORMAT='JSON_SR', PARTITIONS=1);",
    );
    const described = (await server.ksql('DESCRIBE orders;')) as {
      sourceDescription: {
        fields: { name: string; type?: string; schema: { type: string } }[];
        statement: string;
      };
    }[];
    assert.deepEqual(
      described[0].sourceDescription.fields.map(
        (f) => `${f.name} ${f.schema.type}${f.type === 'KEY' ? ' KEY' : ''}`,
      ),
      [
        'ROWKEY INTEGER KEY',
        'ID BIGINT',
        'QTY INTEGER',
        'PRICE DOUBLE',
        'CUSTOMER STRING',
        'PAID BOOLEAN',
        'TAGS ARRAY',
        'ADDRESS STRUCT',
        'ATTRS MAP',
        'AMOUNT DECIMAL',
        'DAY DATE',
      ],
    );
    // The statement the command topic keeps carries the inferred columns in full.
    const statement = described[0].sourceDescription.statement;
    for (const part of [
      'TAGS ARRAY<STRING>',
      'ADDRESS STRUCT<CITY STRING>',
      'ATTRS MAP<STRING, BIGINT>',
      'AMOUNT DECIMAL(8, 2)',
    ])
      assert.ok(statement.includes(part), `${part} in ${statement}`);

    await server.ksql(
      "CREATE STREAM flat WITH (VALUE_FORMAT='JSON', KEY_FORMAT='JSON') AS SELECT ROWKEY, ID, QTY, CUSTOMER, TAGS[1] AS TAG, ADDRESS->CITY AS CITY, ATTRS['n'] AS N, AMOUNT, DAY FROM orders EMIT CHANGES;",
      { 'auto.offset.reset': 'earliest' },
    );
    await produce(
      server,
      'orders',
      encode(keyId, 7),
      encode(valueId, {
        id: 12345678901,
        qty: 3,
        price: 1.5,
        customer: 'ann',
        paid: true,
        tags: ['a', 'b'],
        address: { city: 'Oslo' },
        attrs: { n: 4 },
        amount: 12.34,
        day: 19000,
      }),
    );
    const rows = await eventually('a row in FLAT', async () => {
      const found = await server.records('FLAT');
      return found.length > 0 ? found : undefined;
    });
    assert.equal(rows[0].key, '7');
    assert.deepEqual(JSON.parse(rows[0].value ?? ''), {
      ID: 12345678901,
      QTY: 3,
      CUSTOMER: 'ann',
      TAG: 'a',
      CITY: 'Oslo',
      N: 4,
      AMOUNT: 12.34,
      DAY: 19000,
    });

    // A field no SQL type fits is refused, naming the field.
    await register(server, 'odd-value', {
      type: 'object',
      properties: {
        ok: { type: 'string' },
        address: {
          type: 'object',
          properties: { either: { oneOf: [{ type: 'string' }, { type: 'integer' }] } },
        },
      },
    });
    await assert.rejects(
      server.ksql("CREATE STREAM odd WITH (KAFKA_TOPIC='odd', VALUE_FORMAT='JSON_SR', PARTITIONS=1);"),
      /Field 'address\.either' has a JSON schema ksqlDB cannot map to a SQL type: oneOf/,
    );
    await server.kill();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
