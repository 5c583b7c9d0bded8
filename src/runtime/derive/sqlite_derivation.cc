// SPDX-License-Identifier: Apache-2.0
// runtime/derive/sqlite_derivation.cc: bootstrap, migrations, parameter binding, row mapping.
#include "runtime/derive/sqlite_derivation.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "base/base64.h"

namespace flow::runtime::derive {

namespace {

// Gazette's store-sqlite checkpoint table and Flow's migration ledger.
constexpr std::string_view kBootstrap = R"(
PRAGMA synchronous=FULL;
PRAGMA secure_delete=FAST;
BEGIN EXCLUSIVE;
CREATE TABLE IF NOT EXISTS gazette_checkpoint (
  rowid INTEGER PRIMARY KEY DEFAULT 0 CHECK (rowid = 0),
  checkpoint BLOB
);
INSERT OR IGNORE INTO gazette_checkpoint(rowid, checkpoint) VALUES (0, '');
CREATE TABLE IF NOT EXISTS flow_migrations (
  script_index INTEGER PRIMARY KEY NOT NULL,
  script TEXT NOT NULL
);
)";

bool StartsWithJson(std::string_view name) {
  if (name.size() < 4)
    return false;
  for (size_t i = 0; i < 4; ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != "json"[i])
      return false;
  }
  return true;
}

std::optional<int64_t> ParseI64(std::string_view s) {
  if (!s.empty() && s[0] == '+')
    s.remove_prefix(1);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty())
    return std::nullopt;
  return v;
}

std::optional<double> ParseF64(std::string_view s) {
  if (!s.empty() && s[0] == '+')
    s.remove_prefix(1);
  if (s == "inf" || s == "infinity" || s == "Infinity")
    return HUGE_VAL;
  if (s == "-inf" || s == "-infinity" || s == "-Infinity")
    return -HUGE_VAL;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty())
    return std::nullopt;
  return v;
}

}  // namespace

struct SqliteDerivation::Lambda {
  struct Binding {
    int index;
    std::string encoding;
    const catalog::Projection* projection;
    // Text bound without a copy (SQLITE_STATIC) that is not already in the document:
    // JSON of arrays, objects and the whole document, and decoded base64. It stays put
    // until the next Run() rebinds the parameter.
    std::string buffer;
  };
  SqliteStmt stmt;  // empty for a comment-only statement
  std::vector<Binding> bindings;
  bool whole_document = false;
  // Column mode: (property name, column) sorted by name as documents are, a repeated
  // name keeping its last column, so rows become objects without sorting.
  std::vector<std::pair<std::string, int>> layout;
};

SqliteDerivation::SqliteDerivation(const catalog::Collection& derived, SqliteDb db)
    : derived_(derived), db_(std::move(db)) {}

SqliteDerivation::~SqliteDerivation() {
  transforms_.clear();  // finalize statements before the database closes
}

Result<std::unique_ptr<SqliteDerivation>> SqliteDerivation::Open(const catalog::Collection& derived,
                                                                 const std::string& path) {
  if (!derived.derive || derived.derive->using_ != catalog::DeriveUsing::kSqlite) {
    return Status::InvalidArgument("collection {} is not a SQLite derivation", derived.name);
  }
  FLOW_ASSIGN_OR_RETURN(SqliteDb db, SqliteDb::Open(path));
  std::unique_ptr<SqliteDerivation> d(new SqliteDerivation(derived, std::move(db)));
  FLOW_TRY(d->Bootstrap());
  FLOW_TRY(d->ApplyMigrations());
  FLOW_TRY(d->Prepare());
  return d;
}

Status SqliteDerivation::Bootstrap() {
  // TRUNCATE when SQLite can write pages atomically in batches; otherwise WAL, which
  // writes less than a rollback journal.
  const char* mode = sqlite3_compileoption_used("ENABLE_BATCH_ATOMIC_WRITE") ? "TRUNCATE" : "WAL";
  FLOW_TRY(db_.Exec(fmt::format("PRAGMA journal_mode={};", mode)));
  Status s = db_.Exec(std::string(kBootstrap));
  if (!s.ok())
    return std::move(s).Annotatef("failed to bootstrap the database of {}", derived_.name);
  return Status::OK();
}

