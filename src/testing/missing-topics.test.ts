import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStatements } from '../sql/index.js';
import { topicsToCreate } from './missing-topics.js';

test('topics read by CREATE STREAM and TABLE without PARTITIONS are the ones to create, once each', () => {
  const statements = parseStatements(`
    CREATE STREAM a (id INT KEY, v STRING) WITH (KAFKA_TOPIC='a_topic', VALUE_FORMAT='JSON');
    CREATE TABLE b (id INT PRIMARY KEY, v STRING) WITH (kafka_topic='b_topic', VALUE_FORMAT='JSON');
    CREATE STREAM a2 (id INT KEY, v STRING) WITH (KAFKA_TOPIC='a_topic', VALUE_FORMAT='JSON');
    CREATE STREAM c (id INT KEY, v STRING) WITH (KAFKA_TOPIC='c_topic', VALUE_FORMAT='JSON', PARTITIONS=3);
    CREATE STREAM d (id INT KEY, v STRING) WITH (KAFKA_TOPIC='existing', VALUE_FORMAT='JSON');`);
  assert.deepEqual(
    topicsToCreate(statements, (t) => t === 'existing'),
    ['a_topic', 'b_topic'],
  );
});

test('a topic that an earlier CREATE … AS SELECT writes is left for that query to create', () => {
  const statements = parseStatements(`
    CREATE STREAM src (id INT KEY, v STRING) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON');
    CREATE STREAM copy AS SELECT * FROM src;
    CREATE STREAM named WITH (KAFKA_TOPIC='named_topic') AS SELECT * FROM src;
    CREATE STREAM over_copy (id INT KEY, v STRING) WITH (KAFKA_TOPIC='COPY', VALUE_FORMAT='JSON');
    CREATE STREAM over_named (id INT KEY, v STRING) WITH (KAFKA_TOPIC='named_topic', VALUE_FORMAT='JSON');`);
  assert.deepEqual(
    topicsToCreate(statements, () => false),
    ['src'],
  );
});
