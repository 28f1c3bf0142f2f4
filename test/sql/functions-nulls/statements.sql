-- NULL handling: COALESCE, IFNULL, NULLIF, IS [NOT] NULL and IS [NOT] DISTINCT FROM.
CREATE STREAM contacts (id INT KEY, phone STRING, mobile STRING, backup STRING)
  WITH (KAFKA_TOPIC='contacts', VALUE_FORMAT='JSON');

CREATE STREAM reachable AS
  SELECT id,
         COALESCE(phone, mobile, backup, 'none') AS best,
         IFNULL(mobile, 'no mobile') AS mobile_or_text,
         NULLIF(phone, '') AS phone_or_null,
         phone IS NULL AS no_phone,
         phone IS DISTINCT FROM mobile AS differ,
         phone IS NOT DISTINCT FROM mobile AS same
  FROM contacts
  EMIT CHANGES;
