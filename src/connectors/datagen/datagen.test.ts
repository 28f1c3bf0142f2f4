import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ConnectValue,
  type OffsetStorageReader,
  type Schema,
  type SourceOffset,
  type SourceRecord,
  Struct,
} from '../../connect/api/index.js';
import { stripJsonComments } from './avro-json.js';
import { compileAvroSchema } from './compile-avro.js';
import { DatagenConnector } from './datagen-connector.js';
import { DatagenTask } from './datagen-task.js';
import { plugins } from './index.js';
import { QUICKSTART_NAMES } from './quickstarts.js';
import { SeededRandom } from './seeded-random.js';

function offsetsOf(stored: SourceOffset | null): OffsetStorageReader {
  return { offset: async () => stored, offsets: async (ps) => new Map(ps.map((p) => [p, stored])) };
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function startTask(props: Record<string, string>, stored: SourceOffset | null = null) {
  const waits: number[] = [];
  const task = new DatagenTask({
    sleep: async (ms) => {
      waits.push(ms);
    },
    jitter: () => 0.5,
  });
  task.initialize({ configs: props, offsetStorageReader: offsetsOf(stored), logger: quiet });
  await task.start(props);
  return { task, waits };
}

async function generate(props: Record<string, string>, n: number, stored: SourceOffset | null = null) {
  const { task } = await startTask({ 'max.interval': '0', ...props }, stored);
  const out: SourceRecord[] = [];
  while (out.length < n) out.push(...((await task.poll()) ?? []));
  return out.slice(0, n);
}

/** Checks a value against its Connect schema, all the way down. */
function assertFits(schema: Schema, value: ConnectValue, path = 'value'): void {
  if (value === null) {
    assert.ok(schema.optional, `${path} is null but required`);
    return;
  }
  switch (schema.type) {
    case 'STRUCT':
      assert.ok(value instanceof Struct, path);
      value.validate();
      for (const f of schema.fields ?? []) assertFits(f.schema, value.get(f.name), `${path}.${f.name}`);
      return;
    case 'STRING': {
      assert.equal(typeof value, 'string', path);
      return;
    }
    case 'INT32':
      if (schema.name !== undefined) {
        assert.ok(value instanceof Date, path);
        return;
      }
      assert.ok(Number.isInteger(value) && Math.abs(value as number) < 2 ** 31, path);
      return;
    case 'INT64':
      if (schema.name !== undefined) {
        assert.ok(value instanceof Date, path);
        return;
      }
      assert.ok(typeof value === 'bigint' || Number.isSafeInteger(value), path);
      return;
    case 'FLOAT32':
    case 'FLOAT64': {
      assert.equal(typeof value, 'number', path);
      return;
    }
    case 'BOOLEAN': {
      assert.equal(typeof value, 'boolean', path);
      return;
    }
    case 'ARRAY':
      assert.ok(Array.isArray(value), path);
      for (const v of value as ConnectValue[]) assertFits(schema.valueSchema as Schema, v, `${path}[]`);
      return;
    case 'MAP':
      assert.ok(value instanceof Map, path);
      for (const v of (value as Map<ConnectValue, ConnectValue>).values())
        assertFits(schema.valueSchema as Schema, v, `${path}{}`);
      return;
    default:
      assert.ok(value instanceof Uint8Array, path);
  }
}

const get = (r: SourceRecord, name: string) => (r.value as Struct).get(name);

test('every quickstart produces records that fit their schema, keyed by its key field', async () => {
  for (const quickstart of QUICKSTART_NAMES) {
    const records = await generate({ 'kafka.topic': 't', quickstart, 'random.seed': '3' }, 50);
    for (const r of records) {
      assert.ok(r.valueSchema !== null);
      assertFits(r.valueSchema, r.value, quickstart);
      assert.ok(r.key !== null, `${quickstart} has a key`);
      assert.ok(r.keySchema !== null);
      assertFits(r.keySchema, r.key, `${quickstart} key`);
    }
  }
});

test('orders follow their ranges, iteration and regexes', async () => {
  const records = await generate({ 'kafka.topic': 'orders', quickstart: 'ORDERS' }, 300);
  assert.equal(records[0].valueSchema?.name, 'ksql.orders');
  records.forEach((r, i) => {
    assert.equal(r.key, i);
    assert.equal(get(r, 'orderid'), i);
    const time = get(r, 'ordertime') as number;
    assert.ok(time >= 1487715775521 && time < 1519273364600);
    const units = get(r, 'orderunits') as number;
    assert.ok(units >= 0.1 && units < 10);
    assert.match(
      get(r, 'itemid') as string,
      /^Item_[1-9][0-9]{2}$/,
      'Generex-like regexes grow to full length',
    );
    const address = get(r, 'address') as Struct;
    assert.match(address.get('city') as string, /^City_[1-9]{2}$/);
    const zip = address.get('zipcode') as number;
    assert.ok(zip >= 10000 && zip < 99999);
  });
});

test('stock trades, users and pageviews use their options, regexes and stepped iterations', async () => {
  const trades = await generate({ 'kafka.topic': 'stock-trades', quickstart: 'Stock_Trades' }, 300);
  assert.deepEqual(new Set(trades.map((r) => get(r, 'side'))), new Set(['BUY', 'SELL']));
  for (const r of trades) assert.equal(r.key, get(r, 'symbol'));
  const users = await generate({ 'kafka.topic': 'users', quickstart: 'users' }, 100);
  for (const r of users) assert.match(get(r, 'userid') as string, /^User_[1-9]$/);
  const views = await generate({ 'kafka.topic': 'pageviews', quickstart: 'pageviews' }, 3);
  assert.deepEqual(
    views.map((r) => r.key),
    [1, 11, 21],
  );
});

test('the clickstream demo quickstarts give string status codes and a code table of six rows', async () => {
  const clicks = await generate({ 'kafka.topic': 'clickstream', quickstart: 'clickstream' }, 200);
  for (const r of clicks) assert.match(get(r, 'status') as string, /^(200|302|404|405|406|407)$/);
  assert.deepEqual(
    clicks.slice(0, 2).map((r) => [get(r, 'time'), get(r, '_time')]),
    [
      ['1', 1],
      ['11', 11],
    ],
  );
  const codes = await generate({ 'kafka.topic': 'clickstream_codes', quickstart: 'clickstream_codes' }, 200);
  assert.equal(new Set(codes.map((r) => r.key)).size, 6);
  for (const r of codes) assert.equal(r.key, get(r, 'code'));
});

test('the same random.seed gives the same records', async () => {
  const props = { 'kafka.topic': 't', quickstart: 'users', 'random.seed': '42' };
  const a = (await generate(props, 20)).map((r) =>
    JSON.stringify([r.key, get(r, 'gender'), get(r, 'registertime')]),
  );
  const b = (await generate(props, 20)).map((r) =>
    JSON.stringify([r.key, get(r, 'gender'), get(r, 'registertime')]),
  );
  assert.deepEqual(a, b);
});

test('a restarted task continues from its stored offset: counters, iterations and the random sequence', async () => {
  const props = { 'kafka.topic': 'orders', quickstart: 'orders', 'random.seed': '9' };
  const first = await generate(props, 10);
  const resumed = await generate(props, 5, first[4].sourceOffset);
  assert.deepEqual(
    resumed.map((r) => [r.key, get(r, 'itemid')]),
    first.slice(5, 10).map((r) => [r.key, get(r, 'itemid')]),
  );
  assert.deepEqual(first[4].sourcePartition, { 'task.id': 0 });
  assert.deepEqual(
    first[4].headers.map((h) => [h.key, h.value]),
    [
      ['task.generation', 0],
      ['task.id', 0],
      ['current.iteration', 4],
    ],
  );
  assert.equal(first[4].sourceOffset['current.iteration'], 5);
});

test('iterations ends the stream by failing the task, as upstream', async () => {
  const { task } = await startTask({
    'kafka.topic': 't',
    quickstart: 'users',
    iterations: '2',
    'max.interval': '0',
  });
  assert.equal((await task.poll())?.length, 2);
  await assert.rejects(task.poll(), /Stopping connector: generated the configured 2 number of messages/);
});

test('max.interval waits a random part of the interval before each record', async () => {
  const { task, waits } = await startTask({
    'kafka.topic': 't',
    quickstart: 'users',
    'max.interval': '1000',
  });
  assert.equal((await task.poll())?.length, 1);
  assert.equal((await task.poll())?.length, 1);
  assert.deepEqual(waits, [500, 500]);
});

test('schema.string takes an Avro schema with comments, arg.properties and a key field', async () => {
  const schema = `{
    // a comment, as Avro's Java parser allows
    "type": "record", "name": "thing", "namespace": "my",
    "fields": [
      {"name": "id", "type": {"type": "long", "arg.properties": {"iteration": {"start": 10, "step": 5, "restart": 25}}}},
      {"name": "flag", "type": {"type": "boolean", "arg.properties": {"odds": 1}}},
      {"name": "tag", "type": {"type": "string", "arg.properties": {"regex": "[a-z]{3}", "prefix": "<", "suffix": ">"}}},
      {"name": "note", "type": ["null", "string"]},
      {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
      {"name": "again", "type": "Kind"},
      {"name": "day", "type": {"type": "int", "logicalType": "date", "arg.properties": {"range": {"min": 0, "max": 10}}}},
      {"name": "sizes", "type": {"type": "array", "items": "int", "arg.properties": {"length": 2}}}
    ]
  }`;
  const records = await generate({ 'kafka.topic': 't', 'schema.string': schema, 'schema.keyfield': 'id' }, 4);
  assert.equal(records[0].valueSchema?.name, 'my.thing');
  assert.deepEqual(
    records.map((r) => r.key),
    [10, 15, 20, 10],
  );
  for (const r of records) {
    assert.equal(get(r, 'flag'), true);
    assert.match(get(r, 'tag') as string, /^<[a-z]{3}>$/);
    assert.ok(['A', 'B'].includes(get(r, 'again') as string));
    assert.ok(get(r, 'day') instanceof Date);
    assert.equal((get(r, 'sizes') as number[]).length, 2);
    assertFits(r.valueSchema as Schema, r.value);
  }
  assert.equal(records[0].valueSchema?.fields?.find((f) => f.name === 'note')?.schema.optional, true);
});

test('config problems are reported at validate against the offending keys', () => {
  const errors = (props: Record<string, string>) =>
    Object.fromEntries(
      new DatagenConnector()
        .validate(props)
        .filter((v) => v.errors.length > 0)
        .map((v) => [v.name, v.errors.join(' ')]),
    );
  assert.deepEqual(errors({ 'kafka.topic': 't', quickstart: 'pageviews' }), {});
  assert.match(
    errors({ quickstart: 'orders' })['kafka.topic'],
    /Missing required configuration "kafka.topic"/,
  );
  assert.match(
    errors({ 'kafka.topic': 't', quickstart: 'nope' }).quickstart,
    /quickstart must be one out of orders, users/,
  );
  const both = errors({ 'kafka.topic': 't', quickstart: 'users', 'schema.string': '{}' });
  assert.match(both.quickstart, /Must set exactly one of schema.string, schema.filename, quickstart/);
  assert.match(both['schema.string'], /Must set exactly one of/);
  assert.match(
    errors({ 'kafka.topic': 't', 'schema.string': '{nope' })['schema.string'],
    /Unable to parse the provided schema/,
  );
  assert.match(
    errors({ 'kafka.topic': 't', 'schema.filename': '/no/such.avsc' })['schema.filename'],
    /Unable to parse/,
  );
  assert.match(
    errors({ 'kafka.topic': 't', quickstart: 'users', 'schema.keyfield': 'nope' })['schema.keyfield'],
    /does not contain the field provided in 'schema.keyfield'/,
  );
  assert.deepEqual(
    errors({ 'kafka.topic': 't', 'schema.filename': 'users_schema.avro', 'schema.keyfield': 'userid' }),
    {},
    'upstream resource names resolve to the built-in schemas',
  );
});

test('arg.properties combinations upstream rejects are rejected', () => {
  const bad =
    (args: object, type = 'int') =>
    () =>
      compileAvroSchema({ type, 'arg.properties': args as never }, new SeededRandom(1));
  assert.throws(
    bad({ options: [1], range: { min: 1 } }),
    /Cannot specify range prop when options prop is given/,
  );
  assert.throws(
    bad({ iteration: { start: 1 }, range: { min: 1 } }),
    /Cannot specify range prop when iteration prop is given/,
  );
  assert.throws(bad({ options: [] }), /non-empty/);
  assert.throws(bad({ range: { min: 5, max: 5 } }), /range.min must be less than range.max/);
  assert.throws(bad({ iteration: { start: 3, restart: 3 } }), /must differ/);
  assert.throws(bad({ iteration: { start: 3, step: 0 } }), /step must not be 0/);
});

test('a schema text keeps comment-like text inside strings', () => {
  assert.equal(stripJsonComments('{"a": "http://x" // c\n}'), '{"a": "http://x" \n}');
});

test('the plugin list registers the upstream class name and tasks get their ids', () => {
  assert.equal(plugins[0].className, 'io.confluent.kafka.connect.datagen.DatagenConnector');
  const connector = new DatagenConnector();
  connector.start({ 'kafka.topic': 't', quickstart: 'users' });
  assert.deepEqual(
    connector.taskConfigs(2).map((c) => c['task.id']),
    ['0', '1'],
  );
});
