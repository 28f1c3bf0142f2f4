-- Math functions: rounding, logarithms (LOG(x) is the natural log, as ksqlDB computes it), powers, signs.
-- ROUND and FLOOR of a DECIMAL keep its scale.
CREATE STREAM readings (id INT KEY, x DOUBLE, n INT, price DECIMAL(6,2))
  WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='JSON');

CREATE STREAM computed AS
  SELECT id,
         ROUND(x) AS rounded,
         ROUND(price, 1) AS price_1,
         FLOOR(price) AS price_floor,
         CEIL(x) AS x_ceil,
         ABS(n) AS abs_n,
         SIGN(n) AS sign_n,
         LOG(2, 8) AS log2_8,
         LOG(x) AS ln_x,
         LN(1) AS ln_1,
         POWER(n, 2) AS n_squared,
         SQRT(16) AS four,
         GREATEST(n, 3, 10) AS most,
         LEAST(x, 0.5E0) AS least_x
  FROM readings
  EMIT CHANGES;
