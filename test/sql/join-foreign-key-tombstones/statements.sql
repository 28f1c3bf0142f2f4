-- Foreign-key joins, ksqlDB's "Should support inner join with left value-column expression" and
-- "Should support left join with left value-column expression" cases: a right tombstone deletes
-- (INNER) or NULL-pads (LEFT) every left row that names it, each at the right tombstone's time; a
-- left tombstone is a tombstone of its key, even when INNER had already deleted it (as Kafka
-- Streams' foreign-key join propagates every left delete).
CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON');
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON');
CREATE TABLE inner_output AS SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id;

CREATE TABLE left_table2 (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (KAFKA_TOPIC='left_topic2', VALUE_FORMAT='JSON');
CREATE TABLE right_table2 (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (KAFKA_TOPIC='right_topic2', VALUE_FORMAT='JSON');
CREATE TABLE left_output AS SELECT l_id, r_id, name, f1 FROM left_table2 LEFT JOIN right_table2 ON foreign_key = r_id;