Status SqliteDerivation::ApplyMigrations() {
  const catalog::Derivation& d = *derived_.derive;
  FLOW_ASSIGN_OR_RETURN(
      SqliteStmt max,
      SqliteStmt::Prepare(db_.handle(), "SELECT MAX(script_index) FROM flow_migrations"));
  FLOW_ASSIGN_OR_RETURN(bool row, max.Step());
  int64_t next = (row && !max.ColumnIsNull(0)) ? max.ColumnInt64(0) + 1 : 0;
  FLOW_ASSIGN_OR_RETURN(
      SqliteStmt record,
      SqliteStmt::Prepare(db_.handle(),
                          "INSERT INTO flow_migrations (script_index, script) VALUES (?, ?)"));
  for (size_t i = static_cast<size_t>(next); i < d.migrations.size(); ++i) {
    const auto& statements = d.migration_statements[i];
    for (const catalog::SqlStatement& st : statements) {
      FLOW_ASSIGN_OR_RETURN(SqliteStmt stmt, SqliteStmt::PrepareAllowEmpty(db_.handle(), st.sql));
      if (stmt.handle() == nullptr)
        continue;
      while (true) {
        Result<bool> more = stmt.Step();
        if (!more.ok()) {
          return std::move(more).take_status().Annotatef(
              "failed to apply database migration at index {} of {}", i, derived_.name);
        }
        if (!*more)
          break;
      }
    }
    record.Reset();
    FLOW_TRY(record.BindInt64(1, static_cast<int64_t>(i)));
    FLOW_TRY(record.BindText(2, d.migrations[i].text()));
    FLOW_TRY(record.Step());
  }
  return Status::OK();
}

Status SqliteDerivation::Prepare() {
  const catalog::Derivation& d = *derived_.derive;
  transforms_.resize(d.transforms.size());
  for (size_t t = 0; t < d.transforms.size(); ++t) {
    const catalog::Transform& tf = d.transforms[t];
    if (tf.disable)
      continue;
    const catalog::Collection* source = tf.source_collection;
    if (source == nullptr) {
      return Status::Internal("transform {} of {} has no resolved source", tf.name, derived_.name);
    }
    for (const catalog::SqlStatement& st : tf.statements) {
      Result<SqliteStmt> stmt = SqliteStmt::PrepareAllowEmpty(db_.handle(), st.sql);
      if (!stmt.ok()) {
        return std::move(stmt).take_status().Annotatef("lambda block of transform {} is invalid",
                                                       tf.name);
      }
      Lambda l{std::move(stmt).value(), {}, false, {}};
      for (const catalog::SqlStatement::Param& p : st.params) {
        const catalog::Projection* proj = source->FindProjection(p.field);
        if (proj == nullptr) {
          return Status::Internal("parameter {} of transform {} names unknown field {}", p.name,
                                  tf.name, p.field);
        }
        l.bindings.push_back({p.index, p.name, proj, {}});
      }
      if (l.stmt.handle() != nullptr) {
        int n = l.stmt.ColumnCount();
        if (n == 1 && StartsWithJson(l.stmt.ColumnName(0))) {
          l.whole_document = true;
        } else {
          std::vector<std::pair<std::string, int>> columns;
          for (int c = 0; c < n; ++c) {
            std::string_view name = l.stmt.ColumnName(c);
            std::string property(name);
            // A column that is exactly a parameter ("SELECT $my_field") is named after
            // the parameter's projection field.
            for (const auto& b : l.bindings) {
              if (b.encoding == name) {
                property = b.projection->field;
                break;
              }
            }
            columns.emplace_back(std::move(property), c);
          }
          std::stable_sort(columns.begin(), columns.end(),
                           [](const auto& a, const auto& b) { return a.first < b.first; });
          for (size_t c = 0; c < columns.size(); ++c) {
            if (c + 1 < columns.size() && columns[c + 1].first == columns[c].first)
              continue;  // the last column of a name wins, as in doc::MakeObject
            l.layout.push_back(std::move(columns[c]));
          }
        }
      }
      transforms_[t].push_back(std::move(l));
    }
  }
  return Status::OK();
}

