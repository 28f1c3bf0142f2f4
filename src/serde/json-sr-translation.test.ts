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
  refused({ r: { $ref: '#/definitions/x' } }, /Field 'r'.*\$ref "#\/definitions\/x" points at nothing/);
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

test('$refs are followed within the schema and into referenced subjects, as JsonSchemaData follows them', () => {
  const schema = JSON.stringify({
    type: 'object',
    definitions: { Address: { type: 'object', properties: { city: { type: 'string' } } } },
    $defs: { 'a/b': { type: 'integer', 'connect.type': 'int32' } },
    properties: {
      home: { $ref: '#/definitions/Address' },
      work: { oneOf: [{ type: 'null' }, { $ref: '#/definitions/Address' }] },
      slashed: { $ref: '#/$defs/a~1b' },
      tags: { type: 'array', items: { $ref: 'tag.json' } },
      owner: { $ref: 'people.json#/definitions/Person' },
    },
  });
  const references = [
    { name: 'tag.json', schema: JSON.stringify({ type: 'string' }) },
    {
      name: 'people.json',
      schema: JSON.stringify({
        definitions: {
          // A pointer in a referenced schema is read in that schema.
          Person: { type: 'object', properties: { name: { $ref: '#/definitions/Name' } } },
          Name: { type: 'string' },
        },
      }),
    },
  ];
  assert.deepEqual(
    columnsFromJsonSchema(schema, wrapped, references).columns.map((c) => `${c.name} ${formatType(c.type)}`),
    [
      'HOME STRUCT<`CITY` STRING>',
      'WORK STRUCT<`CITY` STRING>',
      'SLASHED INTEGER',
      'TAGS ARRAY<STRING>',
      'OWNER STRUCT<`NAME` STRING>',
    ],
  );
  const refused = (properties: Record<string, unknown>, message: RegExp) =>
    assert.throws(
      () =>
        columnsFromJsonSchema(
          JSON.stringify({
            type: 'object',
            definitions: { Node: { type: 'object', properties: { next: { $ref: '#/definitions/Node' } } } },
            properties,
          }),
          wrapped,
          references,
        ),
      (err: unknown) => err instanceof FormatSchemaError && message.test(err.message),
    );
  refused({ list: { $ref: '#/definitions/Node' } }, /Field 'list.next'.*refers to itself/);
  refused(
    { x: { $ref: 'other.json' } },
    /Field 'x'.*other\.json, which is not one of the schema's references/,
  );
  refused({ y: { $ref: 'definitions/Node' } }, /Field 'y'.*definitions\/Node, which is not one of/);
});
