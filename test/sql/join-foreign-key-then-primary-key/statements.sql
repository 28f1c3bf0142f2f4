-- A foreign-key join may start a multi-way join: its result is keyed by the left table's key, so a
-- primary-key join on that key may follow (ksqlDB 0.29; the other order is refused, see
-- join-foreign-key-n-way-fails).
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, amount INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');
CREATE TABLE customers (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON');
CREATE TABLE notes (id INT PRIMARY KEY, note STRING) WITH (KAFKA_TOPIC='notes', VALUE_FORMAT='JSON');

CREATE TABLE fk_first AS SELECT o.id, c.name, n.note
  FROM orders o JOIN customers c ON o.customer_id = c.id LEFT JOIN notes n ON o.id = n.id;
