-- A table over a topic: each key's latest record is its row, a record without value deletes it,
-- a record without key is dropped (processing log). A CTAS projection forwards every change, a
-- tombstone included; a WHERE deletes a key only when its old row had passed (ksqlDB 0.29's
-- KTable filter over a materialized source).
CREATE TABLE test (k STRING PRIMARY KEY, id BIGINT, name VARCHAR, value INT)
  WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='DELIMITED');

CREATE TABLE t1 AS SELECT k, name, value FROM test;

CREATE TABLE t2 AS SELECT k, name, value FROM test WHERE value > 150;
