-- A single value column that is NULL, per format, as ksqlDB writes it: KAFKA and bare JSON have no
-- text for NULL, so the record has no value (a tombstone); DELIMITED writes an empty field. A record
-- that arrives without value stays without one. A KAFKA key that is NULL is no key.
CREATE STREAM src (k STRING KEY, n INT) WITH (KAFKA_TOPIC='src', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');

CREATE STREAM as_kafka WITH (VALUE_FORMAT='KAFKA') AS SELECT k, n FROM src;

CREATE STREAM as_delimited WITH (VALUE_FORMAT='DELIMITED') AS SELECT k, n FROM src;

CREATE STREAM as_bare_json WITH (WRAP_SINGLE_VALUE=false) AS SELECT k, n FROM src;

CREATE STREAM as_wrapped_json AS SELECT k, n FROM src;
