-- KAFKA keys and values are binary: an INT key is 4 bytes, a BIGINT value 8 bytes.
CREATE STREAM scores (player INT KEY, points BIGINT)
  WITH (KAFKA_TOPIC='scores', KEY_FORMAT='KAFKA', VALUE_FORMAT='KAFKA');

CREATE STREAM doubled WITH (KEY_FORMAT='KAFKA', VALUE_FORMAT='KAFKA') AS
  SELECT player, points * 2 AS points
  FROM scores
  WHERE points > 0
  EMIT CHANGES;
