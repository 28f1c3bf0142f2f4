-- CAST between numbers, text and booleans.
CREATE STREAM raw (id INT KEY, amount STRING, ratio DOUBLE, flag STRING, big BIGINT)
  WITH (KAFKA_TOPIC='raw', VALUE_FORMAT='JSON');

CREATE STREAM typed AS
  SELECT id,
         CAST(amount AS DECIMAL(5,1)) AS amount,
         CAST(ratio AS INT) AS ratio_int,
         CAST(flag AS BOOLEAN) AS flag,
         CAST(big AS STRING) AS big_text,
         CAST(id AS DOUBLE) AS id_double
  FROM raw
  EMIT CHANGES;
