-- NULL as ksqlDB evaluates it, which is not SQL's three-valued logic: a comparison, BETWEEN or IN
-- with a NULL is FALSE (so NOT of it is TRUE, and WHERE NOT (v = 1) keeps rows where v is NULL);
-- AND/OR read left to right and give NULL once they reach a NULL (FALSE AND NULL is FALSE, NULL AND
-- FALSE is NULL); a NULL CASE condition makes the CASE NULL; a NULL struct's field is NULL; and
-- 'a' + NULL is 'anull', as Java concatenates.
CREATE STREAM readings (id STRING KEY, v INT, flag BOOLEAN, name STRING, info STRUCT<city STRING>)
  WITH (KAFKA_TOPIC='readings', VALUE_FORMAT='JSON');

CREATE STREAM null_rules AS
  SELECT id,
         v = 1 AS eq,
         v <> 1 AS ne,
         NOT (v = 1) AS not_eq,
         v BETWEEN 0 AND 9 AS btw,
         v NOT BETWEEN 0 AND 9 AS not_btw,
         v IN (1, 2) AS in_list,
         v NOT IN (1, 2) AS not_in,
         FALSE AND flag AS false_and_flag,
         flag AND FALSE AS flag_and_false,
         flag OR TRUE AS flag_or_true,
         CASE WHEN flag THEN 'yes' ELSE 'no' END AS flag_case,
         CASE WHEN v > 5 THEN 'big' ELSE 'small' END AS size,
         info->city AS city,
         'id:' + name AS label
  FROM readings
  EMIT CHANGES;

CREATE STREAM not_one AS SELECT id, v FROM readings WHERE NOT (v = 1) EMIT CHANGES;
