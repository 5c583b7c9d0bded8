// SPDX-License-Identifier: Apache-2.0
// catalog/builder.cc: LoadCatalog(), the build order, name collisions and positions.
#include "catalog/builder.h"

#include <algorithm>
#include <chrono>
#include <tuple>

#include "base/log.h"
#include "catalog/names.h"
#include "catalog/spec_parser.h"

namespace flow::catalog {

Builder::Builder(Catalog* cat, Loader* loader, const LoadOptions& options)
    : cat_(cat), loader_(loader), options_(options), schemas_(cat, loader) {}

void Builder::Error(const Scope& at, std::string message, bool at_key) {
  cat_->diagnostics.Error(at.resource, at.pointer, std::move(message),
                          at_key ? Diagnostics::At::kKey : Diagnostics::At::kValue);
}

void Builder::Warning(const Scope& at, std::string message, bool at_key) {
  cat_->diagnostics.Warning(at.resource, at.pointer, std::move(message),
                            at_key ? Diagnostics::At::kKey : Diagnostics::At::kValue);
}

void Builder::ErrorAt(const Content& c, uint32_t offset, std::string message) {
  cat_->diagnostics.AddAtMark(Severity::kError, c.scope.resource, MarkInContent(c, offset),
                              std::move(message));
}

Mark Builder::MarkInContent(const Content& c, uint32_t offset) {
  const Resource* r = c.scope.resource;
  if (r == nullptr)
    return Mark{};
  std::string_view text = c.text();
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  // Line and column of `offset` within the value.
  uint32_t line_in_value = 0, line_start = 0;
  for (uint32_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line_in_value;
      line_start = i + 1;
    }
  }
  uint32_t col_in_value = offset - line_start;
  if (c.from_file())
    return Mark{line_in_value + 1, col_in_value + 1, offset};

  const SourceMap::Entry* e = r->marks().Find(c.scope.pointer);
  if (e == nullptr || !e->value.known())
    return r->marks().ValueMark(c.scope.pointer);
  Mark m = e->value;
  switch (e->style) {
    case ScalarStyle::kLiteral:
    case ScalarStyle::kFolded: {
      // Content starts on the line after the indicator, indented uniformly.
      uint32_t first = m.line + 1;
      uint32_t indent = 0;
      for (uint32_t l = first; l < first + 64; ++l) {
        std::string_view line = r->Line(l);
        size_t n = line.find_first_not_of(' ');
        if (n != std::string_view::npos) {
          indent = static_cast<uint32_t>(n);
          break;
        }
        if (l > r->text.size())
          break;
      }
      return Mark{first + line_in_value, indent + col_in_value + 1, 0};
    }
    case ScalarStyle::kSingleQuoted:
    case ScalarStyle::kDoubleQuoted:
      if (line_in_value == 0)
        return Mark{m.line, m.column + 1 + col_in_value, 0};
      return Mark{m.line + line_in_value, 1, 0};
    default:
      if (line_in_value == 0)
        return Mark{m.line, m.column + col_in_value, 0};
      return Mark{m.line + line_in_value, 1, 0};
  }
}

bool KeyableTypes(doc::schema::TypeSet types) {
  using namespace doc::schema;
  TypeSet t = types & static_cast<TypeSet>(~kTypeNull);
  return t != 0 && (t & static_cast<TypeSet>(~(kTypeInteger | kTypeString | kTypeBoolean))) == 0;
}

std::string_view ShuffleTypeName(doc::schema::TypeSet types) {
  using namespace doc::schema;
  TypeSet t = types & static_cast<TypeSet>(~kTypeNull);
  if (t == kTypeBoolean)
    return "Boolean";
  if (t == kTypeInteger)
    return "Integer";
  if (t == kTypeString)
    return "String";
  return "InvalidShuffleType";
}

