-- GROUP BY several columns: the key is the columns in GROUP BY order (whatever the SELECT order),
-- written by a key format that holds several columns; aggregates read expressions.
CREATE STREAM input (id STRING KEY, region STRING, item STRING, qty INT, price DOUBLE) WITH (KAFKA_TOPIC='input_topic', FORMAT='JSON');

CREATE TABLE sales AS SELECT item, region, SUM(qty * price) AS revenue, MAX(qty) AS biggest FROM input GROUP BY region, item;
