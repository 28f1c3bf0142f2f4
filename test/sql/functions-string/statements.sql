-- String functions: case, trimming, padding, searching, splitting and masking.
-- INITCAP drops leading whitespace, as ksqlDB's word pattern does.
CREATE STREAM people (id INT KEY, name STRING, tags STRING)
  WITH (KAFKA_TOPIC='people', VALUE_FORMAT='JSON');

CREATE STREAM people_text AS
  SELECT id,
         UCASE(name) AS upper_name,
         INITCAP(LCASE(name)) AS title_name,
         LEN(TRIM(name)) AS trimmed_length,
         LPAD(CAST(id AS STRING), 4, '0') AS padded_id,
         SUBSTRING(name, 2, 3) AS middle,
         INSTR(name, 'a') AS first_a,
         REPLACE(name, ' ', '_') AS snake,
         CONCAT_WS('-', name, NULL, 'x') AS joined,
         SPLIT(tags, ',') AS tag_list,
         SPLIT_TO_MAP(tags, ',', '=') AS tag_map,
         MASK(name) AS masked,
         REGEXP_EXTRACT('(\w+) (\w+)', name, 2) AS second_word,
         CHR(75) AS k
  FROM people
  EMIT CHANGES;
