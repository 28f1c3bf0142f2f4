-- A left table with several PRIMARY KEY columns is joined by foreign key (ksqlDB 0.29: a table with
-- several key columns is never joined on its key, so its ON is always a foreign key), keyed by all
-- its key columns, which the projection must hold; tombstones carry both columns.
CREATE TABLE lines (order_id INT PRIMARY KEY, line INT PRIMARY KEY, product_id INT, qty INT)
  WITH (KAFKA_TOPIC='lines', FORMAT='JSON');
CREATE TABLE products (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='products', FORMAT='JSON');

CREATE TABLE named_lines AS SELECT l.order_id, l.line, l.qty, p.name
  FROM lines l JOIN products p ON l.product_id = p.id;

CREATE TABLE all_lines AS SELECT l.order_id, l.line, l.qty, p.name
  FROM lines l LEFT JOIN products p ON l.product_id = p.id;
