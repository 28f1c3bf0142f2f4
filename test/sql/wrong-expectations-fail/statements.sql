-- Must fail: the output file is wrong on purpose, and the report says where.
CREATE STREAM users (id INT KEY, name STRING, score DECIMAL(4,1))
  WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');

CREATE STREAM shouting AS
  SELECT id, UCASE(name) AS name, score
  FROM users
  WHERE score > 1
  EMIT CHANGES;
