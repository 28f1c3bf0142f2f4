-- Two streams merged into one: CREATE … AS SELECT from the first, INSERT INTO … SELECT from the second.
CREATE STREAM web_orders (id STRING KEY, amount INT)
  WITH (KAFKA_TOPIC='web_orders', VALUE_FORMAT='JSON');
CREATE STREAM shop_orders (id STRING KEY, amount INT)
  WITH (KAFKA_TOPIC='shop_orders', VALUE_FORMAT='JSON');

CREATE STREAM all_orders AS
  SELECT id, amount, 'web' AS channel FROM web_orders EMIT CHANGES;

INSERT INTO all_orders
  SELECT id, amount, 'shop' AS channel FROM shop_orders EMIT CHANGES;
