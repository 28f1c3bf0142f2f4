// The seed's docker-compose environment for ksqldb-server, every KSQL_* variable of it, run as is
// (host names aside: the broker is a real Apache Kafka on a free port, the schema registry is
// Sluice's own listener), then the seed's Voluble CREATE SOURCE CONNECTOR: its rows must reach Kafka
// Avro-encoded by io.confluent.connect.avro.AvroConverter, with their schemas registered.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import avro from 'avsc';
import { freePort } from '../../src/connect/free-port.js';
import { KafkaLog } from '../../src/log/index.js';
import { type KafkaBroker, kafkaBroker, startKafkaBroker } from './kafka-broker.fixture.js';
import { ksqlRequest, SLUICE_BIN } from './server-child.fixture.js';

const SEED = `CREATE SOURCE CONNECTOR s WITH (
  'connector.class' = 'io.mdrogalis.voluble.VolubleSourceConnector',

  'genkp.people.with' = '#{Internet.uuid}',
  'genv.people.name.with' = '#{Name.full_name}',
  'genv.people.creditCardNumber.with' = '#{Finance.credit_card}',

  'global.throttle.ms' = '500'
);`;

/** The seed's ksqldb-server environment, with its host names (broker, schema-registry) given. */
function seedEnvironment(broker: string, registry: string, listener: string): Record<string, string> {
  return {
    KSQL_LISTENERS: listener,
    KSQL_BOOTSTRAP_SERVERS: broker,
    KSQL_KSQL_SCHEMA_REGISTRY_URL: registry,
    KSQL_KSQL_LOGGING_PROCESSING_STREAM_AUTO_CREATE: 'true',
    KSQL_KSQL_LOGGING_PROCESSING_TOPIC_AUTO_CREATE: 'true',
    KSQL_CONNECT_GROUP_ID: 'ksql-connect-cluster',
    KSQL_CONNECT_BOOTSTRAP_SERVERS: broker,
    KSQL_CONNECT_KEY_CONVERTER: 'io.confluent.connect.avro.AvroConverter',
    KSQL_CONNECT_VALUE_CONVERTER: 'io.confluent.connect.avro.AvroConverter',
    KSQL_CONNECT_KEY_CONVERTER_SCHEMA_REGISTRY_URL: registry,
    KSQL_CONNECT_VALUE_CONVERTER_SCHEMA_REGISTRY_URL: registry,
    KSQL_CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE: 'false',
    KSQL_CONNECT_CONFIG_STORAGE_TOPIC: 'ksql-connect-configs',
    KSQL_CONNECT_OFFSET_STORAGE_TOPIC: 'ksql-connect-offsets',
    KSQL_CONNECT_STATUS_STORAGE_TOPIC: 'ksql-connect-statuses',
    KSQL_CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR: '1',
    KSQL_CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR: '1',
    KSQL_CONNECT_STATUS_STORAGE_REPLICATION_FACTOR: '1',
    KSQL_CONNECT_PLUGIN_PATH: '/usr/share/kafka/plugins',
  };
}

let dir: string;
let broker: KafkaBroker | undefined;
let server: ChildProcess | undefined;

