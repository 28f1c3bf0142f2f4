-- GROUP BY over a table (KGroupedTable.aggregate): a change first takes the key's old row out of
-- its group, then adds the new row, each emitting the group's row (subtract first, even when the
-- group is the same); a delete only subtracts; a group whose rows all left stays, with COUNT 0.
CREATE TABLE users (id STRING PRIMARY KEY, region STRING, score INT)
  WITH (KAFKA_TOPIC='users', FORMAT='JSON');

CREATE TABLE per_region AS
  SELECT region, COUNT(*) AS n, SUM(score) AS total, COLLECT_LIST(id) AS ids
  FROM users WHERE score >= 0 GROUP BY region;
