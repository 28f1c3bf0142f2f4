-- Must fail: table functions run over streams only (ksqlDB's message).
CREATE TABLE test (id BIGINT PRIMARY KEY, my_arr ARRAY<BIGINT>)
  WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON');

CREATE TABLE output AS SELECT id, EXPLODE(my_arr) AS val FROM test;
