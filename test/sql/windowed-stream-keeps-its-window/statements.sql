-- A windowed source (WINDOW_TYPE): its keys carry a window, read into WINDOWSTART and WINDOWEND; a
-- query over a windowed stream writes its output with the same windowed keys. Input and output files
-- give each record's window.
CREATE STREAM clicks (id STRING KEY, page STRING)
  WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', WINDOW_TYPE='SESSION');

CREATE STREAM home AS SELECT id, page, WINDOWSTART AS ws FROM clicks WHERE page = 'home';
