SELECT $ride_id, $bike_id, CAST(ROUND($price * 100) AS INTEGER) AS cents, DATE($begin) AS day;
