import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatType } from '../types/index.js';
import { columnsFromJsonSchema } from './json-sr-translation.js';
import { FormatSchemaError } from './serde-error.js';

const CONNECT = 'org.apache.kafka.connect.data.';
const wrapped = { wrapped: true, upperCase: true, single: 'ROWVAL' };

function inferred(properties: Record<string, unknown>): string[] {
  return columnsFromJsonSchema(JSON.stringify({ type: 'object', properties }), wrapped).columns.map(
    (c) => `${c.name} ${formatType(c.type)}`,
  );
}

test('JSON schema types map to SQL types as ksqlDB maps them through Connect', () => {
  assert.deepEqual(
    inferred({
      b: { type: 'integer', 'connect.type': 'int8' },
      s: { type: 'integer', 'connect.type': 'int16' },
      l: { type: ['null', 'integer'] },
      f: { type: 'number', 'connect.type': 'float32' },
      raw: { type: 'string', 'connect.type': 'bytes' },
      t: { type: 'integer', title: `${CONNECT}Time`, 'connect.type': 'int32' },
      ts: { type: 'integer', title: `${CONNECT}Timestamp`, 'connect.type': 'int64' },
      m: {
        type: 'array',
        'connect.type': 'map',
        items: { type: 'object', properties: { key: { type: 'string' }, value: { type: 'boolean' } } },
      },
      n: { anyOf: [{ type: 'null' }, { type: 'object', properties: { inner: { type: 'string' } } }] },
    }),
    [
      'B INTEGER',
      'S INTEGER',
      'L BIGINT',
      'F DOUBLE',
      'RAW BYTES',
      'T TIME',
      'TS TIMESTAMP',
      'M MAP<STRING, BOOLEAN>',
      'N STRUCT<`INNER` STRING>',
    ],
  );
});

test('properties follow connect.index when the schema has it', () => {
  assert.deepEqual(
    inferred({ b: { type: 'string', 'connect.index': 1 }, a: { type: 'string', 'connect.index': 0 } }),
    ['A STRING', 'B STRING'],
  );
});

test('a bare JSON schema is one column unless the value is wrapped', () => {
  const bare = JSON.stringify({ type: 'integer', 'connect.type': 'int32' });
  const { columns } = columnsFromJsonSchema(bare, { wrapped: false, upperCase: true, single: 'ROWKEY' });
  assert.deepEqual(
    columns.map((c) => `${c.name} ${formatType(c.type)}`),
    ['ROWKEY INTEGER'],
  );
  assert.throws(() => columnsFromJsonSchema(bare, wrapped), /WRAP_SINGLE_VALUE=false/);
});

test('unmappable fields are refused naming the field', () => {
  const refused = (properties: Record<string, unknown>, message: RegExp) =>
    assert.throws(
      () => inferred(properties),
      (err: unknown) => err instanceof FormatSchemaError && message.test(err.message),
    );
  refused({ gone: { type: 'null' } }, /Field 'gone'.*type "null"/);
  refused({ r: { $ref: '#/definitions/x' } }, /Field 'r'.*\$ref/);
  refused({ o: { type: 'object' } }, /Field 'o'.*neither "properties"/);
  refused(
    { a: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } } },
    /Field 'a\[\]'/,
  );
  refused(
    {
      d: {
        type: 'number',
        title: `${CONNECT}Decimal`,
        'connect.parameters': { scale: '2', 'connect.decimal.precision': '40' },
      },
    },
    /Field 'd'.*precision 40/,
  );
  refused(
    {
      m: {
        type: 'array',
        'connect.type': 'map',
        items: { type: 'object', properties: { key: { type: 'integer' }, value: { type: 'string' } } },
      },
    },
    /Field 'm'.*STRING keys/,
  );
});
