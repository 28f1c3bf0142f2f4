-- DELIMITED text exactly as ksqlDB writes it (Commons CSV 1.4 quoting):
-- a first field that does not start with an ASCII letter or digit is quoted ("-5", "/a"),
-- an empty string is "" only as the first field (elsewhere it is left empty and reads back as NULL),
-- DATE is days since the epoch, TIME milliseconds of the day, TIMESTAMP epoch milliseconds,
-- DECIMAL plain digits at its scale, DOUBLE as Java prints it, BYTES base64.
CREATE STREAM readings (id STRING KEY, delta INT, note STRING, ratio DOUBLE, amount DECIMAL(6,2),
                        day DATE, at TIME, ts TIMESTAMP, raw BYTES)
  WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='JSON');

CREATE STREAM readings_csv WITH (VALUE_FORMAT='DELIMITED') AS
  SELECT id, delta, note, ratio, amount, day, at, ts, raw FROM readings EMIT CHANGES;

CREATE STREAM notes_first WITH (VALUE_FORMAT='DELIMITED', VALUE_DELIMITER='|') AS
  SELECT id, note, delta FROM readings EMIT CHANGES;
