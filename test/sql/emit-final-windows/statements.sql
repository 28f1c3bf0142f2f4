-- EMIT FINAL: nothing on update; a window's row goes out once, when stream time minus grace (0 by
-- default with EMIT FINAL) passes its end (a session's: its end plus the gap), for all keys in
-- window order, with the window's largest record time; windows still open at the end stay silent.
CREATE STREAM test (id BIGINT KEY, name VARCHAR, value BIGINT)
  WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='DELIMITED');

CREATE TABLE tumbling AS
  SELECT id, COUNT(*) AS n FROM test WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY id EMIT FINAL;

CREATE TABLE sessions AS
  SELECT id, SUM(value) AS total FROM test WINDOW SESSION (5 SECONDS) GROUP BY id EMIT FINAL;
