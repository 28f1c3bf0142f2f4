-- CUBE_EXPLODE: every keep/NULL combination of the columns, first column most significant, all
-- NULL first; a combination that keeping a NULL input would repeat is left out.
CREATE STREAM test (id STRING KEY, col1 INT, col2 INT, col3 STRING)
  WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON');

CREATE STREAM output AS SELECT id, CUBE_EXPLODE(ARRAY[col1, col2]) AS val, col3 FROM test;
