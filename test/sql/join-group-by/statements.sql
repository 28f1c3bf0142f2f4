-- GROUP BY over a join: the join's rows re-keyed by the grouping expressions and aggregated, as
-- ksqlDB aggregates a join's output. Over a stream-table join each joined order counts once; over a
-- table-table join (primary-key or foreign-key) each change of a joined row subtracts the row it
-- replaces from its old group before adding the new one (Kafka Streams' KTable groupBy), so a user
-- moving city leaves the old city's sums and a deleted account empties its group. A WINDOW over a
-- stream join counts per window.
CREATE STREAM orders (id STRING KEY, customer_id INT, amount INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');
CREATE TABLE customers (id INT PRIMARY KEY, city STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON');
CREATE TABLE sales_by_city AS SELECT c.city, COUNT(*) AS orders, SUM(o.amount) AS total
  FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY c.city;

CREATE TABLE users (id INT PRIMARY KEY, city STRING) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');
CREATE TABLE accounts (id INT PRIMARY KEY, balance INT) WITH (KAFKA_TOPIC='accounts', VALUE_FORMAT='JSON');
CREATE TABLE balance_by_city AS SELECT u.city AS place, COUNT(*) AS users, SUM(a.balance) AS total
  FROM users u JOIN accounts a ON u.id = a.id GROUP BY u.city;

CREATE TABLE lines (order_id INT PRIMARY KEY, line INT PRIMARY KEY, product_id INT, qty INT)
  WITH (KAFKA_TOPIC='lines', FORMAT='JSON');
CREATE TABLE products (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='products', FORMAT='JSON');
CREATE TABLE qty_by_product AS SELECT p.name, SUM(l.qty) AS qty
  FROM lines l JOIN products p ON l.product_id = p.id GROUP BY p.name;

CREATE TABLE sales_per_window AS SELECT c.city, COUNT(*) AS orders
  FROM orders o JOIN customers c ON o.customer_id = c.id WINDOW TUMBLING (SIZE 20 MILLISECONDS) GROUP BY c.city;
