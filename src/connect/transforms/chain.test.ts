import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigException } from '../api/index.js';
import { applyChain, buildChain, transformChainFactory, validateChain } from './index.js';
import { record } from './test-records.fixture.js';

const T = 'org.apache.kafka.connect.transforms';

test('a chain applies its transforms in order', () => {
  const chain = buildChain({
    transforms: 'hoist,route',
    'transforms.hoist.type': `${T}.HoistField$Value`,
    'transforms.hoist.field': 'line',
    'transforms.route.type': `${T}.RegexRouter`,
    'transforms.route.regex': 'raw-(.*)',
    'transforms.route.replacement': 'clean-$1',
  });
  const out = applyChain(chain, record({ topic: 'raw-logs', value: 'hello' }));
  assert.equal(out?.topic, 'clean-logs');
  assert.deepEqual(out?.value, new Map([['line', 'hello']]));
});

test('Filter with a predicate drops matching records, and negate drops the others', () => {
  const config = {
    transforms: 'drop',
    'transforms.drop.type': `${T}.Filter`,
    'transforms.drop.predicate': 'isFoo',
    predicates: 'isFoo',
    'predicates.isFoo.type': `${T}.predicates.TopicNameMatches`,
    'predicates.isFoo.pattern': 'foo',
  };
  const chain = buildChain(config);
  assert.equal(applyChain(chain, record({ topic: 'foo' })), null);
  assert.equal(applyChain(chain, record({ topic: 'bar' }))?.topic, 'bar');
  const negated = buildChain({ ...config, 'transforms.drop.negate': 'true' });
  assert.equal(applyChain(negated, record({ topic: 'foo' }))?.topic, 'foo');
  assert.equal(applyChain(negated, record({ topic: 'bar' })), null);
});

test('tombstones can be dropped with RecordIsTombstone', () => {
  const chain = buildChain({
    transforms: 'dropTombstones',
    'transforms.dropTombstones.type': `${T}.Filter`,
    'transforms.dropTombstones.predicate': 'isTombstone',
    predicates: 'isTombstone',
    'predicates.isTombstone.type': `${T}.predicates.RecordIsTombstone`,
  });
  assert.equal(applyChain(chain, record({ value: null })), null);
  assert.equal(applyChain(chain, record({ value: 1 }))?.value, 1);
});

test('every problem of a chain config is reported by its full key', () => {
  const problems = validateChain({
    transforms: 'a,b,c,d,e',
    'transforms.b.type': 'com.example.Nope',
    'transforms.c.type': `${T}.ExtractField$Value`,
    'transforms.d.type': `${T}.Filter`,
    'transforms.d.predicate': 'missing',
    'transforms.d.negate': 'maybe',
    'transforms.e.type': `${T}.predicates.HasHeaderKey`,
    predicates: 'p',
    'predicates.p.type': `${T}.predicates.HasHeaderKey`,
  });
  assert.deepEqual(
    problems.map((p) => p.key),
    [
      'predicates.p.name',
      'transforms.a.type',
      'transforms.b.type',
      'transforms.c.field',
      'transforms.d.negate',
      'transforms.d.predicate',
      'transforms.e.type',
    ],
  );
  const messages = problems.map((p) => p.message);
  assert.ok(
    messages.includes('Missing required configuration "transforms.a.type" which has no default value.'),
  );
  assert.ok(
    messages.includes('Missing required configuration "transforms.c.field" which has no default value.'),
  );
  assert.ok(
    messages.includes('Missing required configuration "predicates.p.name" which has no default value.'),
  );
  assert.ok(messages.some((m) => /com\.example\.Nope could not be found/.test(m)));
  assert.ok(messages.some((m) => /transforms\.e\.type: Not a Transformation/.test(m)));
});

test('duplicate aliases are refused, and building a bad chain throws a ConfigException', () => {
  assert.deepEqual(
    validateChain({ transforms: 'a,a', 'transforms.a.type': `${T}.Filter` }).map((p) => p.key),
    ['transforms'],
  );
  assert.throws(
    () =>
      buildChain({ transforms: 'c', 'transforms.c.type': `${T}.Cast$Value`, 'transforms.c.spec': 'x:blob' }),
    (err: Error) => err instanceof ConfigException && err.problems[0].key === 'transforms.c.spec',
  );
});

test('the worker factory builds a record transformer and lists transformations and predicates', () => {
  const transformer = transformChainFactory.build({ transforms: 'f', 'transforms.f.type': 'Filter' });
  assert.equal(transformer(record()), null);
  const listed = transformChainFactory.list();
  assert.ok(listed.some((p) => p.class === `${T}.InsertField$Value` && p.type === 'transformation'));
  assert.ok(listed.some((p) => p.class === `${T}.predicates.TopicNameMatches` && p.type === 'predicate'));
  assert.deepEqual(transformChainFactory.build({})(record())?.topic, 'orders');
});
