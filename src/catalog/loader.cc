// SPDX-License-Identifier: Apache-2.0
// catalog/loader.cc: resource fetching, content inlining and schema reference scanning.
#include "catalog/loader.h"

#include <unistd.h>

#include <algorithm>
#include <deque>
#include <filesystem>

#include "base/file.h"
#include "catalog/names.h"
#include "catalog/url.h"
#include "catalog/yaml_loader.h"
#include "doc/json.h"

namespace flow::catalog {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsDocumentPath(std::string_view url) {
  std::string_view path = StripFragment(url);
  if (size_t q = path.find('?'); q != std::string_view::npos)
    path = path.substr(0, q);
  return EndsWith(path, ".yaml") || EndsWith(path, ".yml") || EndsWith(path, ".json");
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size())
      return false;
    uint32_t cp = c & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates and out-of-range code points are invalid.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

// Keywords whose value is one subschema, an array of subschemas, or a map of them.
bool IsSchemaKeyword(std::string_view k) {
  static constexpr std::string_view kOne[] = {"additionalItems",
                                              "additionalProperties",
                                              "contains",
                                              "else",
                                              "if",
                                              "items",
                                              "not",
                                              "propertyNames",
                                              "then",
                                              "unevaluatedItems",
                                              "unevaluatedProperties",
                                              "contentSchema"};
  for (std::string_view s : kOne) {
    if (k == s)
      return true;
  }
  return false;
}
bool IsSchemaArrayKeyword(std::string_view k) {
  return k == "allOf" || k == "anyOf" || k == "oneOf" || k == "prefixItems" || k == "items";
}
bool IsSchemaMapKeyword(std::string_view k) {
  return k == "$defs" || k == "definitions" || k == "properties" || k == "patternProperties" ||
         k == "dependentSchemas" || k == "dependencies";
}

constexpr int kMaxScanDepth = 256;

}  // namespace