void Builder::SortAndCheckNames() {
  struct Named {
    std::string key;
    uint32_t order;
    uint32_t seq;
    std::string_view entity;
    std::string_view name;
    const Scope* scope;
  };
  std::vector<Named> all;
  uint32_t seq = 0;
  auto add = [&](std::string_view entity, const std::string& name, const Scope& scope) {
    uint32_t order = scope.resource ? scope.resource->order : 0;
    all.push_back(Named{CollationKey(name), order, seq++, entity, name, &scope});
  };
  for (const Collection& c : cat_->collections)
    add("collection", c.name, c.scope);
  for (const Capture& c : cat_->captures)
    add("capture", c.name, c.scope);
  for (const Materialization& m : cat_->materializations)
    add("materialization", m.name, m.scope);
  for (const Test& t : cat_->tests)
    add("test", t.name, t.scope);
  std::sort(all.begin(), all.end(), [](const Named& a, const Named& b) {
    return std::tie(a.key, a.order, a.seq) < std::tie(b.key, b.order, b.seq);
  });
  for (size_t i = 1; i < all.size(); ++i) {
    const Named& l = all[i - 1];
    const Named& r = all[i];
    if (l.key != r.key)
      continue;
    Error(*r.scope,
          std::string(r.entity) + " " + std::string(r.name) + " collides with " +
              std::string(l.entity) + " " + std::string(l.name) + ", defined at " +
              l.scope->Where(),
          /*at_key=*/true);
  }

  auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
  std::stable_sort(cat_->collections.begin(), cat_->collections.end(), by_name);
  std::stable_sort(cat_->captures.begin(), cat_->captures.end(), by_name);
  std::stable_sort(cat_->materializations.begin(), cat_->materializations.end(), by_name);
  // Flow runs tests ordered by the scope URL of their first step.
  auto test_key = [](const Test& t) {
    return t.steps.empty() ? t.scope.Url() : t.steps.front().scope.Url();
  };
  std::vector<std::pair<std::string, size_t>> keys;
  for (size_t i = 0; i < cat_->tests.size(); ++i)
    keys.emplace_back(test_key(cat_->tests[i]), i);
  std::stable_sort(keys.begin(), keys.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Test> sorted;
  sorted.reserve(cat_->tests.size());
  for (const auto& [k, i] : keys)
    sorted.push_back(std::move(cat_->tests[i]));
  cat_->tests = std::move(sorted);
  std::stable_sort(
      cat_->storage_mappings.begin(), cat_->storage_mappings.end(),
      [](const StorageMapping& a, const StorageMapping& b) { return a.prefix < b.prefix; });
}

void Builder::SortOnly() {
  SortAndCheckNames();
}

void Builder::Run() {
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  auto lap = [&](std::string_view what) {
    auto now = Clock::now();
    FLOW_LOG_DEBUG("catalog: {} took {:.1f} ms", what,
                   std::chrono::duration<double, std::milli>(now - t0).count());
    t0 = now;
  };
  SortAndCheckNames();
  for (Collection& c : cat_->collections)
    BuildCollection(c);
  lap("collections (schemas, keys, projections)");
  for (Collection& c : cat_->collections) {
    if (c.derive)
      BuildDerivation(c);
  }
  lap("derivations (incl. SQLite)");
  for (Test& t : cat_->tests)
    BuildTest(t);
  lap("tests");
  BuildTasks();
  lap("captures and materializations");
}

std::unique_ptr<Catalog> LoadCatalog(std::string_view source, const LoadOptions& options) {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto cat = std::make_unique<Catalog>();
  SpecReader reader(&cat->diagnostics);
  Loader* loader_ptr = nullptr;
  Loader loader(cat.get(), options,
                [&](Resource* r) { ParseCatalogResource(r, loader_ptr, cat.get(), &reader); });
  loader_ptr = &loader;
  loader.LoadRoot(source);
  loader.Finish();
  FLOW_LOG_DEBUG("catalog: loading and parsing {} resources took {:.1f} ms", cat->resources.size(),
                 std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  Builder builder(cat.get(), &loader, options);
  if (options.validate) {
    builder.Run();
  } else {
    builder.SortOnly();
  }
  cat->diagnostics.RewriteMessages([&](std::string m) { return cat->DisplayUrls(std::move(m)); });
  return cat;
}

}  // namespace flow::catalog
