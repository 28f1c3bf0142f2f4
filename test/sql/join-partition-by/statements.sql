-- PARTITION BY over a stream join: each expression, evaluated against the joined row, becomes the
-- output's key (named as the projection names it; it must be projected once); PARTITION BY NULL
-- writes no key. The join runs first, so a LEFT join's unmatched order is keyed by its NULL-padded
-- row too.
CREATE STREAM orders (id STRING KEY, customer_id INT, amount INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');
CREATE TABLE customers (id INT PRIMARY KEY, city STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON');
CREATE STREAM by_city AS SELECT c.city, o.id AS order_id, o.amount FROM orders o JOIN customers c ON o.customer_id = c.id PARTITION BY c.city;
CREATE STREAM keyless AS SELECT o.id AS order_id, o.amount FROM orders o JOIN customers c ON o.customer_id = c.id PARTITION BY NULL;
CREATE STREAM by_expr AS SELECT o.amount * 2 AS doubled, c.city FROM orders o LEFT JOIN customers c ON o.customer_id = c.id PARTITION BY o.amount * 2;