describe("the seed's docker-compose environment with AvroConverter", {
  skip: kafkaBroker.missing,
  timeout: 300_000,
}, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-seed-compose-'));
    broker = await startKafkaBroker();
  });

  after(async () => {
    if (server !== undefined && server.exitCode === null) server.kill('SIGKILL');
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('runs unchanged: the Voluble connector writes Avro rows whose schemas are in the registry', async () => {
    const registryPort = await freePort();
    const registry = `http://127.0.0.1:${registryPort}`;
    const listener = `http://127.0.0.1:${await freePort()}`;
    const env = {
      ...seedEnvironment(broker!.bootstrap, registry, listener),
      // Ports, not hosts: the compose file's registry and Connect REST ports would collide with
      // other tests on this machine.
      KSQL_SLUICE_SCHEMA_REGISTRY_LISTENERS: registry,
      KSQL_CONNECT_LISTENERS: 'http://127.0.0.1:0',
    };
    // `sluice server` with no flags, in its own working directory, as the image's entrypoint runs it.
    server = spawn(process.execPath, [SLUICE_BIN, 'server'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Sluice \S+ is ready/.test(output)) resolve();
      };
      server!.stdout!.on('data', onData);
      server!.stderr!.on('data', onData);
      server!.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    });
    await ready;

    const created = await ksqlRequest(listener, SEED);
    assert.equal(created.status, 200, JSON.stringify(created.body));

    // The subjects the converters registered, under TopicNameStrategy.
    const deadline = Date.now() + 60_000;
    let subjects: string[] = [];
    while (!(subjects.includes('people-key') && subjects.includes('people-value'))) {
      assert.ok(Date.now() < deadline, `no schemas registered for topic people:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
      subjects = (await (await fetch(`${registry}/subjects`)).json()) as string[];
    }
    const latest = async (subject: string) =>
      (await (await fetch(`${registry}/subjects/${subject}/versions/latest`)).json()) as {
        id: number;
        schema: string;
      };
    const keySchema = await latest('people-key');
    const valueSchema = await latest('people-value');
    assert.deepEqual(JSON.parse(keySchema.schema), ['null', 'string']);
    // Voluble's value schema is an optional struct: a union of null and the record, as Confluent's
    // AvroData writes it.
    const value = JSON.parse(valueSchema.schema);
    assert.equal(value[0], 'null');
    assert.equal(value[1]['connect.name'], 'io.mdrogalis.Gen0');
    assert.deepEqual(
      value[1].fields.map((f: { name: string; type: unknown }) => [f.name, f.type]),
      [
        ['name', ['null', 'string']],
        ['creditCardNumber', ['null', 'string']],
      ],
    );

    // The rows are in Kafka, in Confluent's wire format with those ids.
    const kafka = await KafkaLog.open({ bootstrapServers: [broker!.bootstrap], clientId: 'seed-reader' });
    try {
      const records = [];
      while (records.length < 2) {
        assert.ok(Date.now() < deadline, 'no rows in topic people');
        const topics = await kafka.listTopics();
        if (topics.includes('people')) {
          const described = await kafka.describeTopic('people');
          records.length = 0;
          for (const p of described.partitions)
            records.push(...(await kafka.read('people', p.partition, p.beginningOffset)).records);
        }
        if (records.length < 2) await new Promise((r) => setTimeout(r, 200));
      }
      const keyType = avro.Type.forSchema(JSON.parse(keySchema.schema), { wrapUnions: false });
      const valueType = avro.Type.forSchema(value, { wrapUnions: false });
      for (const record of records.slice(0, 2)) {
        const k = record.key ?? assert.fail('a key');
        const v = record.value ?? assert.fail('a value');
        assert.equal(k[0], 0);
        assert.equal(k.readInt32BE(1), keySchema.id);
        assert.match(keyType.fromBuffer(k.subarray(5)) as string, /^[0-9a-f-]{36}$/);
        assert.equal(v[0], 0);
        assert.equal(v.readInt32BE(1), valueSchema.id);
        const row = valueType.fromBuffer(v.subarray(5)) as { name: string; creditCardNumber: string };
        assert.ok(row.name.length > 3, row.name);
        assert.match(row.creditCardNumber, /\d/);
      }
    } finally {
      await kafka.close();
    }

    const status = await ksqlRequest(listener, 'SHOW CONNECTORS;');
    assert.match(JSON.stringify(status.body), /RUNNING \(1\/1 tasks RUNNING\)/);

    // The connector's typed schemas are all SQL needs: no column list.
    const created2 = await ksqlRequest(
      listener,
      "CREATE STREAM people WITH (KAFKA_TOPIC='people', FORMAT='AVRO');",
    );
    assert.equal(created2.status, 200, JSON.stringify(created2.body));
    const described = await ksqlRequest(listener, 'DESCRIBE people;');
    const fields = (
      described.body as { sourceDescription: { fields: { name: string; schema: { type: string } }[] } }[]
    )[0].sourceDescription.fields;
    assert.deepEqual(
      fields.map((f) => [f.name, f.schema.type]),
      [
        ['ROWKEY', 'STRING'],
        ['NAME', 'STRING'],
        ['CREDITCARDNUMBER', 'STRING'],
      ],
    );
    const res = await fetch(`${listener}/query-stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sql: 'SELECT ROWKEY, NAME, CREDITCARDNUMBER FROM people EMIT CHANGES LIMIT 2;',
        properties: { 'auto.offset.reset': 'earliest' },
      }),
    });
    const rows = (await res.text())
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l) as string[]);
    assert.equal(rows.length, 2, JSON.stringify(rows));
    for (const [id, name, card] of rows) {
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.ok(name.length > 3, name);
      assert.match(card, /\d/);
    }
  });
});
