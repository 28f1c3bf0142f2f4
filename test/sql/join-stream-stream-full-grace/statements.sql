-- FULL OUTER JOIN WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE (ksqlDB's case): the key is the synthetic
-- ROWKEY (the join key, whichever side has it), projected as ID; either side's unmatched record
-- past its window is given at once with NULLs for the other.
CREATE STREAM left_stream (id BIGINT KEY, l1 VARCHAR) WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON');
CREATE STREAM right_stream (id BIGINT KEY, l2 VARCHAR) WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON');

CREATE STREAM outer_join AS SELECT ROWKEY AS id, t.id, tt.id, l1, l2 FROM left_stream t
  FULL OUTER JOIN right_stream tt WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON t.id = tt.id;
