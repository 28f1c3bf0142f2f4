-- URL functions: each part as java.net.URI reports it, decoded; form encoding of parameters.
CREATE STREAM clicks (id INT KEY, url STRING)
  WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');

CREATE STREAM click_parts AS
  SELECT id,
         URL_EXTRACT_PROTOCOL(url) AS protocol,
         URL_EXTRACT_HOST(url) AS host,
         URL_EXTRACT_PORT(url) AS port,
         URL_EXTRACT_PATH(url) AS path,
         URL_EXTRACT_QUERY(url) AS query,
         URL_EXTRACT_PARAMETER(url, 'q') AS q,
         URL_EXTRACT_FRAGMENT(url) AS fragment,
         URL_ENCODE_PARAM('a b&c') AS encoded,
         URL_DECODE_PARAM('a+b%26c') AS decoded
  FROM clicks
  EMIT CHANGES;
