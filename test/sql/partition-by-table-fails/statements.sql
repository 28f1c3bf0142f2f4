-- Must fail: a table cannot be re-keyed by PARTITION BY (ksqlDB's SchemaKTable message); PARTITION BY
-- its own key is allowed and changes nothing.
CREATE TABLE users (id STRING PRIMARY KEY, name STRING)
  WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');

CREATE TABLE same_key AS SELECT * FROM users PARTITION BY id;

CREATE TABLE by_name AS SELECT * FROM users PARTITION BY name;
