-- HAVING filters the aggregate's table: a group that passes is upserted; one that stops passing
-- is deleted (a tombstone); one that never passed emits nothing, as ksqlDB 0.29's KTable filter
-- over the materialized aggregate sends old values. Also over a window (the key carries it).
CREATE STREAM test (id BIGINT KEY, name VARCHAR, value BIGINT)
  WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='DELIMITED');

CREATE TABLE avg AS
  SELECT id, SUM(value) / COUNT(id) AS avg FROM test GROUP BY id HAVING SUM(value) / COUNT(id) > 25;


CREATE TABLE big AS
  SELECT id, SUM(value) AS sum FROM test WINDOW TUMBLING (SIZE 30 SECONDS)
  GROUP BY id HAVING SUM(value) > 100;
