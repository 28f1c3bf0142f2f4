import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectValue, Struct } from '../../connect/api/index.js';
import { OID } from '../postgres/column-types.js';
import type { ValueModes } from './config.js';
import {
  debeziumConverter,
  debeziumSchema,
  fallbackValue,
  type PgType,
  unavailableValue,
} from './value-converters.js';

const DEFAULTS: ValueModes = { decimal: 'precise', time: 'adaptive', interval: 'numeric', binary: 'bytes' };

function convert(
  type: Partial<PgType> & { oid: number },
  text: string,
  modes: Partial<ValueModes> = {},
): ConnectValue {
  const t: PgType = { name: '', typmod: -1, ...type };
  const m = { ...DEFAULTS, ...modes };
  return debeziumConverter(t, debeziumSchema(t, true, m), m)(text);
}

test('dates and timestamps: BC years, infinity, and zones converted to UTC', () => {
  assert.equal(convert({ oid: OID.date }, '1970-01-02'), 1);
  assert.equal(convert({ oid: OID.date }, '0001-01-01 BC'), -719528);
  assert.equal(convert({ oid: OID.date }, 'infinity'), 2147483647);
  assert.equal(convert({ oid: OID.timestamp }, '1969-12-31 23:59:59.999999'), -1);
  assert.equal(convert({ oid: OID.timestamp, typmod: 3 }, '1970-01-01 00:00:01.5'), 1500);
  assert.equal(convert({ oid: OID.timestamp }, 'infinity'), 9223372036825200000n);
  // As Debezium 3 prints them: as many fraction digits as the column's precision (6 unless given).
  assert.equal(convert({ oid: OID.timestamptz }, '2024-01-01 00:30:00+01'), '2023-12-31T23:30:00.000000Z');
  assert.equal(
    convert({ oid: OID.timestamptz }, '2024-01-01 00:00:00.120000+00'),
    '2024-01-01T00:00:00.120000Z',
  );
  assert.equal(
    convert({ oid: OID.timestamptz, typmod: 3 }, '2024-01-01 00:00:00.12+00'),
    '2024-01-01T00:00:00.120Z',
  );
  assert.equal(
    convert({ oid: OID.timestamptz, typmod: 0 }, '2024-01-01 00:00:01+00'),
    '2024-01-01T00:00:01Z',
  );
  assert.equal(convert({ oid: OID.timetz }, '01:00:00.25-03:30'), '04:30:00.25Z');
  assert.equal(convert({ oid: OID.timetz }, '01:00:00+02'), '23:00:00Z');
  assert.equal(convert({ oid: OID.time }, '24:00:00'), 86_400_000_000);
});

test('time.precision.mode=connect gives Kafka Connect temporal types; timestamptz stays ZonedTimestamp', () => {
  const type: PgType = { oid: OID.timestamp, name: 'timestamp', typmod: -1 };
  const modes = { ...DEFAULTS, time: 'connect' as const };
  assert.equal(debeziumSchema(type, true, modes).name, 'org.apache.kafka.connect.data.Timestamp');
  assert.deepEqual(convert(type, '1970-01-01 00:00:01', { time: 'connect' }), new Date(1000));
  assert.equal(
    debeziumSchema({ oid: OID.timestamptz, name: 'timestamptz', typmod: -1 }, true, modes).name,
    'io.debezium.time.ZonedTimestamp',
  );
});

test('intervals as MicroDuration (365.25/12-day months) or ISO 8601 strings', () => {
  assert.equal(convert({ oid: OID.interval }, 'PT-1H-30M'), -5_400_000_000);
  assert.equal(convert({ oid: OID.interval }, 'P1M'), 30.4375 * 86_400_000_000);
  assert.equal(convert({ oid: OID.interval }, 'P1Y2M', { interval: 'string' }), 'P1Y2M');
});

test('money, bits, hstore, point and bytea handling modes', () => {
  assert.deepEqual(convert({ oid: OID.money }, '-$1,234.50'), { unscaled: -123450n, scale: 2 });
  assert.equal(convert({ oid: OID.money }, '$3.00', { decimal: 'double' }), 3);
  assert.deepEqual([...(convert({ oid: OID.varbit }, '100000001') as Uint8Array)], [1, 1]);
  assert.equal(convert({ oid: 99999, name: 'hstore' }, '"a"=>"1", "b\\"c"=>NULL'), '{"a":"1","b\\"c":null}');
  const point = convert({ oid: 600, name: 'point' }, '(1.5,-2)') as Struct;
  assert.deepEqual([point.get('x'), point.get('y'), (point.get('wkb') as Uint8Array).length], [1.5, -2, 21]);
  assert.equal(convert({ oid: OID.bytea }, '\\xcafe', { binary: 'hex' }), 'cafe');
  assert.equal(convert({ oid: OID.bytea }, '\\xcafe', { binary: 'base64' }), 'yv4=');
});

test('NaN numerics: null in precise mode, NaN as a double', () => {
  assert.equal(convert({ oid: OID.numeric, typmod: (10 << 16) + 2 + 4 }, 'NaN'), null);
  assert.equal(convert({ oid: OID.numeric }, 'NaN'), null);
  assert.ok(Number.isNaN(convert({ oid: OID.numeric }, 'NaN', { decimal: 'double' })));
});

test('values PostgreSQL did not send: zero values for NOT NULL columns, the placeholder for TOAST', () => {
  const text = debeziumSchema({ oid: OID.text, name: 'text', typmod: -1 }, false, DEFAULTS);
  const int = debeziumSchema({ oid: OID.int4, name: 'int4', typmod: -1 }, false, DEFAULTS);
  const optional = debeziumSchema({ oid: OID.int4, name: 'int4', typmod: -1 }, true, DEFAULTS);
  assert.equal(fallbackValue(text), '');
  assert.equal(fallbackValue(int), 0);
  assert.equal(fallbackValue(optional), null);
  assert.equal(unavailableValue(text), '__debezium_unavailable_value');
  assert.equal(unavailableValue(optional), null);
});

test("varbit's Bits schema: its length, or Java's Integer.MAX_VALUE without one, as Debezium gives it", () => {
  const m = DEFAULTS;
  const varbit = (typmod: number) =>
    debeziumSchema({ oid: OID.varbit, name: 'varbit', typmod }, true, m).parameters?.length;
  assert.equal(varbit(-1), '2147483647');
  assert.equal(varbit(12), '12');
});
