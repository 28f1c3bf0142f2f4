-- Must fail: ksqlDB 0.29 allows a foreign-key join only at the start of a multi-way join (see
-- join-foreign-key-then-primary-key); one after another join is refused with its message.
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, amount INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');
CREATE TABLE customers (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON');
CREATE TABLE notes (id INT PRIMARY KEY, note STRING) WITH (KAFKA_TOPIC='notes', VALUE_FORMAT='JSON');

CREATE TABLE fk_second AS SELECT o.id, c.name, n.note
  FROM orders o LEFT JOIN notes n ON o.id = n.id JOIN customers c ON o.customer_id = c.id;
