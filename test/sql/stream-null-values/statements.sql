-- A stream record without a value (a null value, a tombstone) goes through a query as one, keyed,
-- as in ksqlDB; a WHERE clause drops it. After PARTITION BY its key holds what can be computed from
-- the old key alone (key columns, constants); the rest of the key is NULL.
CREATE STREAM events (id INT KEY, name STRING, n INT) WITH (KAFKA_TOPIC='events', FORMAT='JSON');

CREATE STREAM copied AS SELECT id, COALESCE(name, 'x') AS name FROM events;

CREATE STREAM filtered AS SELECT id, name FROM events WHERE n > 0;

CREATE STREAM rekeyed AS SELECT id + 1 AS k1, 7, n, name FROM events PARTITION BY id + 1, 7, n;

CREATE STREAM rekeyed_by_value AS SELECT name, id FROM events PARTITION BY name;
