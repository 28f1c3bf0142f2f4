-- Stream-stream joins over two partitions keep stream time per partition, as each Kafka Streams
-- task does: D at 330000 (partition 1) neither closes A's window (partition 0, with its own stream
-- time still 0) nor expires A from the window store, so the right record at 60000 still meets A.
-- Joined on K, each record takes the partition its new key hashes to (as through ksqlDB's
-- repartition topics): A (K 'c', partition 0) meets x (K 'c', read from partition 1). An INT key
-- hashes over its KAFKA bytes (4 bytes big-endian): N 1 (partition 0) is not closed by N 2 (partition 1).
CREATE STREAM left_stream (id STRING KEY, l1 VARCHAR, k VARCHAR, n INT)
  WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON', PARTITIONS=2);
CREATE STREAM right_stream (id STRING KEY, l2 VARCHAR, k VARCHAR, n INT)
  WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON', PARTITIONS=2);

CREATE STREAM inner_join AS SELECT t.id, l1, l2 FROM left_stream t JOIN right_stream tt
  WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON t.id = tt.id;

CREATE STREAM left_join AS SELECT t.id, l1, l2 FROM left_stream t LEFT JOIN right_stream tt
  WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON t.id = tt.id;

CREATE STREAM rekeyed_join AS SELECT t.k, l1, l2 FROM left_stream t LEFT JOIN right_stream tt
  WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON t.k = tt.k;

CREATE STREAM rekeyed_int_join AS SELECT t.n, l1, l2 FROM left_stream t LEFT JOIN right_stream tt
  WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON t.n = tt.n;
