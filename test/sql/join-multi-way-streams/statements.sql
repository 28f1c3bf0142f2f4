-- Multi-way joins of streams (ksqlDB's multi-joins cases "stream-stream-table - full-inner", "… -
-- full-inner - select *", "… - inner-inner - cascading join criteria", "stream-table-stream -
-- left-inner", "stream-stream-stream - inner-inner - different windows", "stream-table-table -
-- qualified select *" and "scoped include all columns", as ksqlDB 0.29 gives them). A FULL OUTER
-- join followed by a join on S1.ID is keyed by S1_ID (SELECT * holds no synthetic key then), and
-- its eager NULL-padded row (no GRACE PERIOD) goes on to the next join; a join on the column an
-- earlier join matched keeps that join's columns as the key's names (S1.K); each stream-stream
-- join of the chain has its own window; a row whose next join key is NULL joins nothing.
CREATE STREAM a1 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='a_left', VALUE_FORMAT='JSON');
CREATE STREAM a2 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='a_right', VALUE_FORMAT='JSON');
CREATE TABLE a3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='a_right2', VALUE_FORMAT='JSON');
CREATE STREAM full_inner AS SELECT a1.id, a1.v0, a2.v0, a3.v0
  FROM a1 FULL JOIN a2 WITHIN 10 SECONDS ON a1.id = a2.id JOIN a3 ON a1.id = a3.id;
CREATE STREAM full_inner_star AS SELECT *
  FROM a1 FULL JOIN a2 WITHIN 10 SECONDS ON a1.id = a2.id JOIN a3 ON a1.id = a3.id;

CREATE STREAM b1 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='b_left', VALUE_FORMAT='JSON');
CREATE STREAM b2 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='b_right', VALUE_FORMAT='JSON');
CREATE TABLE b3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='b_right2', VALUE_FORMAT='JSON');
CREATE STREAM cascading AS SELECT b1.k, b1.v0, b2.v0, b3.v0
  FROM b1 JOIN b2 WITHIN 10 SECONDS ON b1.k = b2.k JOIN b3 ON b2.k = b3.id;

CREATE STREAM c1 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='c_left', VALUE_FORMAT='JSON');
CREATE TABLE c2 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='c_right', VALUE_FORMAT='JSON');
CREATE STREAM c3 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='c_right2', VALUE_FORMAT='JSON');
CREATE STREAM stream_table_stream AS SELECT c3.id, c1.v0, c2.v0, c3.v0
  FROM c1 LEFT JOIN c2 ON c1.id = c2.id JOIN c3 WITHIN 10 SECONDS ON c1.id = c3.id;

CREATE STREAM d1 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='d_left', VALUE_FORMAT='JSON');
CREATE STREAM d2 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='d_right', VALUE_FORMAT='JSON');
CREATE STREAM d3 (id INT KEY, v0 BIGINT) WITH (KAFKA_TOPIC='d_right2', VALUE_FORMAT='JSON');
CREATE STREAM different_windows AS SELECT d2.id, d1.v0, d2.v0, d3.v0
  FROM d1 JOIN d2 WITHIN 5 SECONDS ON d1.id = d2.id JOIN d3 WITHIN 10 SECONDS ON d1.id = d3.id;

CREATE STREAM left_stream (id1 BIGINT KEY, f1 BIGINT) WITH (KAFKA_TOPIC='left_topic', FORMAT='JSON');
CREATE TABLE middle_table (id2 BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (KAFKA_TOPIC='middle_topic', FORMAT='JSON');
CREATE TABLE right_table (id3 BIGINT PRIMARY KEY, f3 BIGINT) WITH (KAFKA_TOPIC='right_topic', FORMAT='JSON');
CREATE STREAM qualified_star AS SELECT id1, f1, middle_table.*, right_table.*
  FROM left_stream JOIN middle_table ON id1 = id2 LEFT JOIN right_table ON f1 = id3;

CREATE STREAM s1 (a INT KEY, b INT) WITH (KAFKA_TOPIC='S1', VALUE_FORMAT='JSON');
CREATE STREAM s2 (a INT KEY, b INT) WITH (KAFKA_TOPIC='S2', VALUE_FORMAT='JSON');
CREATE STREAM s3 (a INT KEY, b INT) WITH (KAFKA_TOPIC='S3', VALUE_FORMAT='JSON');
CREATE STREAM scoped_star AS SELECT s1.*, s2.*, s3.* FROM s1 INNER JOIN s2 WITHIN 10 SECONDS ON s1.a = s2.a
  INNER JOIN s3 WITHIN 10 SECONDS ON s1.a = s3.a WHERE s1.b < 5;
