-- A record whose value does not fit the schema goes to the processing log; the query goes on.
CREATE STREAM readings (sensor STRING KEY, celsius DOUBLE)
  WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='JSON');

CREATE STREAM fahrenheit AS
  SELECT sensor, celsius * 9 / 5 + 32 AS fahrenheit
  FROM readings
  EMIT CHANGES;
