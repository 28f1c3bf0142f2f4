-- Stream-stream joins WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE (ksqlDB's "out of order and custom
-- grace period" cases): records wait in each side's window store, which keeps them by Kafka
-- Streams' segments of the side's newest time (D at 60000 is gone once the left side has seen
-- 330000; C at 90000 is still kept). LEFT gives an unmatched left record with NULLs only once its
-- window and grace have closed, or at once when it comes after them (C and D), never for one that
-- matched (A).
CREATE STREAM left_stream (id BIGINT KEY, l1 VARCHAR) WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON');
CREATE STREAM right_stream (id BIGINT KEY, l2 VARCHAR) WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON');

CREATE STREAM inner_join AS SELECT t.id, l1, l2 FROM left_stream t JOIN right_stream tt
  WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON t.id = tt.id;

CREATE STREAM left_join AS SELECT t.id, l1, l2 FROM left_stream t LEFT JOIN right_stream tt
  WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON t.id = tt.id;
