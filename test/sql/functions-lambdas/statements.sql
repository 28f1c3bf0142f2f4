-- Lambdas: TRANSFORM, FILTER and REDUCE over arrays and maps; parameters typed from the collection.
CREATE STREAM exams (id STRING KEY, scores ARRAY<INT>, grades MAP<STRING, INT>)
  WITH (KAFKA_TOPIC='exams', VALUE_FORMAT='JSON');

CREATE STREAM exam_summary AS
  SELECT id,
         TRANSFORM(scores, s => s * 2) AS doubled,
         FILTER(scores, s => s >= 50) AS passed,
         REDUCE(scores, 0, (total, s) => total + s) AS total,
         TRANSFORM(grades, (k, v) => UCASE(k), (k, v) => v + 1) AS curved,
         FILTER(grades, (k, v) => v > 3) AS high,
         REDUCE(grades, 0, (s, k, v) => CASE WHEN LEN(k) > 3 THEN s + v ELSE s - v END) AS weighted
  FROM exams
  EMIT CHANGES;
