// confluent-kafka's SchemaRegistryClient with its Avro and Protobuf serializers (PyPI, installed by
// scripts/test-peers/install.sh) against `sluice server`'s own Schema Registry: the Protobuf
// serializer registers a base64 FileDescriptorProto, and its deserializer asks for the writer's
// schema with ?format=serialized.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { kafkaPython, run } from './kafka-peers.fixture.js';
import { killAll, startSluice } from './sluice-server.fixture.js';

afterEach(killAll);

const missing =
  existsSync(kafkaPython.python) &&
  spawnSync(
    kafkaPython.python,
    ['-c', 'import confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.protobuf'],
    { stdio: 'ignore' },
  ).status === 0
    ? undefined
    : "confluent-kafka's schema registry extras are not installed: run scripts/test-peers/install.sh";

const SCRIPT = `
import json, sys
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

client = SchemaRegistryClient({'url': sys.argv[1]})
out = {}

user = json.dumps({'type': 'record', 'name': 'User', 'namespace': 'py', 'fields': [
    {'name': 'id', 'type': 'long'}, {'name': 'name', 'type': 'string'}]})
ctx = SerializationContext('py-avro', MessageField.VALUE)
data = AvroSerializer(client, user)({'id': 7, 'name': 'ada'}, ctx)
out['avro_header'] = list(data[:5])
out['avro_back'] = AvroDeserializer(client)(data, ctx)
out['avro_latest_id'] = client.get_latest_version('py-avro-value').schema_id

F = descriptor_pb2.FieldDescriptorProto
file = descriptor_pb2.FileDescriptorProto(name='py_ping.proto', package='py', syntax='proto3')
ping = file.message_type.add(name='Ping')
ping.field.add(name='text', number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
ping.field.add(name='n', number=2, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
pool = descriptor_pool.DescriptorPool()
pool.AddSerializedFile(file.SerializeToString())
Ping = message_factory.GetMessageClass(pool.FindMessageTypeByName('py.Ping'))
pctx = SerializationContext('py-proto', MessageField.VALUE)
pdata = ProtobufSerializer(Ping, client, {'use.deprecated.format': False})(Ping(text='hi', n=3), pctx)
out['proto_header'] = list(pdata[:6])
back = ProtobufDeserializer(Ping, {'use.deprecated.format': False}, client)(pdata, pctx)
out['proto_back'] = {'text': back.text, 'n': back.n}
out['proto_latest'] = client.get_latest_version('py-proto-value').schema.schema_str
print(json.dumps(out))
`;

test("confluent-kafka's SchemaRegistryClient, AvroSerializer and ProtobufSerializer work against Sluice's registry", {
  skip: missing,
}, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-registry-python-'));
  try {
    const server = await startSluice(dataDir);
    const url = server.schemaRegistryUrl ?? assert.fail(`no Schema Registry line in:\n${server.output()}`);
    const result = await run(kafkaPython.python, ['-', url], { input: SCRIPT, timeoutMs: 120_000 });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual(out.avro_header, [0, 0, 0, 0, 1]);
    assert.deepEqual(out.avro_back, { id: 7, name: 'ada' });
    assert.equal(out.avro_latest_id, 1);
    // Magic byte, id 2, then the message-index array [0] (the first message) as one 0 byte.
    assert.deepEqual(out.proto_header, [0, 0, 0, 0, 2, 0]);
    assert.deepEqual(out.proto_back, { text: 'hi', n: 3 });
    // The descriptor it registered is kept as .proto text.
    assert.equal(
      out.proto_latest,
      'syntax = "proto3";\npackage py;\n\nmessage Ping {\n  string text = 1;\n  int32 n = 2;\n}\n',
    );
    await server.kill();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
