// SPDX-License-Identifier: Apache-2.0
// runtime/derive/sqlite_derivation.h: one shard of a SQLite derivation (Flow's derive-sqlite).
//
// Opening bootstraps the database (journal mode, `gazette_checkpoint`, `flow_migrations`),
// applies migrations not yet recorded, and prepares every statement of every transform's
// lambda. The database is always inside an exclusive transaction: Commit() stores the
// runtime checkpoint and runs COMMIT; BEGIN EXCLUSIVE, so lambda effects and read progress
// commit together (exactly-once). Run() binds a source document's projections to each
// statement's $parameters, runs the statements in order and maps every returned row to an
// output document (spec §6.4-§6.5).
// Not thread-safe; a shard runs on one thread. The Collection must outlive this object.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/sqlite.h"
#include "base/status.h"
#include "catalog/catalog.h"
#include "doc/arena.h"
#include "doc/json.h"
#include "doc/node.h"

namespace flow::runtime::derive {

class SqliteDerivation {
 public:
  /// Opens the shard database at `path` (":memory:" for tests) for `derived`, a
  /// collection with `derive: {using: {sqlite: ...}}` from a catalog without errors.
  static Result<std::unique_ptr<SqliteDerivation>> Open(const catalog::Collection& derived,
                                                        const std::string& path);
  ~SqliteDerivation();

  /// Runs transform `transform` (an index into the derivation's transforms) over
  /// `doc`, appending output documents (allocated in `arena`) to `out`.
  /// `published_at` is the source document's flow_published_at (RFC 3339).
  /// InvalidArgument naming the transform, the statement and the document on failure.
  Status Run(size_t transform, const doc::Node& doc, std::string_view published_at,
             doc::Arena& arena, std::vector<doc::Node>* out);

  /// Whether transform `transform`'s lambda binds `$flow_published_at` (callers may skip
  /// formatting it otherwise).
  bool BindsPublishedAt(size_t transform) const;

  /// Stores `checkpoint` and commits everything since the last commit.
  Status Commit(std::string_view checkpoint);
  /// The checkpoint stored by the last Commit ("" for a new database).
  Result<std::string> LoadCheckpoint();

  sqlite3* handle() const { return db_.handle(); }

 private:
  struct Lambda;
  SqliteDerivation(const catalog::Collection& derived, SqliteDb db);
  Status Bootstrap();
  Status ApplyMigrations();
  Status Prepare();

  const catalog::Collection& derived_;
  SqliteDb db_;
  std::vector<std::vector<Lambda>> transforms_;
  doc::Parser parser_;
  std::string scratch_;
};

}  // namespace flow::runtime::derive
