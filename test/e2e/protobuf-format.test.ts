// PROTOBUF end to end against confluent-kafka's Python ProtobufSerializer and ProtobufDeserializer
// (PyPI, installed by scripts/test-peers/install.sh): records it writes are read by a stream whose
// columns come from the registry, a CSAS writes PROTOBUF that its deserializer reads back, and bad
// records (wrong magic byte, unknown id, wrong message index) go to the processing log.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { kafkaPython, run } from './kafka-peers.fixture.js';
import { eventually, killAll, type SluiceProcess, startSluice } from './sluice-server.fixture.js';

afterEach(killAll);

const missing =
  existsSync(kafkaPython.python) &&
  spawnSync(kafkaPython.python, ['-c', 'import confluent_kafka.schema_registry.protobuf'], {
    stdio: 'ignore',
  }).status === 0
    ? undefined
    : "confluent-kafka's schema registry extras are not installed: run scripts/test-peers/install.sh";

// Writes three shop.Order records (the file's second message: indexes [1]) and prints them base64.
const PRODUCE = `
import base64, json, sys
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

client = SchemaRegistryClient({'url': sys.argv[1]})
F = descriptor_pb2.FieldDescriptorProto
file = descriptor_pb2.FileDescriptorProto(name='shop_order.proto', package='shop', syntax='proto3')
file.dependency.append('google/protobuf/timestamp.proto')
unused = file.message_type.add(name='Unused')
unused.field.add(name='x', number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
order = file.message_type.add(name='Order')
line = order.nested_type.add(name='Line')
line.field.add(name='sku', number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
line.field.add(name='qty', number=2, type=F.TYPE_UINT32, label=F.LABEL_OPTIONAL)
status = order.enum_type.add(name='Status')
status.value.add(name='NEW', number=0)
status.value.add(name='PAID', number=1)
order.field.add(name='id', number=1, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
order.field.add(name='customer', number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
order.field.add(name='amount', number=3, type=F.TYPE_DOUBLE, label=F.LABEL_OPTIONAL)
order.field.add(name='status', number=4, type=F.TYPE_ENUM, type_name='.shop.Order.Status', label=F.LABEL_OPTIONAL)
order.field.add(name='lines', number=5, type=F.TYPE_MESSAGE, type_name='.shop.Order.Line', label=F.LABEL_REPEATED)
order.field.add(name='placed', number=6, type=F.TYPE_MESSAGE, type_name='.google.protobuf.Timestamp', label=F.LABEL_OPTIONAL)
pool = descriptor_pool.DescriptorPool()
pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
pool.AddSerializedFile(file.SerializeToString())
Order = message_factory.GetMessageClass(pool.FindMessageTypeByName('shop.Order'))
ser = ProtobufSerializer(Order, client, {'use.deprecated.format': False})
ctx = SerializationContext('orders', MessageField.VALUE)
out = []
for n, amount in [(1, 25.5), (2, 4.0), (3, 99.25)]:
    o = Order(id=n, customer='c%d' % n, amount=amount, status=n % 2)
    o.lines.add(sku='k%d' % n, qty=n)
    o.placed.FromMilliseconds(1700000000000 + n)
    out.append(base64.b64encode(ser(o, ctx)).decode())
print(json.dumps(out))
`;

// Reads the CSAS output with ProtobufDeserializer, its message class built from the registered schema.
const CONSUME = `
import base64, json, sys
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2
from google.protobuf.json_format import MessageToDict

client = SchemaRegistryClient({'url': sys.argv[1]})
latest = client.get_latest_version('BIG_ORDERS-value')
serialized = client.get_schema(latest.schema_id, fmt='serialized')
file = descriptor_pb2.FileDescriptorProto()
file.ParseFromString(base64.b64decode(serialized.schema_str))
file.name = 'big_orders.proto'
pool = descriptor_pool.DescriptorPool()
pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
pool.AddSerializedFile(file.SerializeToString())
name = (file.package + '.' if file.package else '') + file.message_type[0].name
cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(name))
de = ProtobufDeserializer(cls, {'use.deprecated.format': False}, client)
ctx = SerializationContext('BIG_ORDERS', MessageField.VALUE)
rows = [MessageToDict(de(base64.b64decode(v), ctx), preserving_proto_field_name=True) for v in json.loads(sys.argv[2])]
print(json.dumps({'schema': latest.schema.schema_str, 'rows': rows}))
`;

