-- INNER JOIN WITHIN 10 SECONDS (ksqlDB's "out of order messages" case): a late left record still
-- joins every right record of its key within the window, each row stamped with the later time;
-- with no GRACE PERIOD the stores keep a day, so nothing here is too late.
CREATE STREAM test (id BIGINT KEY, name VARCHAR, value BIGINT) WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON');
CREATE STREAM test_stream (id BIGINT KEY, f1 VARCHAR, f2 BIGINT) WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON');

CREATE STREAM inner_join AS SELECT t.id, name, value, f1, f2 FROM test t
  JOIN test_stream tt WITHIN 10 SECONDS ON t.id = tt.id;
