-- Date and time functions: parsing, formatting, arithmetic and time zones.
CREATE STREAM events (id INT KEY, day STRING, at BIGINT)
  WITH (KAFKA_TOPIC='events', VALUE_FORMAT='JSON');

CREATE STREAM event_times AS
  SELECT id,
         FORMAT_DATE(DATEADD(DAYS, 10, PARSE_DATE(day, 'yyyy-MM-dd')), 'dd/MM/yyyy') AS ten_days_later,
         UNIX_DATE(PARSE_DATE(day, 'yyyy-MM-dd')) AS epoch_days,
         FORMAT_TIMESTAMP(FROM_UNIXTIME(at), 'yyyy-MM-dd HH:mm:ss') AS utc_text,
         FORMAT_TIMESTAMP(FROM_UNIXTIME(at), 'yyyy-MM-dd HH:mm', 'America/New_York') AS new_york_text,
         UNIX_TIMESTAMP(TIMESTAMPADD(HOURS, 1, FROM_UNIXTIME(at))) AS hour_later,
         FORMAT_TIME(PARSE_TIME('13:25:07', 'HH:mm:ss'), 'h:mm a') AS afternoon,
         TIMESTAMPTOSTRING(at, 'yyyy-MM-dd''T''HH:mm:ss.SSS', 'UTC') AS iso_text
  FROM events
  EMIT CHANGES;
