-- Stream-table joins: each order meets the customer row its key has at that moment (upserts and
-- tombstones of the table change what later orders see); INNER drops orders without a customer,
-- LEFT keeps them with NULLs. The result is keyed by the join key under the name of the first join
-- column the projection holds (`o.customer_id` → O_CUSTOMER_ID, `c.id` → C_ID), re-keying the
-- stream by a value column; a qualified column is named <ALIAS>_<COLUMN> when both sources have
-- a column of its name (c.id → C_ID, o.id → O_ID), else it keeps its name (c.name → NAME). Orders with a NULL join key or no value join nothing.
CREATE STREAM orders (id STRING KEY, customer_id INT, amount INT) WITH (KAFKA_TOPIC='orders', FORMAT='JSON');

CREATE TABLE customers (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='customers', FORMAT='JSON');

CREATE STREAM enriched AS
  SELECT o.customer_id, o.id AS order_id, c.name, o.amount
  FROM orders o JOIN customers c ON o.customer_id = c.id;

CREATE STREAM all_orders AS
  SELECT c.id, o.id, name, amount * 2 AS doubled
  FROM orders o LEFT JOIN customers c ON o.customer_id = c.id
  WHERE amount > 15 OR c.name IS NOT NULL;
