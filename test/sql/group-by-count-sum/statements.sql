-- CREATE TABLE … AS SELECT … GROUP BY: one upsert per input record, keyed by the GROUP BY value;
-- a NULL grouping value drops the row; a single column keeps its name, an expression key is
-- named after its alias.
CREATE STREAM input (id STRING KEY, item STRING, qty INT) WITH (KAFKA_TOPIC='input_topic', FORMAT='JSON');

CREATE TABLE per_item AS SELECT item, COUNT(*) AS n, SUM(qty) AS total FROM input GROUP BY item;

CREATE TABLE per_len AS SELECT LEN(item) AS len, COUNT(*) AS n FROM input GROUP BY LEN(item);
