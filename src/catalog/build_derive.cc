// SPDX-License-Identifier: Apache-2.0
// catalog/build_derive.cc: derivation checks and build-time SQLite validation (spec §2.3, §6.7).
#include <algorithm>

#include <sqlite3.h>

#include "base/sqlite.h"
#include "catalog/builder.h"
#include "catalog/names.h"
#include "catalog/spec_reader.h"
#include "catalog/sql.h"

namespace flow::catalog {
namespace {

std::string TypesList(const std::vector<std::string_view>& types) {
  std::string out = "[";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i > 0)
      out += ", ";
    out += types[i];
  }
  return out + "]";
}

std::string_view Capitalized(std::string_view t) {
  if (t == "boolean")
    return "Boolean";
  if (t == "integer")
    return "Integer";
  if (t == "string")
    return "String";
  return t;
}

// The offset of the first token of a statement, past whitespace and comments.
uint32_t FirstToken(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    if (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\n' || sql[i] == '\r') {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      size_t nl = sql.find('\n', i);
      i = nl == std::string_view::npos ? sql.size() : nl + 1;
    } else if (sql.substr(i, 2) == "/*") {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  return static_cast<uint32_t>(std::min(i, sql.size()));
}

// Where a SQLite error without an offset is: the named table, column or function if the
// message names one ("no such table: t"), else the statement's first token.
uint32_t ErrorOffset(sqlite3* db, std::string_view sql) {
  int off = sqlite3_error_offset(db);
  if (off >= 0)
    return static_cast<uint32_t>(off);
  std::string_view msg = sqlite3_errmsg(db);
  for (std::string_view prefix : {"no such table: ", "no such column: ", "no such function: "}) {
    if (msg.substr(0, prefix.size()) != prefix)
      continue;
    std::string_view name = msg.substr(prefix.size());
    if (size_t dot = name.rfind('.'); dot != std::string_view::npos)
      name = name.substr(dot + 1);
    for (size_t pos = sql.find(name); pos != std::string_view::npos;
         pos = sql.find(name, pos + 1)) {
      auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
      bool starts = pos == 0 || !word(sql[pos - 1]);
      bool ends = pos + name.size() >= sql.size() || !word(sql[pos + name.size()]);
      if (starts && ends)
        return static_cast<uint32_t>(pos);
    }
  }
  return FirstToken(sql);
}

// The offset of parameter `name` in `sql` as a whole token, else 0.
uint32_t FindParam(std::string_view sql, std::string_view name) {
  for (size_t pos = sql.find(name); pos != std::string_view::npos; pos = sql.find(name, pos + 1)) {
    size_t end = pos + name.size();
    unsigned char next = end < sql.size() ? static_cast<unsigned char>(sql[end]) : ' ';
    if (!(std::isalnum(next) || next == '_' || next == '$' || next >= 0x80)) {
      return static_cast<uint32_t>(pos);
    }
  }
  return 0;
}

constexpr std::string_view kBootstrap =
    "CREATE TABLE IF NOT EXISTS gazette_checkpoint ("
    " rowid INTEGER PRIMARY KEY DEFAULT 0 CHECK (rowid = 0), checkpoint BLOB);"
    "INSERT OR IGNORE INTO gazette_checkpoint(rowid, checkpoint) VALUES (0, '');"
    "CREATE TABLE IF NOT EXISTS flow_migrations ("
    " script_index INTEGER PRIMARY KEY NOT NULL, script TEXT NOT NULL);";

}  // namespace

