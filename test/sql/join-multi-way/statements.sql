-- Multi-way joins, left-deep in written order: each JOIN's ON compares the source it adds with one
-- joined before it. Orders meet their customer and their product (the stream re-keyed for each
-- table); the result is keyed by the last join's key. Three tables joined on one key give a table.
CREATE STREAM orders (id STRING KEY, customer_id INT, product_id INT, qty INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');
CREATE TABLE customers (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON');
CREATE TABLE products (id INT PRIMARY KEY, title STRING) WITH (KAFKA_TOPIC='products', VALUE_FORMAT='JSON');
CREATE TABLE ratings (id INT PRIMARY KEY, stars INT) WITH (KAFKA_TOPIC='ratings', VALUE_FORMAT='JSON');

CREATE STREAM enriched AS
  SELECT p.id, o.id AS order_id, c.name, p.title, o.qty
  FROM orders o
  JOIN customers c ON o.customer_id = c.id
  LEFT JOIN products p ON o.product_id = p.id;

CREATE TABLE rated AS
  SELECT p.id, p.title, r.stars, c.name
  FROM products p
  JOIN ratings r ON p.id = r.id
  LEFT JOIN customers c ON p.id = c.id;
