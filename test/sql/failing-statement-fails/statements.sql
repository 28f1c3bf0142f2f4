-- Must fail: the second statement selects a column the stream does not have.
CREATE STREAM users (id INT KEY, name STRING)
  WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON');

CREATE STREAM broken AS SELECT id, nickname FROM users EMIT CHANGES;