async function produce(server: SluiceProcess, topic: string, value: Buffer): Promise<void> {
  const res = await fetch(`${server.url}/v3/clusters/${server.clusterId}/topics/${topic}/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value: { type: 'BINARY', data: value.toString('base64') } }),
  });
  assert.equal(res.status, 200, await res.text());
}

async function values(server: SluiceProcess, topic: string): Promise<Buffer[]> {
  const res = await fetch(
    `${server.url}/v3/clusters/${server.clusterId}/topics/${topic}/partitions/0/records?offset=0`,
  );
  const body = (await res.json()) as { records: { value: string | null }[] };
  return body.records.flatMap((r) => (r.value === null ? [] : [Buffer.from(r.value, 'base64')]));
}

test("PROTOBUF records from confluent-kafka's ProtobufSerializer are read by a stream without columns, a CSAS's PROTOBUF output is read by its ProtobufDeserializer, bad records go to the processing log", {
  skip: missing,
}, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-protobuf-e2e-'));
  try {
    const server = await startSluice(dataDir);
    const url = server.schemaRegistryUrl ?? assert.fail(`no Schema Registry line in:\n${server.output()}`);
    const produced = await run(kafkaPython.python, ['-', url], { input: PRODUCE, timeoutMs: 120_000 });
    assert.equal(produced.code, 0, produced.stderr);
    const records = (JSON.parse(produced.stdout) as string[]).map((b) => Buffer.from(b, 'base64'));
    // Magic byte, the schema id, then the message indexes [1] (shop.Order, the second message): 02 02.
    assert.deepEqual([...records[0].subarray(5, 7)], [2, 2]);
    const id = records[0].readUInt32BE(1);

    await server.ksql(
      "CREATE STREAM orders WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='PROTOBUF', VALUE_SCHEMA_FULL_NAME='shop.Order', PARTITIONS=1);",
    );
    const described = (await server.ksql('DESCRIBE orders;')) as {
      sourceDescription: { fields: { name: string; schema: { type: string } }[] };
    }[];
    assert.deepEqual(
      described[0].sourceDescription.fields.map((f) => `${f.name} ${f.schema.type}`),
      ['ID BIGINT', 'CUSTOMER STRING', 'AMOUNT DOUBLE', 'STATUS STRING', 'LINES ARRAY', 'PLACED TIMESTAMP'],
    );
    await server.ksql(
      'CREATE STREAM big_orders AS SELECT ID, CUSTOMER, AMOUNT, STATUS, LINES[1]->QTY AS FIRST_QTY, PLACED FROM orders WHERE AMOUNT > 10 EMIT CHANGES;',
      { 'auto.offset.reset': 'earliest' },
    );

    await produce(server, 'orders', records[0]);
    await produce(server, 'orders', Buffer.from('{"ID": 2}')); // no magic byte
    const unknown = Buffer.from(records[1]);
    unknown.writeUInt32BE(4242, 1); // an id no registry has
    await produce(server, 'orders', unknown);
    const badIndex = Buffer.from(records[1]);
    badIndex[6] = 8; // message indexes [4]: the file has two messages
    await produce(server, 'orders', badIndex);
    await produce(server, 'orders', records[1]); // 4.0: filtered out
    await produce(server, 'orders', records[2]);

    await eventually('two PROTOBUF records in BIG_ORDERS', async () => {
      const found = await values(server, 'BIG_ORDERS');
      return found.length === 2 ? found : undefined;
    });
    // A stream pinned to the producer's schema writes as its shop.Order message (indexes [1]), with
    // the columns named as the schema names them.
    await server.ksql(
      `CREATE STREAM orders_pinned WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='PROTOBUF', VALUE_SCHEMA_ID=${id}, VALUE_SCHEMA_FULL_NAME='shop.Order');`,
    );
    await server.ksql(
      "INSERT INTO orders_pinned (`id`, `customer`, `amount`, `status`) VALUES (9, 'c9', 50.5, 'PAID');",
    );
    const pinned = (await values(server, 'orders')).at(-1) as Buffer;
    assert.equal(pinned.readUInt32BE(1), id);
    assert.deepEqual([...pinned.subarray(5, 7)], [2, 2]);
    const written = await eventually('three PROTOBUF records in BIG_ORDERS', async () => {
      const found = await values(server, 'BIG_ORDERS');
      return found.length === 3 ? found : undefined;
    });
    const consumed = await run(
      kafkaPython.python,
      ['-', url, JSON.stringify(written.map((b) => b.toString('base64')))],
      { input: CONSUME, timeoutMs: 120_000 },
    );
    assert.equal(consumed.code, 0, consumed.stderr);
    const out = JSON.parse(consumed.stdout) as { schema: string; rows: Record<string, unknown>[] };
    assert.match(out.schema, /message ConnectDefault1 \{/);
    assert.deepEqual(out.rows, [
      {
        ID: '1',
        CUSTOMER: 'c1',
        AMOUNT: 25.5,
        STATUS: 'PAID',
        FIRST_QTY: '1',
        PLACED: '2023-11-14T22:13:20.001Z',
      },
      {
        ID: '3',
        CUSTOMER: 'c3',
        AMOUNT: 99.25,
        STATUS: 'PAID',
        FIRST_QTY: '3',
        PLACED: '2023-11-14T22:13:20.003Z',
      },
      // No lines and no time: FIRST_QTY and PLACED are null, left out of the message.
      { ID: '9', CUSTOMER: 'c9', AMOUNT: 50.5, STATUS: 'PAID' },
    ]);

    const problems = await eventually('three processing log entries', async () => {
      const found = await server.records('default_ksql_processing_log');
      return found.length >= 3 ? found.map((r) => r.value ?? '').join('\n') : undefined;
    });
    assert.match(problems, /Unknown magic byte! Expected 0/);
    assert.match(problems, /schema id 4242 is not in the Schema Registry/);
    assert.match(
      problems,
      new RegExp(
        `Invalid message indexes: \\[4\\] name no message of schema id ${id} \\(subject 'orders-value', version 1\\)`,
      ),
    );
    const queries = (await server.ksql('SHOW QUERIES;')) as { queries: { state: string }[] }[];
    assert.equal(queries[0].queries[0].state, 'RUNNING');
    await server.kill();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
