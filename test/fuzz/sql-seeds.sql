-- Seeds for the parser fuzz test (src/sql/parser.fuzz.test.ts), beside every test/sql case's statements:
-- statements of each kind, so mutations reach every part of the grammar.
CREATE SOURCE CONNECTOR IF NOT EXISTS gen WITH ('connector.class' = 'VolubleSourceConnector', 'genkp.people.with' = '#{Internet.emailAddress}', 'topic.people.records.exactly' = 10);
CREATE SINK CONNECTOR sink WITH ("connector.class" = 'FileStreamSink', 'file' = '/tmp/out', "topics" = 'people');
DROP CONNECTOR IF EXISTS gen;
DESCRIBE CONNECTOR gen;
SHOW SOURCE CONNECTORS;
SHOW CONNECTOR PLUGINS;
PAUSE CONNECTOR gen;
DEFINE topic = 'orders';
UNDEFINE topic;
CREATE OR REPLACE STREAM s (id STRING KEY, v STRUCT<a INT, b ARRAY<MAP<STRING, DECIMAL(10, 2)>>>, h BYTES HEADER('x'), hs ARRAY<STRUCT<key STRING, value BYTES>> HEADERS) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON', PARTITIONS=3, TIMESTAMP='ts', TIMESTAMP_FORMAT='yyyy-MM-dd');
CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20)) WITH (KAFKA_TOPIC='t', FORMAT='JSON');
CREATE STREAM o AS SELECT id, TRANSFORM(xs, x => x * 2) AS ys, REDUCE(xs, 0, (s, x) => s + x) AS total, FILTER(m, (k, v) => v > 1) AS big FROM s WHERE id IS NOT DISTINCT FROM 'a' AND v->a BETWEEN 1 AND 10 OR id IN ('a', 'b') PARTITION BY id, v->a EMIT CHANGES;
INSERT INTO o SELECT * FROM s WHERE NOT (id LIKE 'a%' ESCAPE '\') EMIT CHANGES;
INSERT INTO s (id, v) VALUES ('k', STRUCT(a := 1, b := ARRAY[MAP('x' := 1.5)]));
SELECT CASE WHEN v->a > 1 THEN 'big' WHEN v->a IS NULL THEN NULL ELSE CAST(v->a AS STRING) END AS c, -1.5e3, X'CAFE', `Quoted Name` FROM s EMIT CHANGES LIMIT 5;
SELECT * FROM t WHERE id = 1;
PRINT 'orders' FROM BEGINNING INTERVAL 2 LIMIT 3;
SHOW QUERIES EXTENDED;
DESCRIBE EXTENDED s;
EXPLAIN CSAS_O_1;
TERMINATE ALL;
DROP STREAM IF EXISTS o DELETE TOPIC;
SET 'auto.offset.reset' = 'earliest';
UNSET 'auto.offset.reset';
CREATE TYPE address AS STRUCT<street STRING, zip INT>;
DROP TYPE IF EXISTS address;
LIST TOPICS EXTENDED;
