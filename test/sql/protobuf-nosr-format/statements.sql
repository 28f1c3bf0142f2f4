-- PROTOBUF_NOSR: bare Protobuf messages, no registry: the schema comes from the columns. A single
-- value column may be unwrapped (WRAP_SINGLE_VALUE=false), which PROTOBUF refuses.
CREATE STREAM readings (sensor STRING KEY, temp DOUBLE, site STRUCT<name STRING, floor INT>, labels MAP<STRING, STRING>)
  WITH (KAFKA_TOPIC='readings', KEY_FORMAT='KAFKA', VALUE_FORMAT='PROTOBUF_NOSR', PARTITIONS=1);

CREATE STREAM hot WITH (VALUE_FORMAT='PROTOBUF_NOSR', WRAP_SINGLE_VALUE=false) AS
  SELECT sensor, site->name AS site FROM readings WHERE temp > 30 EMIT CHANGES;

CREATE STREAM relabelled WITH (VALUE_FORMAT='PROTOBUF_NOSR') AS
  SELECT sensor, temp * 2 AS doubled, labels['zone'] AS zone, site FROM readings EMIT CHANGES;
