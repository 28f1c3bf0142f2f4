import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { LOGICAL } from '../../connect/api/index.js';
import { columnSchema, columnValue } from './column-types.js';
import { clientConfig, parseConnectionUrl } from './connection.js';
import { startTestPostgres, type TestPostgres } from './test-postgres.fixture.js';

let db: TestPostgres;
before(async () => {
  db = await startTestPostgres();
});
after(async () => {
  await db.close();
});

async function selectRow(sql: string) {
  const c = new pg.Client(clientConfig(parseConnectionUrl(db.url), 'column-types-test'));
  await c.connect();
  try {
    const r = await c.query(sql);
    return r.fields.map((f) => {
      const type = { oid: f.dataTypeID, typmod: f.dataTypeModifier };
      const schema = columnSchema(type, true, 'precise');
      return { name: f.name, schema, value: columnValue(r.rows[0][f.name], type, schema) };
    });
  } finally {
    await c.end();
  }
}

test('each PostgreSQL type reads as its Connect schema and value, exactly', async () => {
  const cols = await selectRow(`select
      true as b, 32767::int2 as s, 2147483647::int4 as i, 9223372036854775807::int8 as l,
      1.5::float4 as f, 0.1::float8 as d, 12345678901234567890.125::numeric(23,3) as n,
      (-0.5)::numeric(5,2) as neg, 7.25::numeric as free, 'héllo'::text as t, 'ab'::char(3) as c,
      '\\x00ff10'::bytea as bin, '2024-02-29'::date as day, '13:14:15.678912'::time as tm,
      '2024-02-29 23:59:59.123456'::timestamp as ts, '2024-02-29 23:59:59.5+05:30'::timestamptz as tz,
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid as u, '{"a": [1, 2]}'::jsonb as j,
      array[1, null, 3]::int4[] as arr, array['x,y', 'z"']::text[] as texts, null::int4 as nothing`);
  const byName = new Map(cols.map((c) => [c.name, c]));
  const v = (name: string) => byName.get(name)?.value;
  const s = (name: string) => byName.get(name)?.schema;
  assert.equal(v('b'), true);
  assert.equal(v('s'), 32767);
  assert.equal(s('s')?.type, 'INT16');
  assert.equal(v('i'), 2147483647);
  assert.equal(v('l'), 9223372036854775807n);
  assert.equal(v('f'), 1.5);
  assert.equal(s('f')?.type, 'FLOAT32');
  assert.equal(v('d'), 0.1);
  assert.deepEqual(v('n'), { unscaled: 12345678901234567890125n, scale: 3 });
  assert.equal(s('n')?.name, LOGICAL.decimal);
  assert.deepEqual(s('n')?.parameters, { scale: '3', 'connect.decimal.precision': '23' });
  assert.deepEqual(v('neg'), { unscaled: -50n, scale: 2 });
  assert.equal(v('free'), '7.25', 'unconstrained NUMERIC has no fixed scale: its exact text');
  assert.equal(v('t'), 'héllo');
  assert.equal(v('c'), 'ab ');
  assert.deepEqual(v('bin'), Uint8Array.from([0, 255, 16]));
  assert.deepEqual(v('day'), new Date(Date.UTC(2024, 1, 29)));
  assert.equal(s('day')?.name, LOGICAL.date);
  assert.deepEqual(v('tm'), new Date(((13 * 60 + 14) * 60 + 15) * 1000 + 678));
  assert.deepEqual(v('ts'), new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 123)));
  assert.deepEqual(v('tz'), new Date(Date.UTC(2024, 1, 29, 18, 29, 59, 500)));
  assert.equal(v('u'), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  assert.equal(v('j'), '{"a": [1, 2]}');
  assert.deepEqual(v('arr'), [1, null, 3]);
  assert.equal(s('arr')?.type, 'ARRAY');
  assert.deepEqual(v('texts'), ['x,y', 'z"']);
  assert.equal(v('nothing'), null);
});

test('numeric mappings: double and string, and NaN has no Decimal form', () => {
  const type = { oid: 1700, typmod: ((10 << 16) | 2) + 4 };
  assert.equal(columnValue('3.14', type, columnSchema(type, false, 'double')), 3.14);
  assert.equal(columnValue('3.14', type, columnSchema(type, false, 'string')), '3.14');
  assert.throws(
    () => columnValue('NaN', type, columnSchema(type, false, 'precise')),
    /NaN has no Decimal form/,
  );
  assert.equal(columnSchema(type, false, 'precise').optional, false);
});