void Builder::BuildDerivation(Collection& c) {
  Derivation& d = *c.derive;
  size_t errors_before = cat_->diagnostics.error_count();
  Scope transforms_scope =
      d.scope.Push(d.using_ == DeriveUsing::kLegacy ? "transform" : "transforms");

  struct Inferred {
    size_t index;
    std::vector<std::string_view> types;
  };
  std::vector<Inferred> inferred;
  bool sources_ok = true;

  for (size_t i = 0; i < d.transforms.size(); ++i) {
    Transform& t = d.transforms[i];
    const Collection* src = WalkReference(t.source_scope.resource ? t.source_scope : t.scope,
                                          "transform " + t.name, t.source);
    t.source_collection = src;
    if (src == nullptr) {
      sources_ok = false;
      continue;
    }
    if (t.not_before && t.not_after) {
      auto nb = ParseRfc3339(*t.not_before), na = ParseRfc3339(*t.not_after);
      if (nb && na && *nb > *na) {
        Error(t.scope.Push("source").Push("notBefore"),
              "a `notBefore` constraint must happen before `notAfter`");
      }
    }
    if (!Built(src)) {
      sources_ok = false;
      continue;
    }
    if (!t.partitions.empty())
      WalkSelector(*src, t.partitions);

    const std::vector<std::string>* key = nullptr;
    switch (t.shuffle) {
      case ShuffleKind::kKey: {
        Scope ks = t.shuffle_scope.Push("key");
        if (t.shuffle_key.empty())
          Error(ks, "transform " + t.name + " shuffle key cannot be empty");
        for (size_t k = 0; k < t.shuffle_key.size(); ++k) {
          if (auto err = WalkPtr(*src, t.shuffle_key[k], /*is_key=*/true, /*with_write=*/false)) {
            Error(ks.Push(k), *err);
          }
        }
        key = &t.shuffle_key;
        break;
      }
      case ShuffleKind::kSourceKey:
        t.shuffle_key = src->key;
        key = &t.shuffle_key;
        if (d.using_ != DeriveUsing::kLegacy) {
          std::string k;
          for (size_t j = 0; j < src->key.size(); ++j)
            k += (j ? ", " : "") + src->key[j];
          Warning(t.scope, "transform " + t.name +
                               " is missing `shuffle`, which is now a required field; defaulting "
                               "to the key of " +
                               src->name + " [" + k +
                               "]. If you're unsure of what shuffle to use, try `shuffle: any`");
        }
        break;
      case ShuffleKind::kAny:
      case ShuffleKind::kLambda:
        break;
    }
    if (key != nullptr) {
      Inferred inf{i, {}};
      for (const std::string& ptr : *key) {
        auto p = doc::Pointer::Parse(ptr);
        if (!p.ok())
          continue;
        auto [shape, exists] = src->read_shape->Locate(*p);
        inf.types.push_back(ShuffleTypeName(shape->types));
        const Projection* proj = nullptr;
        for (const Projection& q : src->projections) {
          if (q.ptr == ptr && q.kind == Projection::Kind::kLocation)
            proj = &q;
        }
        if (proj != nullptr && proj->default_value) {
          t.shuffle_extractors.emplace_back(*p, *proj->default_value);
        } else {
          t.shuffle_extractors.emplace_back(*p);
        }
      }
      if (!inf.types.empty())
        inferred.push_back(std::move(inf));
    }
  }

  // Transform names are unique under collation.
  {
    std::vector<std::pair<std::string, size_t>> keyed;
    for (size_t i = 0; i < d.transforms.size(); ++i)
      keyed.emplace_back(CollationKey(d.transforms[i].name), i);
    std::stable_sort(keyed.begin(), keyed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < keyed.size(); ++i) {
      if (keyed[i].first != keyed[i - 1].first)
        continue;
      const Transform& l = d.transforms[keyed[i - 1].second];
      const Transform& r = d.transforms[keyed[i].second];
      Error(r.scope, "transform " + r.name + " collides with transform " + l.name +
                         ", defined at " + l.scope.Where());
    }
  }

  // Shuffle key types must align.
  if (d.using_ != DeriveUsing::kLegacy) {
    if (!d.shuffle_key_types.empty()) {
      std::vector<std::string_view> given;
      for (const std::string& t : d.shuffle_key_types)
        given.push_back(Capitalized(t));
      for (const Inferred& inf : inferred) {
        if (inf.types != given) {
          Error(transforms_scope.Push(inf.index),
                "transform " + d.transforms[inf.index].name + " shuffled key types " +
                    TypesList(inf.types) + " don't align with declared shuffle key types " +
                    TypesList(given));
        }
      }
    } else if (!inferred.empty()) {
      const Inferred& lhs = inferred.front();
      for (size_t j = 1; j < inferred.size(); ++j) {
        if (inferred[j].types != lhs.types) {
          Error(transforms_scope.Push(inferred[j].index),
                "transform " + d.transforms[inferred[j].index].name + " shuffled key types " +
                    TypesList(inferred[j].types) + " don't align with transform " +
                    d.transforms[lhs.index].name + " types " + TypesList(lhs.types));
        }
      }
    } else if (std::any_of(d.transforms.begin(), d.transforms.end(),
                           [](const Transform& t) { return t.shuffle == ShuffleKind::kLambda; })) {
      Error(d.scope,
            "cannot infer shuffle key types because all transforms use a computed `lambda` or "
            "`any`; Flow must know the key types that your computed shuffle lambda will output, "
            "so add an explicit `shuffleKeyTypes` to this derivation",
            true);
    }
  }

  // Flow validates with the connector only once the cheap checks pass.
  if (d.using_ == DeriveUsing::kSqlite && options_.validate_sqlite && sources_ok &&
      cat_->diagnostics.error_count() == errors_before) {
    ValidateSqlite(c);
  }
}

