// SPDX-License-Identifier: Apache-2.0
// bench/combine/duckdb_reduce.mjs: the reference side of bench/combine: DuckDB (npm
// @duckdb/node-api, default threads) reduces the agg deltas by bike_id with the same
// semantics as rides_agg.schema.json: rides and total_s summed, last_seen maximized, and
// the stations map merged with per-station sums. Timed end to end: instance creation,
// read_json_auto (with its schema sniffing), the aggregation and COPY to JSON lines.
//
//   node duckdb_reduce.mjs IN.jsonl OUT.jsonl      prints "seconds=<s>"
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node duckdb_reduce.mjs IN.jsonl OUT.jsonl');
  process.exit(2);
}
const q = (s) => `'${s.replaceAll("'", "''")}'`;

// Scalars group directly; the map is unnested into (bike, station, count) rows, summed,
// and folded back into one map per bike.
const sql = `
  COPY (
    WITH deltas AS MATERIALIZED (SELECT * FROM read_json_auto(${q(input)})),
    scalars AS (
      SELECT bike_id, sum(rides)::BIGINT AS rides, sum(total_s)::BIGINT AS total_s,
             max(last_seen) AS last_seen
      FROM deltas GROUP BY bike_id),
    per_station AS (
      SELECT bike_id, entry.key AS station, sum(entry.value)::BIGINT AS n
      FROM (SELECT bike_id, unnest(map_entries(stations)) AS entry FROM deltas)
      GROUP BY ALL),
    maps AS (
      SELECT bike_id, map_from_entries(list({'key': station, 'value': n})) AS stations
      FROM per_station GROUP BY bike_id)
    SELECT s.bike_id, s.rides, s.total_s, strftime(s.last_seen, '%Y-%m-%dT%H:%M:%SZ') AS last_seen,
           m.stations
    FROM scalars s JOIN maps m USING (bike_id)
  ) TO ${q(output)} (FORMAT JSON)`;

const t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(sql);
const seconds = (performance.now() - t0) / 1000;
console.log(`seconds=${seconds.toFixed(3)}`);
