-- AVRO values: inputs given as JSON are written with the schema registered for the stream's columns;
-- outputs are read back with the schema each record's id names. DECIMAL, TIMESTAMP and DATE keep
-- their Avro logical types, a STRUCT is a nested record, WRAP_SINGLE_VALUE=false writes a bare value.
CREATE STREAM payments (id STRING KEY, amount DECIMAL(8, 2), paid_at TIMESTAMP, day DATE, payer STRUCT<name STRING, city STRING>)
  WITH (KAFKA_TOPIC='payments', VALUE_FORMAT='AVRO', PARTITIONS=1);

CREATE STREAM big_payments AS
  SELECT id, amount * 2 AS doubled, paid_at, day, UCASE(payer->city) AS city
  FROM payments
  WHERE amount > 10
  EMIT CHANGES;

CREATE STREAM amounts WITH (WRAP_SINGLE_VALUE=false) AS
  SELECT id, amount FROM payments EMIT CHANGES;