void Builder::ValidateSqlite(Collection& c) {
  Derivation& d = *c.derive;
  auto db = SqliteDb::Open(":memory:");
  if (!db.ok()) {
    Error(d.scope,
          "failed to open a scratch SQLite database: " + std::string(db.status().message()));
    return;
  }
  sqlite3* h = db->handle();
  // Migrations run for real; stop ones that would not finish.
  struct Budget {
    uint64_t left;
    bool exhausted = false;
  } budget{options_.sqlite_step_budget / 1000 + 1};
  sqlite3_progress_handler(
      h, 1000,
      [](void* p) -> int {
        auto* b = static_cast<Budget*>(p);
        if (b->left == 0) {
          b->exhausted = true;
          return 1;
        }
        --b->left;
        return 0;
      },
      &budget);
  if (Status s = db->Exec(std::string(kBootstrap)); !s.ok()) {
    Error(d.scope, "failed to bootstrap the SQLite database: " + std::string(s.message()));
    return;
  }
  auto sqlite_error = [&](int rc) {
    (void)rc;
    return std::string(sqlite3_errmsg(h));
  };

  // Migrations run in order on the scratch database; a failure stops the derivation's
  // validation, since later lambdas would report the missing tables.
  d.migration_statements.clear();
  for (size_t i = 0; i < d.migrations.size(); ++i) {
    const Content& m = d.migrations[i];
    d.migration_statements.emplace_back();
    if (!m.ok)
      return;
    if (!m.is_text()) {
      Error(m.scope, "migration at index " + std::to_string(i) + " must be a SQL block");
      return;
    }
    std::vector<SqlPiece> pieces;
    SqlSplitError err;
    if (!SplitSqlBlock(m.text(), &pieces, &err)) {
      ErrorAt(
          m, err.offset,
          "failed to apply database migration at index " + std::to_string(i) + ": " + err.message);
      return;
    }
    for (const SqlPiece& piece : pieces) {
      std::string sql(piece.text);
      sqlite3_stmt* stmt = nullptr;
      int rc = sqlite3_prepare_v2(h, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
      if (rc == SQLITE_OK && stmt != nullptr) {
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        }
        if (rc == SQLITE_DONE)
          rc = SQLITE_OK;
      }
      if (rc != SQLITE_OK) {
        uint32_t off = ErrorOffset(h, piece.text);
        std::string msg = budget.exhausted ? "it did not finish within the validation budget "
                                             "(an unbounded recursive query?)"
                                           : sqlite_error(rc);
        sqlite3_finalize(stmt);
        ErrorAt(m, piece.offset + off,
                "failed to apply database migration at index " + std::to_string(i) + ": " + msg);
        return;
      }
      sqlite3_finalize(stmt);
      d.migration_statements.back().push_back(
          SqlStatement{std::string(piece.text), piece.offset, {}, false});
    }
  }

  for (Transform& t : d.transforms) {
    if (t.disable || t.source_collection == nullptr)
      continue;
    if (!t.lambda) {
      Error(t.scope,
            "transform " + t.name + " is missing `lambda`, which SQLite derivations require", true);
      continue;
    }
    const Content& l = *t.lambda;
    if (!l.ok)
      continue;
    if (!l.is_text()) {
      Error(l.scope, "lambda of transform " + t.name + " must be a SQL block");
      continue;
    }
    std::vector<SqlPiece> pieces;
    SqlSplitError err;
    if (!SplitSqlBlock(l.text(), &pieces, &err)) {
      ErrorAt(l, err.offset, "lambda of transform " + t.name + ": " + err.message);
      continue;
    }
    std::vector<ParamField> fields;
    for (const Projection& p : t.source_collection->projections) {
      fields.push_back(ParamField{p.field, p.param});
    }
    t.statements.clear();
    bool all_read_only = true;
    for (const SqlPiece& piece : pieces) {
      std::string sql(piece.text);
      sqlite3_stmt* raw = nullptr;
      int rc = sqlite3_prepare_v2(h, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
      if (rc != SQLITE_OK) {
        ErrorAt(l, piece.offset + ErrorOffset(h, piece.text),
                "lambda of transform " + t.name + ": " + sqlite_error(rc));
        sqlite3_finalize(raw);
        continue;
      }
      SqlStatement st{sql, piece.offset, {}, true};
      if (raw != nullptr) {
        int n = sqlite3_bind_parameter_count(raw);
        for (int i = 1; i <= n; ++i) {
          const char* name = sqlite3_bind_parameter_name(raw, i);
          if (name == nullptr) {
            ErrorAt(l, piece.offset + FirstToken(piece.text),
                    "lambda of transform " + t.name + ": parameter ?" + std::to_string(i) +
                        " is anonymous; name a projection of " + t.source + " instead, like " +
                        (fields.empty() ? std::string("$field")
                                        : std::string(fields.front().encoding)));
            continue;
          }
          auto resolved = ResolveParam(name, fields);
          if (auto* e = std::get_if<std::string>(&resolved)) {
            ErrorAt(l, piece.offset + FindParam(piece.text, name),
                    "lambda of transform " + t.name + ": " + *e);
            continue;
          }
          st.params.push_back(
              SqlStatement::Param{i, name, std::string(fields[std::get<size_t>(resolved)].field)});
        }
        st.read_only = sqlite3_stmt_readonly(raw) != 0;
        sqlite3_finalize(raw);
      }
      all_read_only = all_read_only && st.read_only;
      t.statements.push_back(std::move(st));
    }
    t.read_only = all_read_only;
  }
}

}  // namespace flow::catalog
