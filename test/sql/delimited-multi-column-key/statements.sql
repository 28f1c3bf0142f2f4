-- A DELIMITED key holds several key columns; KEY_DELIMITER and VALUE_DELIMITER are set apart.
-- A query that keeps the DELIMITED format inherits the source's delimiters.
CREATE STREAM visits (site STRING KEY, page STRING KEY, n INT, ms INT)
  WITH (KAFKA_TOPIC='visits', FORMAT='DELIMITED', KEY_DELIMITER=';', VALUE_DELIMITER='-');

CREATE STREAM visits_json WITH (KEY_FORMAT='JSON', VALUE_FORMAT='JSON') AS SELECT * FROM visits;

CREATE STREAM visits_copy AS SELECT site, page, n * 2 AS n, ms FROM visits;
