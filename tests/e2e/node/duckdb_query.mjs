// SPDX-License-Identifier: Apache-2.0
// tests/e2e/node/duckdb_query.mjs: runs one DuckDB SQL query and prints the rows as a
// JSON array (BIGINTs as strings), for end-to-end tests that read flowctl's data lake.
//   node duckdb_query.mjs "SELECT ... FROM read_json_auto('D/fragments/c/**/*.gz', ...)"
import { DuckDBInstance } from '@duckdb/node-api';

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const result = await con.runAndReadAll(process.argv[2]);
process.stdout.write(JSON.stringify({
  columns: result.columnNames(),
  types: result.columnTypes().map(String),
  rows: result.getRowObjectsJson(),
}) + '\n');
