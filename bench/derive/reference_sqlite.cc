// SPDX-License-Identifier: Apache-2.0
// bench/derive/reference_sqlite.cc: the raw-SQLite side of bench/derive: the same
// migration and lambda statement flowctl runs, executed through the SQLite C API with
// the same bound values, all rows in one transaction of an in-memory database (as
// `flowctl preview` uses). Per row: bind each $parameter by name, step every result
// row and read every column, reset. Rows come from `bench/gen --csv rides`
// (ride_id,bike_id,price,begin, the values flowctl binds from the JSON documents) and
// are loaded before the clock starts.
//
//   g++ -O3 -std=c++20 reference_sqlite.cc -lsqlite3 -o reference_sqlite
//   reference_sqlite NAME RIDES.csv MIGRATION.sql|- LAMBDA.sql
// prints: NAME docs=N rows=R seconds=S docs_per_s=D
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sqlite3.h>

namespace {

struct Ride {
  int64_t ride_id;
  int64_t bike_id;
  double price;
  std::string begin;
};

[[noreturn]] void Die(sqlite3* db, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), db ? sqlite3_errmsg(db) : "?");
  std::exit(1);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    Die(nullptr, "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Ride> LoadCsv(const std::string& path) {
  std::vector<Ride> rows;
  std::ifstream in(path);
  if (!in)
    Die(nullptr, "cannot read " + path);
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
    rows.push_back(Ride{std::strtoll(line.c_str(), nullptr, 10),
                        std::strtoll(line.c_str() + a + 1, nullptr, 10),
                        std::strtod(line.c_str() + b + 1, nullptr), line.substr(c + 1)});
  }
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s NAME RIDES.csv MIGRATION.sql|- LAMBDA.sql\n", argv[0]);
    return 2;
  }
  const std::string name = argv[1];
  std::vector<Ride> rides = LoadCsv(argv[2]);
  const std::string migration = std::string(argv[3]) == "-" ? "" : Slurp(argv[3]);
  const std::string lambda = Slurp(argv[4]);

  const auto start = std::chrono::steady_clock::now();
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK)
    Die(db, "open");
  if (sqlite3_exec(db, migration.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    Die(db, "migration");
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, lambda.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK)
    Die(db, "prepare");
  // Which row value each parameter takes, by name (as flowctl resolves projections).
  enum Source { kRideId, kBikeId, kPrice, kBegin };
  std::vector<std::pair<int, Source>> params;
  for (int i = 1; i <= sqlite3_bind_parameter_count(stmt); ++i) {
    std::string p = sqlite3_bind_parameter_name(stmt, i);
    if (p == "$ride_id")
      params.emplace_back(i, kRideId);
    else if (p == "$bike_id")
      params.emplace_back(i, kBikeId);
    else if (p == "$price")
      params.emplace_back(i, kPrice);
    else if (p == "$begin")
      params.emplace_back(i, kBegin);
    else
      Die(nullptr, "unknown parameter " + p);
  }
  const int columns = sqlite3_column_count(stmt);

  if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
    Die(db, "begin");
  uint64_t out_rows = 0, checksum = 0;
  for (const Ride& r : rides) {
    for (const auto& [index, source] : params) {
      switch (source) {
        case kRideId:
          sqlite3_bind_int64(stmt, index, r.ride_id);
          break;
        case kBikeId:
          sqlite3_bind_int64(stmt, index, r.bike_id);
          break;
        case kPrice:
          sqlite3_bind_double(stmt, index, r.price);
          break;
        case kBegin:
          sqlite3_bind_text(stmt, index, r.begin.data(), static_cast<int>(r.begin.size()),
                            SQLITE_STATIC);
          break;
      }
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      ++out_rows;
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER:
            checksum += static_cast<uint64_t>(sqlite3_column_int64(stmt, c));
            break;
          case SQLITE_FLOAT:
            checksum += static_cast<uint64_t>(sqlite3_column_double(stmt, c));
            break;
          case SQLITE_TEXT:
            checksum += static_cast<uint64_t>(sqlite3_column_bytes(stmt, c)) +
                        static_cast<unsigned char>(*sqlite3_column_text(stmt, c));
            break;
          default:
            break;
        }
      }
    }
    if (rc != SQLITE_DONE)
      Die(db, "step");
    sqlite3_reset(stmt);
  }
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    Die(db, "commit");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s docs=%zu rows=%llu seconds=%.3f docs_per_s=%.0f checksum=%llu\n", name.c_str(),
              rides.size(), static_cast<unsigned long long>(out_rows), secs, rides.size() / secs,
              static_cast<unsigned long long>(checksum));
  return 0;
}
