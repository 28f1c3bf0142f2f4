import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { builtinConnectors } from '../../connectors/index.js';
import type { Converter, SourceConnector, SourceRecord } from '../api/index.js';
import { valuesEqual } from './connect-values.js';
import { converterByClass } from './index.js';
import { startTestRegistry, type TestRegistry } from './test-registry.fixture.js';

// Every Datagen quickstart's records (typed Connect schemas from its Avro schema) through the
// registry converters and back: what the built-in connectors emit is what the converters take.

let registry: TestRegistry;
before(async () => {
  registry = await startTestRegistry();
});
after(() => registry.close());

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function quickstartRecords(quickstart: string, suffix: string): Promise<SourceRecord[]> {
  const plugin = builtinConnectors.find(
    (p) => p.className === 'io.confluent.kafka.connect.datagen.DatagenConnector',
  );
  const connector = (plugin ?? assert.fail('Datagen is built in')).create() as SourceConnector;
  const props = {
    'kafka.topic': `qs-${quickstart}-${suffix}`,
    quickstart,
    'max.interval': '0',
    iterations: '5',
  };
  const task = connector.createTask();
  task.initialize({
    configs: props,
    offsetStorageReader: {
      offset: async () => null,
      offsets: async (ps) => new Map(ps.map((p) => [p, null])),
    },
    logger: quiet,
  });
  await task.start(props);
  const out: SourceRecord[] = [];
  while (out.length < 5) out.push(...((await task.poll()) ?? []));
  await task.stop();
  return out;
}

function quickstarts(): string[] {
  const plugin = builtinConnectors.find(
    (p) => p.className === 'io.confluent.kafka.connect.datagen.DatagenConnector',
  );
  const connector = (plugin ?? assert.fail('Datagen is built in')).create() as SourceConnector;
  return [...(connector.config().key('quickstart')?.recommendedValues ?? [])];
}

function converter(className: string, isKey: boolean): Converter {
  const c = converterByClass(className);
  c.configure({ 'schema.registry.url': registry.url }, isKey);
  return c;
}

for (const className of [
  'io.confluent.connect.avro.AvroConverter',
  'io.confluent.connect.json.JsonSchemaConverter',
  'io.confluent.connect.protobuf.ProtobufConverter',
]) {
  test(`every Datagen quickstart round-trips through ${className.split('.').at(-1)}`, async () => {
    const names = quickstarts();
    assert.ok(names.length > 5, names.join(', '));
    for (const name of names) {
      const records = await quickstartRecords(name, className.split('.').at(-1) ?? '');
      const keys = converter(className, true);
      const values = converter(className, false);
      for (const r of records) {
        await keys.prepareFromConnectData?.(r.topic, r.keySchema);
        await values.prepareFromConnectData?.(r.topic, r.valueSchema);
        const key = keys.fromConnectData(r.topic, r.keySchema, r.key);
        const value = values.fromConnectData(r.topic, r.valueSchema, r.value);
        const reader = converter(className, false);
        await reader.prepareToConnectData?.(r.topic, value);
        const back = reader.toConnectData(r.topic, value);
        // Protobuf reads a null scalar back as its zero: only the schema's shape is compared there.
        if (className.endsWith('ProtobufConverter'))
          assert.equal(back.schema?.type, r.valueSchema?.type, name);
        else assert.ok(valuesEqual(back.value, r.value), `${name}: the value read back differs`);
        assert.ok(key === null || key[0] === 0, `${name}: the key is in the wire format`);
      }
    }
  });
}
