-- Copies each order.
SELECT
  $id,
  $total AS total;