namespace {

// Binds text or a blob that outlives the statement's next Step() without copying it.
int BindStatic(sqlite3_stmt* stmt, int index, std::string_view v, bool blob) {
  const char* data = v.data() != nullptr ? v.data() : "";  // a null pointer binds NULL
  return blob ? sqlite3_bind_blob64(stmt, index, data, v.size(), SQLITE_STATIC)
              : sqlite3_bind_text64(stmt, index, data, v.size(), SQLITE_STATIC, SQLITE_UTF8);
}

// Binds `n`, the document's value at `p` (spec §6.4). Strings of the document are bound
// in place; the document outlives the statement's steps.
int BindNode(sqlite3_stmt* stmt, int index, const catalog::Projection& p, const doc::Node& n,
             std::string* buffer) {
  switch (n.type()) {
    case doc::Type::kNull:
      return sqlite3_bind_null(stmt, index);
    case doc::Type::kBool:
      return sqlite3_bind_int64(stmt, index, n.as_bool() ? 1 : 0);
    case doc::Type::kPosInt:
      if (n.as_u64() > static_cast<uint64_t>(INT64_MAX))
        return sqlite3_bind_double(stmt, index, static_cast<double>(n.as_u64()));
      return sqlite3_bind_int64(stmt, index, static_cast<int64_t>(n.as_u64()));
    case doc::Type::kNegInt:
      return sqlite3_bind_int64(stmt, index, n.as_i64());
    case doc::Type::kDouble:
      return sqlite3_bind_double(stmt, index, n.as_double());
    case doc::Type::kString: {
      std::string_view s = n.as_string();
      if (!p.format.empty()) {
        if (p.format == "integer") {
          if (auto v = ParseI64(s))
            return sqlite3_bind_int64(stmt, index, *v);
        } else if (p.format == "number") {
          if (auto v = ParseF64(s))
            return sqlite3_bind_double(stmt, index, *v);
        }
      }
      if (!p.content_encoding.empty() && p.content_encoding == "base64") {
        if (auto v = Base64Decode(s)) {
          *buffer = std::move(*v);
          return BindStatic(stmt, index, *buffer, /*blob=*/true);
        }
      }
      return BindStatic(stmt, index, s, /*blob=*/false);
    }
    case doc::Type::kArray:
    case doc::Type::kObject:
      buffer->clear();
      doc::AppendJson(n, buffer);
      return BindStatic(stmt, index, *buffer, /*blob=*/false);
  }
  return SQLITE_OK;
}

}  // namespace

