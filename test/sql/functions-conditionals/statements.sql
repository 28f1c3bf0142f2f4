-- Conditionals: searched and simple CASE, BETWEEN, IN, LIKE, and a WHERE built from them.
CREATE STREAM orders (id INT KEY, amount INT, status STRING, code STRING)
  WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON');

CREATE STREAM order_bands AS
  SELECT id,
         CASE WHEN amount < 10 THEN 'small' WHEN amount < 100 THEN 'medium' ELSE 'large' END AS band,
         CASE status WHEN 'N' THEN 'new' WHEN 'S' THEN 'shipped' END AS status_text,
         amount BETWEEN 10 AND 99 AS mid,
         status IN ('N', 'S') AS known_status,
         code LIKE 'A%' AS a_code
  FROM orders
  WHERE amount IS NOT NULL AND NOT (status = 'X')
  EMIT CHANGES;
