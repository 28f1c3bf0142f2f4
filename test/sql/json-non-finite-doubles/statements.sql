-- JSON has no NaN or Infinity: like ksqlDB (Jackson), a DOUBLE that is not finite is written as the
-- string "NaN", "Infinity" or "-Infinity", and such strings read back as the DOUBLE.
CREATE STREAM ratios (id STRING KEY, num DOUBLE, den DOUBLE) WITH (KAFKA_TOPIC='ratios', VALUE_FORMAT='JSON');

CREATE STREAM quotients AS SELECT id, num / den AS q, ARRAY[num / den] AS qs FROM ratios;
