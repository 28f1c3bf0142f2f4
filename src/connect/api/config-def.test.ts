import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigDef, ConfigException, Validators } from './config-def.js';
import { DataException, Schemas, Struct, structSchema } from './schema.js';

const def = new ConfigDef()
  .define({
    name: 'topic',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Where records go.',
    validator: Validators.nonEmptyString(),
  })
  .define({
    name: 'batch.size',
    type: 'INT',
    defaultValue: 2000,
    importance: 'LOW',
    documentation: 'Records a poll.',
    validator: Validators.atLeast(1),
  })
  .define({
    name: 'mode',
    type: 'STRING',
    defaultValue: 'bulk',
    importance: 'HIGH',
    documentation: 'How.',
    validator: Validators.oneOf('bulk', 'incrementing'),
  })
  .define({
    name: 'password',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Secret.',
  })
  .define({ name: 'tables', type: 'LIST', defaultValue: [], importance: 'MEDIUM', documentation: 'Tables.' })
  .define({
    name: 'enabled',
    type: 'BOOLEAN',
    defaultValue: false,
    importance: 'LOW',
    documentation: 'On or off.',
  });

test('a config parses to typed values with defaults filled in', () => {
  assert.deepEqual(def.parse({ topic: 't', 'batch.size': '10', tables: 'a, b', enabled: 'TRUE' }), {
    topic: 't',
    'batch.size': 10,
    mode: 'bulk',
    password: null,
    tables: ['a', 'b'],
    enabled: true,
  });
});

test('every problem of a config is listed by key, secrets never shown', () => {
  try {
    def.parse({ 'batch.size': 'many', mode: 'sometimes', password: 'hunter2', enabled: 'yes' });
    assert.fail('expected a ConfigException');
  } catch (err) {
    assert.ok(err instanceof ConfigException);
    assert.deepEqual(
      err.problems.map((p) => p.key),
      ['topic', 'batch.size', 'mode', 'enabled'],
    );
    assert.match(err.message, /Missing required configuration "topic" which has no default value/);
    assert.match(err.message, /Invalid value many for configuration batch.size: Not a number of type INT/);
    assert.match(err.message, /String must be one of: bulk, incrementing/);
    assert.doesNotMatch(err.message, /hunter2/);
  }
  assert.equal(def.isSecret('password'), true);
});

test('a struct checks its required fields and its field names', () => {
  const schema = structSchema([
    { name: 'id', schema: Schemas.INT64 },
    { name: 'note', schema: Schemas.OPTIONAL_STRING },
  ]);
  const s = new Struct(schema).put('note', 'x');
  assert.throws(() => s.validate(), /null used for required field: "id"/);
  s.put('id', 1n);
  s.validate();
  assert.equal(s.get('id'), 1n);
  assert.throws(() => s.put('nope', 1), DataException);
});