Status SqliteDerivation::Run(size_t transform, const doc::Node& doc, std::string_view published_at,
                             doc::Arena& arena, std::vector<doc::Node>* out) {
  const catalog::Transform& tf = derived_.derive->transforms[transform];
  std::vector<Lambda>& stack = transforms_[transform];
  for (size_t i = 0; i < stack.size(); ++i) {
    Lambda& l = stack[i];
    sqlite3_stmt* stmt = l.stmt.handle();
    if (stmt == nullptr)
      continue;
    auto fail = [&](std::string_view message) {
      return Status::InvalidArgument(
          "failed to invoke transform \"{}\" lambda statement at offset {}: {}\nDocument was {}",
          tf.name, i, message, doc::ToPrettyJson(doc));
    };
    l.stmt.Reset();
    for (Lambda::Binding& b : l.bindings) {
      const catalog::Projection& p = *b.projection;
      int rc = SQLITE_OK;
      switch (p.kind) {
        case catalog::Projection::Kind::kDocument:
          b.buffer.clear();
          doc::AppendJson(doc, &b.buffer);
          rc = BindStatic(stmt, b.index, b.buffer, /*blob=*/false);
          break;
        case catalog::Projection::Kind::kPublishedAt:
          rc = BindStatic(stmt, b.index, published_at, /*blob=*/false);
          break;
        case catalog::Projection::Kind::kTruncated:
          rc = sqlite3_bind_int64(stmt, b.index, 0);
          break;
        case catalog::Projection::Kind::kLocation: {
          const doc::Node* v = p.pointer.Query(doc);
          if (v == nullptr && p.default_value)
            v = &*p.default_value;
          rc = v == nullptr ? sqlite3_bind_null(stmt, b.index)
                            : BindNode(stmt, b.index, p, *v, &b.buffer);
          break;
        }
      }
      if (rc != SQLITE_OK) {
        return fail(fmt::format("failed to bind parameter {} (field {}): sqlite: {}", b.encoding,
                                p.field, sqlite3_errmsg(handle())));
      }
    }
    auto value = [&](int c) -> doc::Node {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
          return doc::Node::Null();
        case SQLITE_INTEGER:
          return doc::Node::Int(sqlite3_column_int64(stmt, c));
        case SQLITE_FLOAT: {
          double d = sqlite3_column_double(stmt, c);
          if (std::isfinite(d))
            return doc::Node::Double(d);
          return doc::Node::String(arena, std::isnan(d) ? "NaN" : (d > 0 ? "inf" : "-inf"));
        }
        case SQLITE_BLOB:
          return doc::Node::String(arena, Base64Encode(l.stmt.ColumnBlob(c)));
        default: {
          std::string_view text = l.stmt.ColumnText(c);
          if (text.size() >= 2 && ((text.front() == '{' && text.back() == '}') ||
                                   (text.front() == '[' && text.back() == ']'))) {
            Result<doc::Node> parsed = parser_.Parse(text, arena);
            if (parsed.ok())
              return *parsed;
          }
          return doc::Node::String(arena, text);
        }
      }
    };
    while (true) {
      Result<bool> row = l.stmt.Step();
      if (!row.ok())
        return fail(row.status().message());
      if (!*row)
        break;
      if (l.whole_document) {
        out->push_back(value(0));
        continue;
      }
      const uint32_t n = static_cast<uint32_t>(l.layout.size());
      doc::Field* fields = arena.AllocateArray<doc::Field>(n);
      for (uint32_t f = 0; f < n; ++f) {
        new (&fields[f]) doc::Field{arena.CopyString(l.layout[f].first), value(l.layout[f].second)};
      }
      out->push_back(doc::Node::Object(fields, n));
    }
  }
  return Status::OK();
}

bool SqliteDerivation::BindsPublishedAt(size_t transform) const {
  for (const Lambda& l : transforms_[transform]) {
    for (const auto& b : l.bindings) {
      if (b.projection->kind == catalog::Projection::Kind::kPublishedAt)
        return true;
    }
  }
  return false;
}

Status SqliteDerivation::Commit(std::string_view checkpoint) {
  FLOW_ASSIGN_OR_RETURN(
      SqliteStmt update,
      SqliteStmt::Prepare(db_.handle(), "UPDATE gazette_checkpoint SET checkpoint = ?"));
  FLOW_TRY(update.BindBlob(1, checkpoint));
  FLOW_TRY(update.Step());
  Status s = db_.Exec("COMMIT; BEGIN EXCLUSIVE;");
  if (!s.ok())
    return std::move(s).Annotate("failed to commit transaction");
  return Status::OK();
}

Result<std::string> SqliteDerivation::LoadCheckpoint() {
  FLOW_ASSIGN_OR_RETURN(
      SqliteStmt q,
      SqliteStmt::Prepare(db_.handle(), "SELECT CAST(checkpoint AS BLOB) FROM gazette_checkpoint"));
  FLOW_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row)
    return std::string();
  return std::string(q.ColumnBlob(0));
}

}  // namespace flow::runtime::derive
