-- Must fail: QTY is neither grouped nor aggregated (ksqlDB's AggregateAnalyzer message, with its position).
CREATE STREAM input (id STRING KEY, item STRING, qty INT) WITH (KAFKA_TOPIC='input_topic', FORMAT='JSON');

CREATE TABLE broken AS SELECT item, qty, COUNT(*) AS n FROM input GROUP BY item;
