-- An expression that fails for a record (a CAST of text that is not a number, a division by zero)
-- is NULL in that record's output, which still goes out, and the failure goes to the processing log,
-- as in ksqlDB. A WHERE clause that fails drops the record. A PARTITION BY expression that fails
-- gives a NULL key.
CREATE STREAM inputs (id STRING KEY, amount STRING, divisor INT) WITH (KAFKA_TOPIC='inputs', FORMAT='JSON');

CREATE STREAM parsed AS SELECT id, CAST(amount AS INT) AS amount, 100 / divisor AS share FROM inputs;

CREATE STREAM positive AS SELECT id, amount FROM inputs WHERE CAST(amount AS INT) > 0;

CREATE STREAM by_amount AS SELECT CAST(amount AS INT) AS n, id FROM inputs PARTITION BY CAST(amount AS INT);
