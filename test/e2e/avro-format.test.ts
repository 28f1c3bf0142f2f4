import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { onEachBackend } from './backends.fixture.js';
import { eventually, killAll, type SluiceProcess, startSluice } from './sluice-server.fixture.js';

afterEach(killAll);

const ORDER = JSON.stringify({
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'customer', type: ['null', 'string'], default: null },
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 8, scale: 2 } },
    { name: 'placed', type: { type: 'long', logicalType: 'timestamp-millis' } },
    {
      name: 'address',
      type: { type: 'record', name: 'Address', fields: [{ name: 'city', type: 'string' }] },
    },
  ],
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

async function produce(server: SluiceProcess, topic: string, value: Buffer): Promise<void> {
  const res = await fetch(`${server.url}/v3/clusters/${server.clusterId}/topics/${topic}/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value: { type: 'BINARY', data: value.toString('base64') } }),
  });
  assert.equal(res.status, 200, await res.text());
}

/** The raw values of a topic's partition 0. */
async function values(server: SluiceProcess, topic: string): Promise<Buffer[]> {
  const res = await fetch(
    `${server.url}/v3/clusters/${server.clusterId}/topics/${topic}/partitions/0/records?offset=0`,
  );
  const body = (await res.json()) as { records: { value: string | null }[] };
  return body.records.flatMap((r) => (r.value === null ? [] : [Buffer.from(r.value, 'base64')]));
}

const cents = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

onEachBackend('the AVRO format', { timeout: 600_000 }, (backend) => {
  for (const mode of ['in-process', 'through its own listener over HTTP'] as const) {
    test(`AVRO records written by @kafkajs/confluent-schema-registry are read by an inferred stream, a CSAS writes AVRO under <topic>-value, bad records go to the processing log (registry ${mode})`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'sluice-avro-e2e-'));
      try {
        let env: NodeJS.ProcessEnv = backend.env();
        if (mode !== 'in-process') {
          const port = await freePort();
          env = {
            ...env,
            KSQL_SLUICE_SCHEMA_REGISTRY_LISTENERS: `http://127.0.0.1:${port}`,
            KSQL_KSQL_SCHEMA_REGISTRY_URL: `http://127.0.0.1:${port}`,
          };
        }
        const server = await startSluice(dataDir, env);
        assert.ok(server.schemaRegistryUrl !== undefined);
        const client = new SchemaRegistry({ host: server.schemaRegistryUrl });
        const { id } = await client.register(
          { type: SchemaType.AVRO, schema: ORDER },
          { subject: 'orders-value' },
        );

        await server.ksql(
          "CREATE STREAM orders WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='AVRO', PARTITIONS=1);",
        );
        const described = (await server.ksql('DESCRIBE orders;')) as {
          sourceDescription: { fields: { name: string; schema: { type: string } }[]; statement: string };
        }[];
        assert.deepEqual(
          described[0].sourceDescription.fields.map((f) => `${f.name} ${f.schema.type}`),
          ['ID BIGINT', 'CUSTOMER STRING', 'AMOUNT DECIMAL', 'PLACED TIMESTAMP', 'ADDRESS STRUCT'],
        );
        await server.ksql(
          'CREATE STREAM big_orders AS SELECT ID, CUSTOMER, AMOUNT, ADDRESS->CITY AS CITY FROM orders WHERE AMOUNT > 10 EMIT CHANGES;',
          { 'auto.offset.reset': 'earliest' },
        );

        const order = (n: number, amount: number) => ({
          id: n,
          customer: `c${n}`,
          amount: cents(amount),
          placed: 1_700_000_000_000 + n,
          address: { city: n % 2 === 0 ? 'Oslo' : 'Lima' },
        });
        await produce(server, 'orders', await client.encode(id, order(1, 2500)));
        await produce(server, 'orders', Buffer.from('{"ID": 2}')); // no magic byte
        const unknown = Buffer.from(await client.encode(id, order(3, 9999)));
        unknown.writeUInt32BE(4242, 1); // an id no registry has
        await produce(server, 'orders', unknown);
        await produce(server, 'orders', await client.encode(id, order(4, 500))); // 5.00: filtered out
        await produce(server, 'orders', await client.encode(id, order(5, 123456)));

        const written = await eventually('two AVRO records in BIG_ORDERS', async () => {
          const found = await values(server, 'BIG_ORDERS');
          return found.length === 2 ? found : undefined;
        });
        const latest = await client.getLatestSchemaId('BIG_ORDERS-value');
        const registered = (await fetchSchema(server, latest)) as {
          name: string;
          fields: { name: string }[];
        };
        assert.equal(registered.name, 'KsqlDataSourceSchema');
        assert.deepEqual(
          registered.fields.map((f) => f.name),
          ['ID', 'CUSTOMER', 'AMOUNT', 'CITY'],
        );
        for (const bytes of written) assert.equal(bytes.readUInt32BE(1), latest);
        const decoded = (await Promise.all(written.map((b) => client.decode(b)))) as Record<
          string,
          unknown
        >[];
        assert.deepEqual(
          decoded.map((d) => [
            d.ID,
            d.CUSTOMER,
            Buffer.from(d.AMOUNT as Buffer).readIntBE(0, (d.AMOUNT as Buffer).length),
            d.CITY,
          ]),
          [
            [1, 'c1', 2500, 'Lima'],
            [5, 'c5', 123456, 'Lima'],
          ],
        );

        const problems = await eventually('two processing log entries', async () => {
          const found = await server.records('default_ksql_processing_log');
          return found.length >= 2 ? found.map((r) => r.value ?? '') : undefined;
        });
        assert.match(problems.join('\n'), /Unknown magic byte! Expected 0/);
        assert.match(problems.join('\n'), /schema id 4242 is not in the Schema Registry/);
        const queries = (await server.ksql('SHOW QUERIES;')) as { queries: { state: string }[] }[];
        assert.equal(queries[0].queries[0].state, 'RUNNING');

        // The command topic holds the inferred columns: a restart replays them and the query goes on.
        await server.kill();
        const again = await startSluice(backend.restartDir(dataDir), env);
        const later = new SchemaRegistry({ host: again.schemaRegistryUrl! });
        await produce(again, 'orders', await later.encode(id, order(6, 7700)));
        // At least once: records the killed query had not committed may be written again first.
        const after = await eventually('the new order in BIG_ORDERS', async () => {
          const found = await values(again, 'BIG_ORDERS');
          return found.length > 2 ? found.at(-1) : undefined;
        });
        assert.equal(after.readUInt32BE(1), latest, 'the restarted query writes with the same schema id');
        const last = await eventually('order 6', async () => {
          const found = await values(again, 'BIG_ORDERS');
          const decoded = (await later.decode(found.at(-1)!)) as { ID: number };
          return decoded.ID === 6 ? decoded : undefined;
        });
        assert.equal(last.ID, 6);
        await again.kill();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }

  async function fetchSchema(server: SluiceProcess, id: number): Promise<unknown> {
    const res = await fetch(`${server.schemaRegistryUrl}/schemas/ids/${id}`);
    const body = (await res.json()) as { schema: string };
    return JSON.parse(body.schema);
  }

  test('CREATE STREAM with AVRO columns registers <topic>-value so an INSERT INTO in the same request writes; a CREATE over a subject with a compatible schema keeps it (issue 15)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-avro-create-'));
    try {
      const server = await startSluice(dataDir, backend.env());
      const client = new SchemaRegistry({ host: server.schemaRegistryUrl! });
      // One request: its validation (a sandbox) must let the INSERT serialize before anything is registered.
      await server.ksql(
        "CREATE STREAM av (id INT KEY, v DOUBLE) WITH (KAFKA_TOPIC='av', VALUE_FORMAT='AVRO', PARTITIONS=1); INSERT INTO av (id, v) VALUES (1, 2.5);",
      );
      const subjects = (await (await fetch(`${server.schemaRegistryUrl}/subjects`)).json()) as string[];
      assert.ok(subjects.includes('av-value'), JSON.stringify(subjects));
      const valueId = await client.getLatestSchemaId('av-value');
      const registered = (await fetchSchema(server, valueId)) as { fields: { name: string }[] };
      assert.deepEqual(
        registered.fields.map((f) => f.name),
        ['V'],
      );
      const [written] = await values(server, 'av');
      assert.equal(written.readUInt32BE(1), valueId);
      assert.deepEqual({ ...(await client.decode(written)) }, { V: 2.5 });
      // Read back through a query over the stream.
      await server.ksql('CREATE STREAM av_copy AS SELECT id, v FROM av EMIT CHANGES;', {
        'auto.offset.reset': 'earliest',
      });
      const copied = await eventually('the row in AV_COPY', async () => {
        const found = await values(server, 'AV_COPY');
        return found.length === 1 ? found[0] : undefined;
      });
      assert.deepEqual({ ...(await client.decode(copied)) }, { V: 2.5 });

      // A second stream over the same topic: the subject's compatible schema is used, nothing new.
      await server.ksql(
        "CREATE STREAM av2 (id INT KEY, v DOUBLE) WITH (KAFKA_TOPIC='av', VALUE_FORMAT='AVRO');",
      );
      await server.ksql('INSERT INTO av2 (id, v) VALUES (2, 4.5);');
      const versions = (await (
        await fetch(`${server.schemaRegistryUrl}/subjects/av-value/versions`)
      ).json()) as number[];
      assert.deepEqual(versions, [1]);
      const all = await values(server, 'av');
      assert.equal(all.length, 2);
      assert.equal(all[1].readUInt32BE(1), valueId);
      assert.deepEqual({ ...(await client.decode(all[1])) }, { V: 4.5 });
      await server.kill();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