bool HasWhitespace(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t c = DecodeUtf8(s, &pos);
    if ((c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
        (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
        c == 0x3000) {
      return true;
    }
  }
  return false;
}

Loader::Loader(Catalog* catalog, const LoadOptions& options,
               std::function<void(Resource*)> on_catalog)
    : cat_(catalog), options_(options), on_catalog_(std::move(on_catalog)) {
  std::error_code ec;
  cwd_ = std::filesystem::current_path(ec).string();
  display_base_ = options_.display_base.empty() ? cwd_ : options_.display_base;
  cat_->display_base = display_base_;
}

std::string Loader::DisplayPath(const std::string& url) const {
  return cat_->DisplayUrl(url);
}

void Loader::LoadRoot(std::string_view source) {
  std::string url;
  UrlParts parts = ParseUrl(source);
  if (!parts.scheme.empty() && parts.scheme.size() > 1) {
    url = std::string(source);
    display_absolute_ = options_.display_base.empty();
    cat_->display_absolute = display_absolute_;
  } else {
    std::filesystem::path p(source);
    display_absolute_ = p.is_absolute() && options_.display_base.empty();
    cat_->display_absolute = display_absolute_;
    if (!p.is_absolute())
      p = std::filesystem::path(cwd_) / p;
    url = FileUrl(p.lexically_normal().string());
  }
  if (HasFragment(url)) {
    cat_->diagnostics.Error(nullptr, "", "resources cannot have fragments: " + url);
    return;
  }
  cat_->root_url = url;
  Fetch(url, ContentType::kCatalog, Scope{});
}

Resource* Loader::Fetch(const std::string& url, ContentType type, const Scope& referrer) {
  if (auto it = by_url_.find(url); it != by_url_.end()) {
    return it->second != nullptr && it->second->loaded ? it->second : nullptr;
  }
  auto fail = [&](const std::string& why) -> Resource* {
    by_url_[url] = nullptr;
    failed_.insert(url);
    cat_->diagnostics.Error(referrer.resource, referrer.pointer,
                            "failed to fetch resource " + url + ": " + why);
    return nullptr;
  };
  UrlParts parts = ParseUrl(url);
  if (parts.scheme == "http" || parts.scheme == "https") {
    return fail("fetching remote resources is not supported");
  }
  if (parts.scheme != "file") {
    return fail("unsupported URL scheme `" + parts.scheme + "`");
  }
  auto path = FilePath(url);
  if (!path.ok())
    return fail(std::string(path.status().message()));
  std::error_code ec;
  if (!options_.read_file && std::filesystem::is_directory(*path, ec))
    return fail("it is a directory");
  auto text = options_.read_file ? options_.read_file(*path) : ReadFile(*path);
  if (!text.ok()) {
    // Keep only the OS reason ("No such file or directory"): the URL already names the file.
    std::string_view why = text.status().message();
    if (size_t colon = why.rfind(": "); colon != std::string_view::npos)
      why.remove_prefix(colon + 2);
    return fail(std::string(why));
  }

  auto owned = std::make_unique<Resource>();
  Resource* r = owned.get();
  r->url = url;
  r->display = DisplayPath(url);
  r->type = type;
  r->text = std::move(*text);
  r->order = static_cast<uint32_t>(cat_->resources.size());
  cat_->resources.push_back(std::move(owned));
  by_url_[url] = r;

  bool parse = type == ContentType::kCatalog || type == ContentType::kJsonSchema ||
               (type == ContentType::kConfig && IsDocumentPath(url));
  if (!parse) {
    if (!ValidUtf8(r->text)) {
      failed_.insert(url);
      cat_->diagnostics.Error(referrer.resource, referrer.pointer,
                              "failed to fetch resource " + url + ": it is not valid UTF-8 text");
      return nullptr;
    }
    r->root = doc::Node::StringRef(r->text);
    r->loaded = true;
    return r;
  }

  YamlOptions yopts;
  yopts.merge_keys = type == ContentType::kCatalog;
  yopts.record_marks = false;
  r->merge_keys = yopts.merge_keys;
  YamlDocument parsed = ParseYaml(r->text, *cat_->arena, yopts);
  if (parsed.error && EndsWith(StripFragment(url), ".json")) {
    // Not every JSON text is YAML (e.g. tab indentation); fall back to a JSON parser.
    doc::Parser json;
    if (auto n = json.Parse(r->text, *cat_->arena); n.ok()) {
      parsed.error.reset();
      parsed.root = *n;
    }
  }
  if (parsed.error) {
    failed_.insert(url);
    cat_->diagnostics.AddAtMark(Severity::kError, r, parsed.error->mark,
                                "failed to parse " +
                                    std::string(EndsWith(url, ".json") ? "JSON" : "YAML") + ": " +
                                    parsed.error->message);
    return nullptr;
  }
  r->root = parsed.root;
  r->is_document = true;
  r->loaded = true;

  if (type == ContentType::kCatalog) {
    cat_->imports.push_back(url);
    if (++depth_ > 200) {
      cat_->diagnostics.Error(r, "", "imports are nested too deeply");
    } else {
      on_catalog_(r);
    }
    --depth_;
  } else if (type == ContentType::kJsonSchema) {
    ScanSchema(r->root, url, url, Scope{r, ""}, 0);
  }
  return r;
}

Content Loader::ResolveContent(const Scope& at, const doc::Node& value) {
  Content c;
  c.origin = at;
  c.scope = at;
  c.value = value;
  if (!value.is_string() || value.as_string().empty() || HasWhitespace(value.as_string())) {
    return c;
  }
  std::string abs = JoinUrl(at.resource ? at.resource->url : cat_->root_url, value.as_string());
  c.url = abs;
  if (HasFragment(abs)) {
    cat_->diagnostics.Error(at.resource, at.pointer, "resources cannot have fragments: " + abs);
    c.ok = false;
    return c;
  }
  Resource* r = Fetch(abs, ContentType::kConfig, at);
  if (r == nullptr) {
    c.ok = false;
    c.value = doc::Node::String(*cat_->arena, abs);
    return c;
  }
  c.scope = Scope{r, ""};
  c.value = r->root;
  return c;
}

void Loader::Import(const Scope& at, std::string_view url, ContentType type) {
  std::string abs = JoinUrl(at.resource->url, url);
  if (HasFragment(abs)) {
    cat_->diagnostics.Error(at.resource, at.pointer, "resources cannot have fragments");
    return;
  }
  Fetch(abs, type, at);
}

std::string Loader::LoadSchemaUrl(const Scope& at, std::string_view ref) {
  std::string abs = JoinUrl(at.resource->url, ref);
  std::string doc_url(StripFragment(abs));
  if (doc_url.rfind("flow://", 0) != 0)
    Fetch(doc_url, ContentType::kJsonSchema, at);
  return abs;
}

void Loader::ScanInlineSchema(const Scope& at, const doc::Node& schema) {
  ScanSchema(schema, at.resource->url, InlineKey(at), at, 0);
}

void Loader::ScanSchema(const doc::Node& node, std::string base, const std::string& doc_key,
                        const Scope& at, int depth) {
  if (depth > kMaxScanDepth)
    return;
  if (!node.is_object())
    return;
  if (const doc::Node* id = node.Find("$id"); id != nullptr && id->is_string()) {
    base = std::string(StripFragment(JoinUrl(base, id->as_string())));
    if (base != doc_key) {
      declared_ids_.insert(base);
      id_owner_.emplace(base, doc_key);
    }
  }
  for (std::string_view kw : {"$ref", "$dynamicRef", "$recursiveRef"}) {
    if (const doc::Node* ref = node.Find(kw); ref != nullptr && ref->is_string()) {
      std::string target(StripFragment(JoinUrl(base, ref->as_string())));
      NoteRef(target, doc_key, at.Push(kw));
    }
  }
  for (const doc::Field& f : node.fields()) {
    if (IsSchemaKeyword(f.name) && f.value.is_object()) {
      ScanSchema(f.value, base, doc_key, at.Push(f.name), depth + 1);
    } else if (IsSchemaArrayKeyword(f.name) && f.value.is_array()) {
      Scope s = at.Push(f.name);
      size_t i = 0;
      for (const doc::Node& item : f.value.items())
        ScanSchema(item, base, doc_key, s.Push(i++), depth + 1);
    } else if (IsSchemaMapKeyword(f.name) && f.value.is_object()) {
      Scope s = at.Push(f.name);
      for (const doc::Field& g : f.value.fields()) {
        ScanSchema(g.value, base, doc_key, s.Push(g.name), depth + 1);
      }
    }
  }
}

void Loader::NoteRef(const std::string& target, const std::string& doc_key, const Scope& at) {
  if (target.empty() || target.rfind("flow://", 0) == 0)
    return;
  if (at.resource != nullptr && target == at.resource->url)
    return;  // within the document
  std::vector<std::string>& deps = deps_[doc_key];
  if (std::find(deps.begin(), deps.end(), target) == deps.end())
    deps.push_back(target);
  if (declared_ids_.count(target) > 0 || by_url_.count(target) > 0)
    return;
  // A missing file may still be the `$id` of a schema loaded later, so only existing
  // files are fetched now; the rest are decided in Finish().
  UrlParts p = ParseUrl(target);
  if (p.scheme == "file") {
    auto path = FilePath(target);
    std::error_code ec;
    bool exists = path.ok() && (options_.read_file ? options_.read_file(*path).ok()
                                                   : std::filesystem::exists(*path, ec));
    if (exists) {
      Fetch(target, ContentType::kJsonSchema, at);
      return;
    }
  }
  remote_refs_.push_back(Deferred{target, at});
}

void Loader::Finish() {
  for (const Deferred& d : remote_refs_) {
    if (declared_ids_.count(d.url) > 0 || by_url_.count(d.url) > 0)
      continue;
    // Fetch() reports the failure (missing file, remote URL) at the reference.
    Fetch(d.url, ContentType::kJsonSchema, d.at);
  }
  remote_refs_.clear();
}

const std::vector<std::string>& Loader::SchemaDeps(const std::string& doc_key) const {
  static const std::vector<std::string> kNone;
  auto it = deps_.find(doc_key);
  return it == deps_.end() ? kNone : it->second;
}

std::vector<std::string> Loader::SchemaClosure(const std::string& doc_key) const {
  std::vector<std::string> out;
  std::set<std::string> seen{doc_key};
  std::deque<std::string> queue{doc_key};
  while (!queue.empty()) {
    std::string k = std::move(queue.front());
    queue.pop_front();
    for (const std::string& dep : SchemaDeps(k)) {
      auto owner = id_owner_.find(dep);
      const std::string& d = owner == id_owner_.end() ? dep : owner->second;
      if (seen.insert(d).second) {
        out.push_back(d);
        queue.push_back(d);
      }
    }
  }
  return out;
}

}  // namespace flow::catalog
