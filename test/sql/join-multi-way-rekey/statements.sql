-- Multi-way joins that re-key between joins (ksqlDB's multi-joins cases "stream-table-table -
-- inner-inner - rekey with different expression", "… - rekey on different expression" (ksqlDB
-- issue 5062), "… - explicit ROWTIME" and "stream-stream-table - inner-inner - rekey left"): each
-- join re-keys what is joined so far by its own expression; the result is keyed by the last join's
-- key, named after the projected join column (a qualified column only one source has keeps its
-- name: S1.K is K); SELECT * and each source's ROWTIME are <ALIAS>_<COLUMN>.
CREATE STREAM s1 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='left', VALUE_FORMAT='JSON');
CREATE TABLE t2 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='right', VALUE_FORMAT='JSON');
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='right2', VALUE_FORMAT='JSON');
CREATE STREAM different_expression AS SELECT t3.id, s1.v0, t2.v0, t3.v0
  FROM s1 JOIN t2 ON s1.k - 1 = t2.id JOIN t3 ON s1.k + 1 = t3.id;

CREATE STREAM s1b (id INT KEY, k INT, v0 INT) WITH (KAFKA_TOPIC='leftb', VALUE_FORMAT='JSON');
CREATE TABLE t2b (id INT PRIMARY KEY, v0 INT) WITH (KAFKA_TOPIC='rightb', VALUE_FORMAT='JSON');
CREATE TABLE t3b (id INT PRIMARY KEY, v0 INT) WITH (KAFKA_TOPIC='right2b', VALUE_FORMAT='JSON');
CREATE STREAM on_different_expression AS SELECT s1b.k, s1b.v0, t2b.v0, t3b.v0
  FROM s1b JOIN t2b ON s1b.v0 = t2b.id JOIN t3b ON s1b.k = t3b.id;

CREATE STREAM s1c (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='leftc', VALUE_FORMAT='JSON');
CREATE TABLE t2c (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='rightc', VALUE_FORMAT='JSON');
CREATE TABLE t3c (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='right2c', VALUE_FORMAT='JSON');
CREATE STREAM explicit_rowtime AS SELECT *, s1c.ROWTIME, t2c.ROWTIME, t3c.ROWTIME
  FROM s1c JOIN t2c ON s1c.id = t2c.id JOIN t3c ON s1c.id = t3c.id;

CREATE STREAM s1d (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='leftd', VALUE_FORMAT='JSON');
CREATE STREAM s2d (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='rightd', VALUE_FORMAT='JSON');
CREATE TABLE t3d (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='right2d', VALUE_FORMAT='JSON');
CREATE STREAM stream_stream_table AS SELECT s1d.k, s1d.v0, s2d.v0, t3d.v0
  FROM s1d JOIN s2d WITHIN 10 SECONDS ON s1d.k = s2d.id JOIN t3d ON s1d.k = t3d.id;
