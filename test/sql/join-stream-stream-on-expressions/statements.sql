-- Stream-stream joins on expressions and their keys (ksqlDB's "aliased synthetic join key", "inner
-- join - with left/right join column in projection", "full join - with both join column in
-- projection" and "stream stream inner join with different before and after windows" cases). A
-- join on expressions of both sides is keyed by the synthetic ROWKEY (here projected as A); when one
-- side is a plain column the result is keyed by that column (L_A, R_A), the other side re-keyed by
-- its expression. FULL OUTER is keyed by ROWKEY, first under SELECT *. WITHIN (11 SECONDS,
-- 10 SECONDS): a right record joins a left one 11 s before to 10 s after it.
CREATE STREAM l (a INT KEY, b INT, c INT) WITH (KAFKA_TOPIC='LEFT', VALUE_FORMAT='JSON');
CREATE STREAM r (a INT KEY, b INT, c INT) WITH (KAFKA_TOPIC='RIGHT', VALUE_FORMAT='JSON');

CREATE STREAM synthetic AS SELECT ROWKEY AS a, l.b, l.c, r.*
  FROM l INNER JOIN r WITHIN 10 SECONDS ON ABS(l.a) = ABS(r.a);
CREATE STREAM left_column AS SELECT l.*, r.* FROM l INNER JOIN r WITHIN 10 SECONDS ON l.a = ABS(r.a);
CREATE STREAM right_column AS SELECT l.*, r.* FROM l INNER JOIN r WITHIN 10 SECONDS ON ABS(l.a) = r.a;

CREATE STREAM l2 (a INT KEY, b INT, c INT) WITH (KAFKA_TOPIC='LEFT2', VALUE_FORMAT='JSON');
CREATE STREAM r2 (a INT KEY, b INT, c INT) WITH (KAFKA_TOPIC='RIGHT2', VALUE_FORMAT='JSON');
CREATE STREAM full_star AS SELECT * FROM l2 FULL OUTER JOIN r2 WITHIN 10 SECONDS ON l2.a = r2.a;

CREATE STREAM test (id BIGINT KEY, name VARCHAR, value BIGINT) WITH (KAFKA_TOPIC='left_topic', VALUE_FORMAT='JSON');
CREATE STREAM test_stream (id BIGINT KEY, f1 VARCHAR, f2 BIGINT) WITH (KAFKA_TOPIC='right_topic', VALUE_FORMAT='JSON');
CREATE STREAM inner_join AS SELECT t.id, name, value, f1, f2 FROM test t
  JOIN test_stream tt WITHIN (11 SECONDS, 10 SECONDS) ON t.id = tt.id;
