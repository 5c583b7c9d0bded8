// SPDX-License-Identifier: Apache-2.0
// base/sqlite.cc: SqliteDb, SqliteStmt and the SQLite → Status mapping.
#include "base/sqlite.h"

#include <cstring>

namespace flow {

Status FromSqlite(sqlite3* db, int rc) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE)
    return Status::OK();
  // sqlite3_errmsg describes the connection's most recent failure; it is the useful
  // text ("UNIQUE constraint failed: t.id") when `rc` came from that failure.
  const char* msg = nullptr;
  if (db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff))
    msg = sqlite3_errmsg(db);
  if (msg == nullptr)
    msg = sqlite3_errstr(rc);
  switch (rc & 0xff) {  // the primary code; extended codes keep it in the low byte
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_ERROR:
    case SQLITE_TOOBIG:
      return Status::InvalidArgument("sqlite: {}", msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption("sqlite: {}", msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
      return Status::FailedPrecondition("sqlite: {}", msg);
    case SQLITE_INTERRUPT:
    case SQLITE_ABORT:
      return Status::Cancelled("sqlite: {}", msg);
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_INTERNAL:
      return Status::Internal("sqlite: {}", msg);
    default:
      return Status::IOError("sqlite: {}", msg);
  }
}

// ---- SqliteDb ----

Result<SqliteDb> SqliteDb::Open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    // Even a failed open usually allocates a handle, which holds the message.
    Status s = FromSqlite(db, rc).Annotate(fmt::format("opening {}", path));
    sqlite3_close_v2(db);
    return s;
  }
  sqlite3_extended_result_codes(db, 1);
  return SqliteDb(db);
}

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = other.db_;
    other.db_ = nullptr;
  }
  return *this;
}

SqliteDb::~SqliteDb() {
  sqlite3_close_v2(db_);
}  // a no-op for nullptr

Status SqliteDb::Exec(const std::string& sql) {
  return FromSqlite(db_, sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr));
}

// ---- SqliteStmt ----

Result<SqliteStmt> SqliteStmt::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
  if (rc != SQLITE_OK)
    return FromSqlite(db, rc);
  if (stmt == nullptr)
    return Status::InvalidArgument("sqlite: no statement in \"{}\"", sql);
  SqliteStmt owned(stmt);
  // Preparing the rest finds a second statement that would otherwise be silently
  // ignored; trailing whitespace, `;` and comments prepare to nothing.
  size_t used = static_cast<size_t>(tail - sql.data());
  if (used < sql.size()) {
    sqlite3_stmt* extra = nullptr;
    std::string_view rest = sql.substr(used);
    rc = sqlite3_prepare_v2(db, rest.data(), static_cast<int>(rest.size()), &extra, nullptr);
    sqlite3_finalize(extra);
    if (rc != SQLITE_OK || extra != nullptr) {
      return Status::InvalidArgument("sqlite: more than one statement in \"{}\"", sql);
    }
  }
  return owned;
}

Result<SqliteStmt> SqliteStmt::PrepareAllowEmpty(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK)
    return FromSqlite(db, rc);
  if (stmt == nullptr)
    return SqliteStmt(nullptr);
  sqlite3_finalize(stmt);
  return Prepare(db, sql);
}

SqliteStmt& SqliteStmt::operator=(SqliteStmt&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

SqliteStmt::~SqliteStmt() {
  sqlite3_finalize(stmt_);
}  // a no-op for nullptr

Status SqliteStmt::BindInt64(int index, int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value));
}

Status SqliteStmt::BindDouble(int index, double value) {
  return Check(sqlite3_bind_double(stmt_, index, value));
}

Status SqliteStmt::BindText(int index, std::string_view value) {
  return Check(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Status SqliteStmt::BindBlob(int index, std::string_view value) {
  // A null pointer would bind NULL rather than an empty blob.
  const char* data = value.data() != nullptr ? value.data() : "";
  return Check(sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_TRANSIENT));
}

Status SqliteStmt::BindNull(int index) {
  return Check(sqlite3_bind_null(stmt_, index));
}

Result<bool> SqliteStmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  return Check(rc);
}

void SqliteStmt::Reset() {
  // sqlite3_reset repeats the error of a failed Step(), which was already reported.
  (void)sqlite3_reset(stmt_);
}

Status SqliteStmt::ClearBindings() {
  return Check(sqlite3_clear_bindings(stmt_));
}

int SqliteStmt::ColumnCount() const {
  return sqlite3_column_count(stmt_);
}

int SqliteStmt::ColumnType(int col) const {
  return sqlite3_column_type(stmt_, col);
}

int64_t SqliteStmt::ColumnInt64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

double SqliteStmt::ColumnDouble(int col) const {
  return sqlite3_column_double(stmt_, col);
}

std::string_view SqliteStmt::ColumnText(int col) const {
  // Fetch the pointer before the size, as SQLite documents, so the size matches the
  // converted representation.
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p == nullptr ? std::string_view() : std::string_view(p, static_cast<size_t>(n));
}

std::string_view SqliteStmt::ColumnBlob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p == nullptr ? std::string_view() : std::string_view(p, static_cast<size_t>(n));
}

std::string_view SqliteStmt::ColumnName(int col) const {
  const char* name = sqlite3_column_name(stmt_, col);
  return name == nullptr ? std::string_view() : std::string_view(name);
}

}  // namespace flow
