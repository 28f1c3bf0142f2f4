-- RIGHT JOIN WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE (ksqlDB's case): an unmatched right record past
-- its window is given at once with NULLs for the left side, keyed by the join key.
CREATE STREAM left_stream (id BIGINT KEY, l1 VARCHAR) WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON');
CREATE STREAM right_stream (id BIGINT KEY, l2 VARCHAR) WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON');

CREATE STREAM right_join AS SELECT t.id, l1, l2 FROM left_stream t RIGHT JOIN right_stream tt
  WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON t.id = tt.id;
