import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogError } from './errors.js';
import { InternalTopics } from './internal-topics.js';

test('a query changelog or repartition topic is internal without being listed', () => {
  const internal = new InternalTopics();
  const changelog = '_confluent-ksql-default_query_CTAS_T_1-Aggregate-Aggregate-Materialize-changelog';
  assert.match(internal.roleOf(changelog) ?? '', /state-store changelog/);
  assert.match(
    internal.roleOf('_confluent-ksql-default_query_CTAS_T_1-Aggregate-GroupBy-repartition') ?? '',
    /repartition/,
  );
  assert.throws(
    () => internal.check(changelog, 'delete'),
    (err: unknown) =>
      err instanceof LogError && err.code === 'INTERNAL_TOPIC' && err.message.includes(changelog),
  );
});

test('other topics that merely look alike stay ordinary', () => {
  const internal = new InternalTopics();
  assert.equal(internal.roleOf('orders-changelog'), undefined);
  assert.equal(internal.roleOf('_confluent-ksql-default_query_CTAS_T_1-notes'), undefined);
  internal.check('orders-changelog', 'delete');
});

test("the Schema Registry's _schemas topic is internal without being listed", () => {
  const internal = new InternalTopics();
  assert.match(internal.roleOf('_schemas') ?? '', /Schema Registry/);
  assert.throws(
    () => internal.check('_schemas', 'write to'),
    (err: unknown) =>
      err instanceof LogError && err.code === 'INTERNAL_TOPIC' && err.message.includes('_schemas'),
  );
  assert.equal(internal.roleOf('_schemas2'), undefined);
});
