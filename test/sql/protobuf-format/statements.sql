-- PROTOBUF keys and values: inputs given as JSON are written with the schema registered for the
-- stream's columns (message ConnectDefault1, Confluent's header and message index [0]); outputs
-- are read back with the schema each record's id names. A null proto3 scalar is left out of the
-- message and reads back as its zero value ("" and 0), as in ksqlDB; messages (TIMESTAMP as
-- google.protobuf.Timestamp, DATE as google.type.Date, DECIMAL as confluent.type.Decimal, STRUCT)
-- read back as null.
CREATE STREAM payments (id STRING KEY, amount DECIMAL(8, 2), paid_at TIMESTAMP, day DATE, payer STRUCT<name STRING, city STRING>, tags ARRAY<STRING>, qty INT)
  WITH (KAFKA_TOPIC='payments', FORMAT='PROTOBUF', PARTITIONS=1);

CREATE STREAM big_payments AS
  SELECT id, amount * 2 AS doubled, paid_at, day, UCASE(payer->city) AS city, tags, qty
  FROM payments
  WHERE amount > 10
  EMIT CHANGES;

-- VALUE_PROTOBUF_NULLABLE_REPRESENTATION='WRAPPER' declares primitives as google.protobuf wrappers
-- (OPTIONAL as proto3 `optional`), so a null reads back as null rather than "" or 0.
CREATE STREAM cities WITH (VALUE_PROTOBUF_NULLABLE_REPRESENTATION='WRAPPER') AS
  SELECT id, UCASE(payer->city) AS city, qty FROM payments EMIT CHANGES;
