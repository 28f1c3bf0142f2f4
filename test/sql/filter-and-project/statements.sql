-- A filter and a projection with functions: only orders of at least 5 pass, reshaped.
CREATE STREAM orders (id STRING KEY, item STRING, qty INT, price DECIMAL(6,2))
  WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');

CREATE STREAM big_orders AS
  SELECT id, UCASE(item) AS item, qty * price AS total, LEN(item) AS item_length, qty > 10 AS bulk
  FROM orders
  WHERE qty >= 5
  EMIT CHANGES;
