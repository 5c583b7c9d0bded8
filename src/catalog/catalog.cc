// SPDX-License-Identifier: Apache-2.0
// catalog/catalog.cc: scopes and lookups of the catalog model.
#include "catalog/catalog.h"

#include <algorithm>
#include <filesystem>

#include "catalog/url.h"

namespace flow::catalog {

Scope Scope::Push(std::string_view property) const {
  Scope s{resource, pointer};
  s.pointer += '/';
  s.pointer += doc::EscapeToken(property);
  return s;
}

Scope Scope::Push(size_t index) const {
  Scope s{resource, pointer};
  s.pointer += '/';
  s.pointer += std::to_string(index);
  return s;
}

std::string Scope::Url() const {
  if (resource == nullptr)
    return pointer.empty() ? "" : "#" + pointer;
  if (pointer.empty())
    return resource->url;
  return resource->url + "#" + pointer;
}

std::string Scope::Where() const {
  if (resource == nullptr)
    return Url();
  Mark m = resource->marks().KeyMark(pointer);
  if (!m.known())
    return resource->display;
  return resource->display + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
}

std::string_view DeriveUsingName(DeriveUsing u) {
  switch (u) {
    case DeriveUsing::kSqlite:
      return "sqlite";
    case DeriveUsing::kTypescript:
      return "typescript";
    case DeriveUsing::kPython:
      return "python";
    case DeriveUsing::kConnector:
      return "connector";
    case DeriveUsing::kLocal:
      return "local";
    case DeriveUsing::kLegacy:
      return "derivation";
  }
  return "unknown";
}

const Projection* Collection::FindProjection(std::string_view field) const {
  auto it = std::lower_bound(projections.begin(), projections.end(), field,
                             [](const Projection& p, std::string_view f) { return p.field < f; });
  if (it != projections.end() && it->field == field)
    return &*it;
  return nullptr;
}

const Collection* Catalog::FindCollection(std::string_view name) const {
  auto it = std::lower_bound(collections.begin(), collections.end(), name,
                             [](const Collection& c, std::string_view n) { return c.name < n; });
  if (it != collections.end() && it->name == name)
    return &*it;
  return nullptr;
}

const Test* Catalog::FindTest(std::string_view name) const {
  for (const Test& t : tests) {
    if (t.name == name)
      return &t;
  }
  return nullptr;
}

const Resource* Catalog::FindResource(std::string_view url) const {
  for (const auto& r : resources) {
    if (r->url == url)
      return r.get();
  }
  return nullptr;
}

std::string Catalog::DisplayUrl(std::string_view url) const {
  std::string_view frag = FragmentOf(url);
  auto path = FilePath(StripFragment(url));
  if (!path.ok())
    return std::string(url);
  std::string shown = *path;
  if (!display_absolute && !display_base.empty()) {
    std::filesystem::path rel =
        std::filesystem::path(*path).lexically_relative(std::filesystem::path(display_base));
    if (!rel.empty())
      shown = rel.string();
  }
  if (HasFragment(url))
    shown += "#" + std::string(frag);
  return shown;
}

std::string Catalog::DisplayUrls(std::string message) const {
  for (size_t pos = message.find("file://"); pos != std::string::npos;
       pos = message.find("file://", pos)) {
    size_t end = pos;
    while (end < message.size() && message[end] != ' ' && message[end] != '\n' &&
           message[end] != '"' && message[end] != '\'' && message[end] != '`' &&
           message[end] != ',' && message[end] != ')') {
      ++end;
    }
    // A trailing ':' or '.' ends the sentence, not the URL.
    while (end > pos && (message[end - 1] == ':' || message[end - 1] == '.'))
      --end;
    std::string shown = DisplayUrl(std::string_view(message).substr(pos, end - pos));
    message.replace(pos, end - pos, shown);
    pos += shown.size();
  }
  return message;
}

}  // namespace flow::catalog
