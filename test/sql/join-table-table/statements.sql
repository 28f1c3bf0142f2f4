-- Table-table joins on the primary key (ksqlDB's "table table join with where clause" and "table to
-- table wrapped single field" cases): a change on either side recomputes its key; the result is a
-- table stamped with the later of the two rows' times. A WHERE after the join retracts (tombstones)
-- a key only when the row it replaces had passed; a key that no longer joins is a tombstone, and a
-- delete of a key the other side lacks gives nothing.
CREATE TABLE test (id BIGINT PRIMARY KEY, name VARCHAR, value BIGINT) WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON');
CREATE TABLE test_table (id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON');

CREATE TABLE output AS SELECT t.id, name, tt.f1, f2 FROM test t JOIN test_table tt ON t.id = tt.id
  WHERE t.value > 10 AND tt.f2 > 5;

CREATE TABLE t1 (id BIGINT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='T1', VALUE_FORMAT='JSON');
CREATE TABLE t2 (id BIGINT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='T2', VALUE_FORMAT='JSON');

CREATE TABLE names AS SELECT t1.id, t1.name name1, t2.name name2 FROM t1 JOIN t2 ON t1.id = t2.id;
