import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConfigException,
  DataException,
  dateSchema,
  LOGICAL,
  Schemas,
  Struct,
  structSchema,
  timestampSchema,
} from '../api/index.js';
import { SimpleDateFormat } from './simple-date-format.js';
import { record, transform } from './test-records.fixture.js';

const at = Date.UTC(2017, 0, 15, 9, 5, 7, 89);

test('SimpleDateFormat formats in UTC with Java pattern letters and quoted text', () => {
  assert.equal(new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZ").format(at), '2017-01-15T09:05:07.089+0000');
  assert.equal(new SimpleDateFormat('EEE, d MMM yyyy hh:mm a').format(at), 'Sun, 15 Jan 2017 09:05 AM');
  assert.equal(new SimpleDateFormat("yyyyMMdd''X").format(at), "20170115'Z");
});

test('SimpleDateFormat parses leniently, with zones and fixed-width adjacent fields', () => {
  assert.equal(
    new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").parse('2017-01-15T10:05:07.089+01:00'),
    at,
  );
  assert.equal(new SimpleDateFormat('yyyyMMddHHmmss').parse('20170115090507'), at - 89);
  assert.equal(new SimpleDateFormat('yyyy-MM-dd').parse('2017-13-01'), Date.UTC(2018, 0, 1));
  assert.throws(
    () => new SimpleDateFormat('yyyy-MM-dd').parse('Jan 1'),
    /does not match pattern \(yyyy-MM-dd\)/,
  );
  assert.throws(() => new SimpleDateFormat('yyyy-qq'), /Illegal pattern character 'q'/);
});

test('TimestampConverter turns a whole unix value into a formatted string', () => {
  const t = transform('TimestampConverter$Value', {
    'target.type': 'string',
    format: 'yyyy-MM-dd HH:mm:ss.SSS',
  });
  const out = t.apply(record({ valueSchema: Schemas.INT64, value: at }));
  assert.deepEqual([out?.valueSchema, out?.value], [Schemas.STRING, '2017-01-15 09:05:07.089']);
});

test('TimestampConverter converts one struct field to a Connect Date, keeping the others', () => {
  const schema = structSchema([
    { name: 'id', schema: Schemas.INT32 },
    { name: 'created', schema: timestampSchema() },
  ]);
  const value = new Struct(schema).put('id', 1).put('created', new Date(at));
  const out = transform('TimestampConverter$Value', { field: 'created', 'target.type': 'Date' }).apply(
    record({ valueSchema: schema, value }),
  );
  assert.equal(out?.valueSchema?.fields?.[1].schema.name, LOGICAL.date);
  assert.ok(out?.value instanceof Struct);
  assert.deepEqual(out.value.get('created'), new Date(Date.UTC(2017, 0, 15)));
  assert.equal(out.value.get('id'), 1);
});

test('TimestampConverter reads strings and writes unix time at the configured precision', () => {
  const t = transform('TimestampConverter$Value', {
    field: 'ts',
    'target.type': 'unix',
    format: 'yyyy-MM-dd',
    'unix.precision': 'microseconds',
  });
  assert.deepEqual(t.apply(record({ value: { ts: '2017-01-15' } }))?.value, {
    ts: Date.UTC(2017, 0, 15) * 1000,
  });
  const seconds = transform('TimestampConverter$Value', {
    'target.type': 'Timestamp',
    'unix.precision': 'seconds',
  });
  assert.deepEqual(seconds.apply(record({ value: 1_484_471_107 }))?.value, new Date(1_484_471_107_000));
  const toDate = transform('TimestampConverter$Value', { 'target.type': 'Time' });
  assert.deepEqual(
    toDate.apply(record({ valueSchema: dateSchema(), value: new Date(Date.UTC(2017, 0, 15)) }))?.value,
    new Date(0),
  );
});

test('TimestampConverter needs a format for strings and reports what it cannot convert', () => {
  assert.throws(
    () => transform('TimestampConverter$Value', { 'target.type': 'string' }),
    (err: Error) =>
      err instanceof ConfigException &&
      /requires format option to be specified when using string timestamps/.test(err.message),
  );
  assert.throws(
    () => transform('TimestampConverter$Value', { 'target.type': 'date' }),
    /target\.type.*String must be one of: string, unix, Date, Time, Timestamp/,
  );
  assert.throws(
    () => transform('TimestampConverter$Value', { 'target.type': 'unix' }).apply(record({ value: true })),
    (err: Error) =>
      err instanceof DataException && /does not support boolean objects as timestamps/.test(err.message),
  );
});

test('TimestampRouter names the topic from the record timestamp, and needs one', () => {
  const t = transform('TimestampRouter', {});
  assert.equal(t.apply(record({ timestamp: at }))?.topic, 'orders-20170115');
  const custom = transform('TimestampRouter', {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka's placeholder syntax
    'topic.format': 'x_${timestamp}_${topic}',
    'timestamp.format': 'yyyy-MM',
  });
  assert.equal(custom.apply(record({ timestamp: at }))?.topic, 'x_2017-01_orders');
  assert.throws(() => t.apply(record({ timestamp: null })), /Timestamp missing on record/);
});
