-- Completed trips per rider; rides/rider-tiers upserts into it.
CREATE TABLE riders (
  rider TEXT PRIMARY KEY NOT NULL,
  rides INTEGER NOT NULL
);
