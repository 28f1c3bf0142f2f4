-- DELIMITED values are text: written as given, read back as text.
CREATE STREAM people (id STRING KEY, name STRING, age INT, city STRING)
  WITH (KAFKA_TOPIC='people', VALUE_FORMAT='DELIMITED');

CREATE STREAM adults WITH (VALUE_FORMAT='DELIMITED', VALUE_DELIMITER='|') AS
  SELECT id, UCASE(name) AS name, age, city
  FROM people
  WHERE age >= 18
  EMIT CHANGES;
