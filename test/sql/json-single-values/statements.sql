-- One value column in JSON: WRAP_SINGLE_VALUE=false (or ksql.persistence.wrap.single.values=false)
-- reads and writes the bare value ("bar", 7, [1,2], {"X":1}) instead of {"COL": value}; several
-- columns are always an object. A single JSON key column is always bare. A bare null is written as
-- no value at all (a tombstone).
SET 'ksql.persistence.wrap.single.values'='false';

CREATE STREAM words (k STRING KEY, word STRING) WITH (KAFKA_TOPIC='words', FORMAT='JSON');

CREATE STREAM two_columns AS SELECT k, word, word AS word2 FROM words;

CREATE STREAM bare AS SELECT k, UCASE(word) AS shout FROM words;

CREATE STREAM wrapped WITH (WRAP_SINGLE_VALUE=true) AS SELECT k, word FROM words;

CREATE STREAM points (p STRUCT<x INT, y INT>) WITH (KAFKA_TOPIC='points', VALUE_FORMAT='JSON', WRAP_SINGLE_VALUE=false);

CREATE STREAM xs WITH (WRAP_SINGLE_VALUE=false) AS SELECT ARRAY[p->x, p->y] AS xy FROM points;
