-- Must fail: a windowed table cannot feed a persistent query (ksqlDB's message).
CREATE TABLE counts (id STRING PRIMARY KEY, n BIGINT)
  WITH (KAFKA_TOPIC='counts', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='10 SECONDS');

CREATE TABLE copy AS SELECT * FROM counts;
