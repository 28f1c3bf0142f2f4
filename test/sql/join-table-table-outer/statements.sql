-- Outer table-table joins. FULL OUTER (ksqlDB's "unaliased synthetic join key" case) is keyed by the
-- synthetic ROWKEY. LEFT keeps a left row without match with NULLs (a right tombstone gives it
-- back with NULLs, a left tombstone deletes the key) and a right row without a left row gives
-- nothing; RIGHT is its mirror.
CREATE TABLE l (id INT PRIMARY KEY, v0 INT, v1 INT) WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON');
CREATE TABLE r (id INT PRIMARY KEY, v0 INT, v1 INT) WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON');

CREATE TABLE full_output AS SELECT ROWKEY, l.id, r.id, l.v0, r.v1 FROM l FULL OUTER JOIN r ON l.id = r.id;

CREATE TABLE left_output AS SELECT l.id, l.v0, r.v1 FROM l LEFT JOIN r ON l.id = r.id;

CREATE TABLE right_output AS SELECT r.id, l.v0, r.v1 FROM l RIGHT JOIN r ON l.id = r.id;
