-- CREATE SOURCE TABLE: a read-only table, materialized by its own query (CST_INPUT_n) for pull
-- queries; queries read it as any table.
CREATE SOURCE TABLE input (k INT PRIMARY KEY, text STRING)
  WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='DELIMITED');

CREATE TABLE output AS SELECT * FROM input;
