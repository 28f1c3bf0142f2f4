-- JSON_SR values: JSON behind Confluent's header (magic byte 0, the registered JSON schema's id);
-- the CSAS registers ksqlDB's JSON schema for its columns under BIG_PAYMENTS-value.
CREATE STREAM payments (id STRING KEY, amount DECIMAL(8, 2), payer STRUCT<name STRING, city STRING>)
  WITH (KAFKA_TOPIC='payments', VALUE_FORMAT='JSON_SR', PARTITIONS=1);

CREATE STREAM big_payments AS
  SELECT id, amount * 2 AS doubled, UCASE(payer->city) AS city
  FROM payments
  WHERE amount > 10
  EMIT CHANGES;
