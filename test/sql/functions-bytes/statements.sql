-- Bytes and encodings: TO_BYTES/FROM_BYTES, ENCODE, numbers read from bytes in either byte order.
CREATE STREAM blobs (id INT KEY, b64 STRING, text STRING)
  WITH (KAFKA_TOPIC='blobs', VALUE_FORMAT='JSON');

CREATE STREAM blob_values AS
  SELECT id,
         INT_FROM_BYTES(TO_BYTES(b64, 'base64')) AS as_int,
         INT_FROM_BYTES(TO_BYTES(b64, 'base64'), 'LITTLE_ENDIAN') AS as_int_le,
         BIGINT_FROM_BYTES(TO_BYTES('AAAAASoF8gA=', 'base64')) AS as_bigint,
         DOUBLE_FROM_BYTES(TO_BYTES('QICm/ZvJ9YI=', 'base64')) AS as_double,
         FROM_BYTES(TO_BYTES(text, 'utf8'), 'hex') AS text_hex,
         ENCODE(text, 'utf8', 'base64') AS text_base64,
         LEN(TO_BYTES(b64, 'base64')) AS byte_count,
         TO_BYTES(text, 'utf8') AS raw
  FROM blobs
  EMIT CHANGES;
