-- Foreign-key table-table joins (ON left.<column> = right.<primary key>): keyed by the left table's
-- primary key, which the projection must hold. A left row meets the right row its foreign key names
-- (a new one without a match gives nothing for INNER, NULLs for LEFT; changing the foreign key
-- moves it); a right change recomputes every left row that refers to it (a right tombstone
-- tombstones them for INNER, gives them NULLs for LEFT). Each row is stamped with the later time.
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, amount INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');
CREATE TABLE customers (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON');

CREATE TABLE inner_fk AS SELECT o.id, o.amount, c.name FROM orders o JOIN customers c ON o.customer_id = c.id;

CREATE TABLE left_fk AS SELECT o.id, o.amount, c.name FROM orders o LEFT JOIN customers c ON o.customer_id = c.id;
