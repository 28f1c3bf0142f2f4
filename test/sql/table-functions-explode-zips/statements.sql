-- EXPLODE: one row per element; several table functions in one SELECT are zipped (the shorter
-- padded with NULL); other items repeat; WHERE runs first; an empty or NULL array gives no rows; an
-- unaliased call is named KSQL_COL_n; the key and timestamp are kept.
CREATE STREAM test (id STRING KEY, f0 INT, arr1 ARRAY<BIGINT>, arr2 ARRAY<STRING>)
  WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON');

CREATE STREAM output AS
  SELECT id, EXPLODE(arr1), EXPLODE(arr2) AS s, f0 FROM test WHERE f0 <> 1;

CREATE STREAM everything AS SELECT *, EXPLODE(arr1) AS v FROM test;
