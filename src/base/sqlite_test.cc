// SPDX-License-Identifier: Apache-2.0
// base/sqlite_test.cc: SqliteDb/SqliteStmt on :memory:, and error mapping.
#include "base/sqlite.h"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "base/file.h"

namespace flow {
namespace {

TEST_CASE("sqlite: exec, prepare, bind, step, reset") {
  auto db = SqliteDb::Open(":memory:");
  REQUIRE(db.ok());
  REQUIRE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, raw BLOB);"
                   "CREATE INDEX t_name ON t(name);")
              .ok());

  auto ins = SqliteStmt::Prepare(db->handle(), "INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
  REQUIRE(ins.ok());
  for (int i = 1; i <= 3; ++i) {
    REQUIRE(ins->BindInt64(1, i).ok());
    REQUIRE(ins->BindText(2, std::string("n") + std::to_string(i)).ok());
    if (i == 2) {
      REQUIRE(ins->BindNull(3).ok());
    } else {
      REQUIRE(ins->BindDouble(3, i * 1.5).ok());
    }
    REQUIRE(ins->BindBlob(4, std::string_view("\0x", 2)).ok());
    auto r = ins->Step();
    REQUIRE(r.ok());
    CHECK_FALSE(*r);  // an INSERT returns no rows
    ins->Reset();
  }

  auto sel = SqliteStmt::Prepare(db->handle(), "SELECT id, name, score, raw FROM t ORDER BY id");
  REQUIRE(sel.ok());
  CHECK(sel->ColumnCount() == 4);
  CHECK(sel->ColumnName(1) == "name");
  std::vector<std::string> rows;
  for (;;) {
    auto r = sel->Step();
    REQUIRE(r.ok());
    if (!*r)
      break;
    CHECK(sel->ColumnType(0) == SQLITE_INTEGER);
    CHECK(sel->ColumnBlob(3) == std::string_view("\0x", 2));
    rows.push_back(std::to_string(sel->ColumnInt64(0)) + " " + std::string(sel->ColumnText(1)) +
                   " " + (sel->ColumnIsNull(2) ? "null" : std::to_string(sel->ColumnDouble(2))));
  }
  CHECK(rows == std::vector<std::string>{"1 n1 1.500000", "2 n2 null", "3 n3 4.500000"});

  // Reset runs the same statement again.
  sel->Reset();
  CHECK(sel->Step().value());
  CHECK(sel->ColumnInt64(0) == 1);
}

TEST_CASE("sqlite: constraint violations carry SQLite's message") {
  auto db = SqliteDb::Open(":memory:");
  REQUIRE(db.ok());
  REQUIRE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)").ok());
  REQUIRE(db->Exec("INSERT INTO t VALUES (1, 'a')").ok());

  Status s = db->Exec("INSERT INTO t VALUES (1, 'b')");
  CHECK(s.ToString() == "InvalidArgument: sqlite: UNIQUE constraint failed: t.id");

  auto ins = SqliteStmt::Prepare(db->handle(), "INSERT INTO t VALUES (?, ?)");
  REQUIRE(ins.ok());
  REQUIRE(ins->BindInt64(1, 2).ok());
  REQUIRE(ins->BindNull(2).ok());
  auto r = ins->Step();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().ToString() == "InvalidArgument: sqlite: NOT NULL constraint failed: t.v");
  ins->Reset();
  REQUIRE(ins->ClearBindings().ok());

  // A bad parameter index is a programming error, reported as Internal.
  CHECK(ins->BindInt64(3, 1).ToString() == "Internal: sqlite: column index out of range");
}

TEST_CASE("sqlite: prepare errors") {
  auto db = SqliteDb::Open(":memory:");
  REQUIRE(db.ok());
  auto bad = SqliteStmt::Prepare(db->handle(), "SELEC 1");
  CHECK(bad.status().ToString() == "InvalidArgument: sqlite: near \"SELEC\": syntax error");
  auto missing = SqliteStmt::Prepare(db->handle(), "SELECT * FROM nope");
  CHECK(missing.status().ToString() == "InvalidArgument: sqlite: no such table: nope");
  CHECK(SqliteStmt::Prepare(db->handle(), "SELECT 1; SELECT 2").status().ToString() ==
        "InvalidArgument: sqlite: more than one statement in \"SELECT 1; SELECT 2\"");
  CHECK(SqliteStmt::Prepare(db->handle(), "SELECT 1; -- done\n").ok());
  CHECK(SqliteStmt::Prepare(db->handle(), "  ").status().Is(Code::kInvalidArgument));
}

TEST_CASE("sqlite: open errors, files and moves") {
  auto dir = ScopedTempDir::Create();
  REQUIRE(dir.ok());
  auto missing = SqliteDb::Open(dir->Join("no/such/dir/x.db"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().ToString() == "IOError: opening " + dir->Join("no/such/dir/x.db") +
                                           ": sqlite: unable to open database file");

  std::string junk = dir->Join("junk.db");
  REQUIRE(WriteFileAtomic(junk, std::string(4096, 'x')).ok());
  auto notadb = SqliteDb::Open(junk);
  REQUIRE(notadb.ok());  // SQLite reads the header lazily
  CHECK(notadb->Exec("SELECT * FROM sqlite_master").ToString() ==
        "Corruption: sqlite: file is not a database");

  std::string path = dir->Join("real.db");
  {
    auto db = SqliteDb::Open(path);
    REQUIRE(db.ok());
    SqliteDb owner = std::move(db).value();
    REQUIRE(owner.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (42)").ok());
    // Moving transfers the connection; the moved-from object closes nothing.
    SqliteDb other = std::move(owner);
    CHECK(owner.handle() == nullptr);
  }
  auto ro = SqliteDb::Open(path, SQLITE_OPEN_READONLY);
  REQUIRE(ro.ok());
  auto sel = SqliteStmt::Prepare(ro->handle(), "SELECT x FROM t");
  REQUIRE(sel.ok());
  REQUIRE(sel->Step().value());
  CHECK(sel->ColumnInt64(0) == 42);
  CHECK(ro->Exec("INSERT INTO t VALUES (1)").ToString() ==
        "FailedPrecondition: sqlite: attempt to write a readonly database");
  CHECK(FromSqlite(nullptr, SQLITE_BUSY).ToString() ==
        "FailedPrecondition: sqlite: database is locked");
  CHECK(FromSqlite(nullptr, SQLITE_DONE).ok());
}

}  // namespace
}  // namespace flow

namespace flow {
namespace {

TEST_CASE("sqlite: a comment-only statement prepares empty only when allowed") {
  auto db = SqliteDb::Open(":memory:");
  REQUIRE(db.ok());
  CHECK_FALSE(SqliteStmt::Prepare(db->handle(), "/* only a comment */ ;").ok());
  auto empty = SqliteStmt::PrepareAllowEmpty(db->handle(), "/* only a comment */ ;");
  REQUIRE(empty.ok());
  CHECK(empty->handle() == nullptr);
  auto real = SqliteStmt::PrepareAllowEmpty(db->handle(), "-- hi\nSELECT 1;");
  REQUIRE(real.ok());
  CHECK(real->handle() != nullptr);
  CHECK_FALSE(SqliteStmt::PrepareAllowEmpty(db->handle(), "SELECT 1; SELECT 2;").ok());
  CHECK_FALSE(SqliteStmt::PrepareAllowEmpty(db->handle(), "SELEKT 1;").ok());
}

}  // namespace
}  // namespace flow
