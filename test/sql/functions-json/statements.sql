-- JSON functions over JSON text held in a STRING column.
CREATE STREAM docs (id INT KEY, doc STRING, items STRING)
  WITH (KAFKA_TOPIC='docs', VALUE_FORMAT='JSON');

CREATE STREAM doc_parts AS
  SELECT id,
         EXTRACTJSONFIELD(doc, '$.user.name') AS user_name,
         IS_JSON_STRING(doc) AS is_json,
         JSON_KEYS(doc) AS doc_keys,
         JSON_RECORDS(doc) AS doc_records,
         JSON_ARRAY_LENGTH(items) AS item_count,
         JSON_ARRAY_CONTAINS(items, 2) AS has_two,
         JSON_ITEMS('[{"a": 1}, {"b": [2]}]') AS objects,
         JSON_CONCAT(items, '[9]') AS more_items,
         TO_JSON_STRING(STRUCT(id := id, tags := ARRAY['x'])) AS as_json
  FROM docs
  EMIT CHANGES;
