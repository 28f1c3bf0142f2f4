-- PARTITION BY several expressions builds a key of several columns, in PARTITION BY order, named
-- as ksqlDB names them (column name, alias, KSQL_COL_n) and written with the key format (a JSON
-- object, or DELIMITED fields). SELECT * moves the partitioning columns into the key and the old
-- key into the value.
CREATE STREAM people (age INT KEY, name STRING, id INT) WITH (KAFKA_TOPIC='people', FORMAT='JSON');

CREATE STREAM by_exprs AS
  SELECT ABS(id), 1, age + 2 AS k3, age, name FROM people PARTITION BY ABS(id), 1, age + 2;

CREATE STREAM by_columns AS SELECT * FROM people PARTITION BY name, id;

CREATE STREAM by_columns_csv WITH (FORMAT='DELIMITED') AS
  SELECT id, name, age FROM people PARTITION BY id, name;

-- PARTITION BY NULL drops the key: the old key columns become value columns.
CREATE STREAM keyless AS SELECT * FROM people PARTITION BY NULL;
