-- Stream-stream LEFT and RIGHT joins WITHIN 11 SECONDS without GRACE PERIOD (ksqlDB's "with key in
-- projection - rekey" cases): both streams are re-keyed by a value column; an unmatched outer
-- record is given at once with NULLs and again joined when a match comes; RIGHT keys a right-only
-- row by the join key although T_ID's left side is NULL. A record whose
-- join key is NULL, or that has no value (a tombstone), joins nothing and is not given with NULLs.
CREATE STREAM test (k STRING KEY, id BIGINT, name VARCHAR, value BIGINT) WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON');
CREATE STREAM test_stream (k STRING KEY, id BIGINT, f1 VARCHAR, f2 BIGINT) WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON');

CREATE STREAM left_output AS SELECT t.id, t.k, name, value, f1, f2 FROM test t
  LEFT JOIN test_stream tt WITHIN 11 SECONDS ON t.id = tt.id;

CREATE STREAM right_output AS SELECT t.id, t.k, name, value, f1, f2 FROM test t
  RIGHT JOIN test_stream tt WITHIN 11 SECONDS ON t.id = tt.id;
