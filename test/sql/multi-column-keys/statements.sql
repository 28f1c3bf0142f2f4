-- Several key columns in a JSON key are an object of them; a record without key keeps no key
-- through a query that keeps the key (ksqlDB passes the null key on), while a key whose columns
-- are NULL stays an object of NULLs. DELIMITED keys hold the columns as fields.
CREATE STREAM input (k INT KEY, k2 INT KEY, v INT) WITH (KAFKA_TOPIC='input_topic', FORMAT='JSON');

CREATE STREAM output AS SELECT * FROM input;

CREATE STREAM as_delimited WITH (KEY_FORMAT='DELIMITED') AS SELECT k2, k, v FROM input;

CREATE STREAM only_k1 AS SELECT * FROM input WHERE k = 1;
