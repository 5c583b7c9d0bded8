INSERT INTO bikes (bike_id, rides, revenue, last_seen) VALUES ($bike_id, 1, $price, $begin)
  ON CONFLICT (bike_id) DO UPDATE SET
    rides = rides + 1,
    revenue = revenue + excluded.revenue,
    last_seen = MAX(last_seen, excluded.last_seen)
  RETURNING bike_id, rides, revenue, last_seen;
