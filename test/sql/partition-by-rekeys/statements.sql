-- PARTITION BY moves a value column into the key.
CREATE STREAM clicks (user_id STRING KEY, page STRING, region STRING)
  WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');

CREATE STREAM clicks_by_page AS
  SELECT page, user_id, region
  FROM clicks
  PARTITION BY page
  EMIT CHANGES;
