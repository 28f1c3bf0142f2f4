import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigDef, ConfigException, enumValue } from './config-def.js';
import { HIDDEN, Password } from './password.js';
import { isSecret, maskedConfig, secretKeys } from './secrets.js';
import { allOf, atLeast, emptyOr, oneOfIgnoringCase } from './validators.js';

const def = new ConfigDef()
  .define({ name: 'topic', type: 'STRING', importance: 'HIGH', documentation: 'Where.' })
  .define({ name: 'tasks.max', type: 'INT', defaultValue: 1, importance: 'HIGH', documentation: 'Tasks.' })
  .define({ name: 'ratio', type: 'DOUBLE', defaultValue: null, importance: 'LOW', documentation: 'Ratio.' })
  .define({ name: 'on', type: 'BOOLEAN', defaultValue: false, importance: 'LOW', documentation: 'On.' })
  .define({ name: 'items', type: 'LIST', defaultValue: [], importance: 'LOW', documentation: 'Items.' })
  .define({
    name: 'db.password',
    type: 'PASSWORD',
    defaultValue: null,
    importance: 'HIGH',
    documentation: 'Pw.',
  });

describe('ConfigDef.parse', () => {
  test('returns values typed from the declarations', () => {
    const parsed = def.parse({ topic: 't', 'tasks.max': ' 4 ', items: 'a, b', 'db.password': 'hunter2' });
    // The declarations type the result: these lines compile only if they do.
    const tasks: number = parsed['tasks.max'];
    const topic: string = parsed.topic;
    const ratio: number | null = parsed.ratio;
    const items: readonly string[] = parsed.items;
    assert.equal(tasks, 4);
    assert.equal(topic, 't');
    assert.equal(ratio, null);
    assert.deepEqual(items, ['a', 'b']);
    assert.equal(parsed.on, false);
    assert.ok(parsed['db.password'] instanceof Password);
    assert.equal(parsed['db.password']?.reveal(), 'hunter2');
    assert.doesNotMatch(JSON.stringify(parsed), /hunter2/);
  });

  test('refuses what Kafka refuses: fractions for INT, words for BOOLEAN, each under its key', () => {
    assert.throws(
      () => def.parse({ topic: 't', 'tasks.max': '1.5', on: 'yes', 'db.password': 'x' }),
      (err: unknown) =>
        err instanceof ConfigException &&
        err.problems.map((p) => p.key).join() === 'tasks.max,on' &&
        /Invalid value 1\.5 for configuration tasks\.max: Not a number of type INT/.test(err.message),
    );
  });
});

describe('validators and recommenders', () => {
  test("a validator may be Kafka's throwing function or a described check; allOf runs both in turn", () => {
    const even = (_name: string, value: unknown) => {
      if (typeof value === 'number' && value % 2 !== 0) throw new Error('Value must be even');
    };
    const d = new ConfigDef().define({
      name: 'n',
      type: 'INT',
      importance: 'LOW',
      documentation: 'N.',
      validator: allOf(atLeast(2), even),
    });
    assert.deepEqual(d.validate({ n: '1' })[0].errors, [
      'Invalid value 1 for configuration n: Value must be at least 2',
    ]);
    assert.deepEqual(d.validate({ n: '3' })[0].errors, [
      'Invalid value 3 for configuration n: Value must be even',
    ]);
    assert.deepEqual(d.validate({ n: '4' })[0].errors, []);
  });

  test('emptyOr lets an empty value through, and enumValue turns a checked value into its union member', () => {
    const modes = ['bulk', 'incrementing'] as const;
    const d = new ConfigDef().define({
      name: 'mode',
      type: 'STRING',
      defaultValue: '',
      importance: 'LOW',
      documentation: 'Mode.',
      validator: emptyOr(oneOfIgnoringCase(...modes)),
    });
    assert.deepEqual(d.validate({})[0].errors, []);
    assert.match(d.validate({ mode: 'x' })[0].errors[0], /String must be one of: bulk, incrementing/);
    const mode: 'bulk' | 'incrementing' = enumValue(modes, d.parse({ mode: 'BULK' }).mode);
    assert.equal(mode, 'bulk');
  });

  test("a recommender gives the recommended values and visibility from the other keys' values", () => {
    const d = new ConfigDef()
      .define({ name: 'kind', type: 'STRING', defaultValue: 'a', importance: 'LOW', documentation: 'Kind.' })
      .define({
        name: 'detail',
        type: 'STRING',
        defaultValue: null,
        importance: 'LOW',
        documentation: 'Only for kind b.',
        recommender: {
          validValues: (_name, parsed) => (parsed.kind === 'b' ? ['x', 'y'] : []),
          visible: (_name, parsed) => parsed.kind === 'b',
        },
      });
    const [, hidden] = d.validate({});
    assert.deepEqual([hidden.visible, hidden.recommendedValues], [false, []]);
    const [, shown] = d.validate({ kind: 'b' });
    assert.deepEqual([shown.visible, shown.recommendedValues], [true, ['x', 'y']]);
  });
});

describe('secrets', () => {
  test('a declared key is secret by its PASSWORD type alone; an undeclared one by its name', () => {
    const d = new ConfigDef()
      .define({ name: 'db.password', type: 'PASSWORD', importance: 'HIGH', documentation: 'Pw.' })
      .define({ name: 'token.count', type: 'INT', defaultValue: 1, importance: 'LOW', documentation: 'N.' })
      .define({
        name: 'opaque',
        type: 'PASSWORD',
        defaultValue: null,
        importance: 'LOW',
        documentation: 'K.',
      });
    assert.deepEqual(secretKeys(d.configKeys()), ['db.password', 'opaque']);
    assert.equal(isSecret(d, 'opaque'), true);
    assert.equal(isSecret(d, 'token.count'), false);
    for (const undeclared of ['sasl.jaas.config', 'basic.auth.user.info', 'api.key', 'my.token', 'x.secret'])
      assert.equal(isSecret(d, undeclared), true, undeclared);
    assert.equal(isSecret(d, 'topic'), false);
    assert.deepEqual(
      maskedConfig(d, {
        opaque: 'k',
        'token.count': '3',
        'connection.url': 'postgresql://app:pw@db/x',
        'producer.override.sasl.jaas.config': 'x',
      }),
      {
        opaque: HIDDEN,
        'token.count': '3',
        'connection.url': `postgresql://app:${HIDDEN}@db/x`,
        'producer.override.sasl.jaas.config': HIDDEN,
      },
    );
  });
});
