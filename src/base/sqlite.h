// SPDX-License-Identifier: Apache-2.0
// base/sqlite.h: RAII owners for sqlite3 connections and prepared statements.
//
// A connection and its statements belong to one thread at a time: SQLite is used
// from the uv threadpool (derive/materialize) or at start-up, never concurrently.
// Errors become a Status through FromSqlite(), which carries SQLite's own message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "base/status.h"

namespace flow {

/// Converts a SQLite result code into a Status. SQLITE_OK, SQLITE_ROW and SQLITE_DONE
/// are OK. The message is "sqlite: " plus sqlite3_errmsg(db) when `db` is given
/// (it describes the most recent failed call on that connection), else
/// sqlite3_errstr(rc). Codes: constraint violations, type mismatches and SQL errors
/// are InvalidArgument; corrupt or non-database files Corruption; busy, locked and
/// read-only FailedPrecondition; interrupts Cancelled; misuse and range errors
/// Internal; everything else (I/O, full disk, cannot open) IOError.
Status FromSqlite(sqlite3* db, int rc);

/// Owns a sqlite3 connection and closes it (sqlite3_close_v2) on destruction;
/// statements still alive then keep the connection open until they are finalized.
/// Movable, not copyable.
class SqliteDb {
 public:
  static constexpr int kDefaultFlags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

  /// Opens `path` (":memory:" for a private in-memory database). Extended result
  /// codes are turned on. Returns FromSqlite()'s Status on failure.
  static Result<SqliteDb> Open(const std::string& path, int flags = kDefaultFlags);

  SqliteDb(SqliteDb&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  SqliteDb& operator=(SqliteDb&& other) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  /// Runs one or more `;`-separated statements, discarding any rows.
  Status Exec(const std::string& sql);

  sqlite3* handle() const { return db_; }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}

  sqlite3* db_;
};

/// Owns one prepared statement and finalizes it on destruction. The connection must
/// outlive the statement. Parameter indexes are 1-based (as in SQLite), column
/// indexes 0-based. Column accessors return views into SQLite's memory, valid until
/// the next Step(), Reset() or destruction.
class SqliteStmt {
 public:
  /// Prepares exactly one statement; InvalidArgument if `sql` holds more than one.
  static Result<SqliteStmt> Prepare(sqlite3* db, std::string_view sql);
  /// Like Prepare, but a statement of only comments and whitespace prepares to an
  /// empty SqliteStmt (handle() == nullptr) instead of an error.
  static Result<SqliteStmt> PrepareAllowEmpty(sqlite3* db, std::string_view sql);

  SqliteStmt(SqliteStmt&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  SqliteStmt& operator=(SqliteStmt&& other) noexcept;
  SqliteStmt(const SqliteStmt&) = delete;
  SqliteStmt& operator=(const SqliteStmt&) = delete;
  ~SqliteStmt();

  Status BindInt64(int index, int64_t value);
  Status BindDouble(int index, double value);
  /// Text and blobs are copied (SQLITE_TRANSIENT), so `value` need not outlive the call.
  Status BindText(int index, std::string_view value);
  Status BindBlob(int index, std::string_view value);
  Status BindNull(int index);

  /// Advances the statement: true if a row is ready to read, false when done.
  Result<bool> Step();
  /// Rewinds to run again; bindings are kept (see ClearBindings). Cannot fail: an
  /// error from the last Step() was already returned there.
  void Reset();
  Status ClearBindings();

  int ColumnCount() const;
  /// SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
  int ColumnType(int col) const;
  bool ColumnIsNull(int col) const { return ColumnType(col) == SQLITE_NULL; }
  int64_t ColumnInt64(int col) const;
  double ColumnDouble(int col) const;
  std::string_view ColumnText(int col) const;
  std::string_view ColumnBlob(int col) const;
  std::string_view ColumnName(int col) const;

  sqlite3_stmt* handle() const { return stmt_; }

 private:
  explicit SqliteStmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Status Check(int rc) const { return FromSqlite(sqlite3_db_handle(stmt_), rc); }

  sqlite3_stmt* stmt_;
};

}  // namespace flow
