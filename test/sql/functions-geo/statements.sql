-- GEO_DISTANCE: haversine great-circle distance in kilometres (default) or miles.
CREATE STREAM trips (id INT KEY, lat1 DOUBLE, lon1 DOUBLE, lat2 DOUBLE, lon2 DOUBLE)
  WITH (KAFKA_TOPIC='trips', VALUE_FORMAT='JSON');

CREATE STREAM trip_lengths AS
  SELECT id,
         ROUND(GEO_DISTANCE(lat1, lon1, lat2, lon2), 3) AS km,
         ROUND(GEO_DISTANCE(lat1, lon1, lat2, lon2, 'MILES'), 3) AS miles
  FROM trips
  EMIT CHANGES;
