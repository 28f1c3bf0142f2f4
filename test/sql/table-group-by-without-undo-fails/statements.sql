-- Must fail: MIN and MAX cannot take a row back out of a group, so they cannot aggregate a table
-- (ksqlDB's SchemaKGroupedTable message).
CREATE TABLE users (id STRING PRIMARY KEY, region STRING, score INT)
  WITH (KAFKA_TOPIC='users', FORMAT='JSON');

CREATE TABLE per_region AS
  SELECT region, MIN(score) AS low, COUNT(*) AS n, MAX(score) AS high FROM users GROUP BY region;
