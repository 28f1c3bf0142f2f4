-- Must fail as in ksqlDB: a NULL literal has no type, so arithmetic on it is refused before anything
-- runs (ksqlDB's Operator.resultType), instead of giving NULL on every row.
CREATE STREAM readings (id STRING KEY, n INT)
  WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='JSON');

CREATE STREAM shifted AS SELECT id, n + NULL AS m FROM readings EMIT CHANGES;
