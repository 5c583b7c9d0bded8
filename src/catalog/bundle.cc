// SPDX-License-Identifier: Apache-2.0
// catalog/bundle.cc: inlining resources and schemas into one document.
#include "catalog/bundle.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "catalog/url.h"
#include "doc/pointer.h"

namespace flow::catalog {
namespace {

using Key = std::pair<const Resource*, std::string>;

class Bundler {
 public:
  Bundler(const Catalog& cat, doc::Arena& arena) : cat_(cat), arena_(arena) {}

  doc::Node Run() {
    CollectSubstitutions();
    std::vector<doc::Field> top;
    auto section = [&](std::string_view name, std::vector<doc::Field> fields) {
      if (!fields.empty())
        top.push_back({name, doc::MakeObject(arena_, fields)});
    };
    std::vector<doc::Field> collections, captures, materializations, tests, mappings;
    for (const Collection& c : cat_.collections) {
      doc::Node n = Entity(c.scope);
      // The V0 list form carries the name inside the definition.
      if (c.scope.pointer.rfind("/collections/", 0) == 0 && n.is_object() && n.Find("name") &&
          IsListItem(c.scope.pointer)) {
        std::vector<doc::Field> fs;
        for (const doc::Field& f : n.fields()) {
          if (f.name != "name")
            fs.push_back(f);
        }
        n = doc::MakeObject(arena_, fs);
      }
      collections.push_back({arena_.CopyString(c.name), n});
    }
    for (const Capture& c : cat_.captures)
      captures.push_back({arena_.CopyString(c.name), Entity(c.scope)});
    for (const Materialization& m : cat_.materializations) {
      materializations.push_back({arena_.CopyString(m.name), Entity(m.scope)});
    }
    for (const Test& t : cat_.tests)
      tests.push_back({arena_.CopyString(t.name), Entity(t.scope)});
    for (const StorageMapping& s : cat_.storage_mappings) {
      mappings.push_back({arena_.CopyString(s.prefix), Entity(s.scope)});
    }
    section("captures", std::move(captures));
    section("collections", std::move(collections));
    section("materializations", std::move(materializations));
    section("storageMappings", std::move(mappings));
    section("tests", std::move(tests));
    return doc::MakeObject(arena_, top);
  }

 private:
  static bool IsListItem(const std::string& ptr) {
    std::string_view rest = std::string_view(ptr).substr(std::string_view("/collections/").size());
    if (rest.empty())
      return false;
    for (char c : rest) {
      if (c < '0' || c > '9')
        return false;
    }
    return true;
  }

  doc::Node Entity(const Scope& s) {
    if (s.resource == nullptr)
      return doc::Node::Null();
    auto ptr = doc::Pointer::Parse(s.pointer);
    if (!ptr.ok())
      return doc::Node::Null();
    const doc::Node* n = ptr->Query(s.resource->root);
    if (n == nullptr)
      return doc::Node::Null();
    std::string p = s.pointer;
    return Substitute(*n, s.resource, &p);
  }

  doc::Node Substitute(const doc::Node& n, const Resource* r, std::string* ptr) {
    if (auto it = subs_.find(Key{r, *ptr}); it != subs_.end())
      return it->second;
    if (n.is_array()) {
      std::vector<doc::Node> items;
      size_t i = 0;
      for (const doc::Node& item : n.items()) {
        size_t len = ptr->size();
        *ptr += "/" + std::to_string(i++);
        items.push_back(Substitute(item, r, ptr));
        ptr->resize(len);
      }
      return doc::MakeArray(arena_, items);
    }
    if (n.is_object()) {
      std::vector<doc::Field> fields;
      for (const doc::Field& f : n.fields()) {
        size_t len = ptr->size();
        *ptr += "/" + doc::EscapeToken(f.name);
        fields.push_back({f.name, Substitute(f.value, r, ptr)});
        ptr->resize(len);
      }
      return doc::MakeObject(arena_, fields);
    }
    return n;
  }

  void Content(const std::optional<catalog::Content>& c) {
    if (c)
      Content(*c);
  }
  void Content(const catalog::Content& c) {
    if (c.from_file() && c.origin.resource != nullptr)
      subs_[Key{c.origin.resource, c.origin.pointer}] = c.value;
  }

  void CollectSubstitutions() {
    for (const Collection& c : cat_.collections) {
      for (const std::optional<SchemaRef>* ref : {&c.schema, &c.write_schema, &c.read_schema}) {
        if (*ref)
          subs_[Key{(*ref)->scope.resource, (*ref)->scope.pointer}] = BundleSchema(**ref);
      }
      if (!c.derive)
        continue;
      for (const catalog::Content& m : c.derive->migrations)
        Content(m);
      Content(c.derive->module);
      Content(c.derive->config);
      for (const Transform& t : c.derive->transforms) {
        Content(t.lambda);
        Content(t.shuffle_lambda);
      }
    }
    for (const Capture& c : cat_.captures) {
      Content(c.config);
      for (const Binding& b : c.bindings)
        Content(b.resource);
    }
    for (const Materialization& m : cat_.materializations) {
      Content(m.config);
      for (const Binding& b : m.bindings)
        Content(b.resource);
    }
    for (const Test& t : cat_.tests) {
      for (const TestStep& s : t.steps)
        Content(s.documents);
    }
  }

  // Copies a schema document, making relative `$ref`s absolute against `base`
  // (which `$id`s may change).
  doc::Node Absolutize(const doc::Node& n, std::string base, std::set<std::string>* deps,
                       const std::string& self) {
    if (n.is_array()) {
      std::vector<doc::Node> items;
      for (const doc::Node& item : n.items())
        items.push_back(Absolutize(item, base, deps, self));
      return doc::MakeArray(arena_, items);
    }
    if (!n.is_object())
      return n;
    if (const doc::Node* id = n.Find("$id"); id != nullptr && id->is_string()) {
      base = std::string(StripFragment(JoinUrl(base, id->as_string())));
    }
    std::vector<doc::Field> fields;
    for (const doc::Field& f : n.fields()) {
      if ((f.name == "$ref" || f.name == "$dynamicRef" || f.name == "$recursiveRef") &&
          f.value.is_string() && !f.value.as_string().empty() && f.value.as_string()[0] != '#') {
        std::string abs = JoinUrl(base, f.value.as_string());
        std::string doc_url(StripFragment(abs));
        if (doc_url.rfind("flow://", 0) != 0 && doc_url != self)
          deps->insert(doc_url);
        fields.push_back({f.name, doc::Node::String(arena_, abs)});
      } else if (f.name == "enum" || f.name == "const" || f.name == "default" ||
                 f.name == "examples") {
        fields.push_back(f);
      } else {
        fields.push_back({f.name, Absolutize(f.value, base, deps, self)});
      }
    }
    return doc::MakeObject(arena_, fields);
  }

  doc::Node WithId(doc::Node n, const std::string& url) {
    if (!n.is_object() || n.Find("$id") != nullptr)
      return n;
    std::vector<doc::Field> fields(n.fields().begin(), n.fields().end());
    fields.push_back({"$id", doc::Node::String(arena_, url)});
    return doc::MakeObject(arena_, fields);
  }

  doc::Node BundleSchema(const SchemaRef& ref) {
    std::set<std::string> deps;
    doc::Node root;
    std::string root_url;
    if (ref.is_inline()) {
      root = Absolutize(ref.inline_doc, ref.scope.resource->url, &deps, ref.scope.resource->url);
    } else {
      root_url = std::string(StripFragment(ref.url));
      if (root_url.rfind("flow://", 0) == 0)
        return doc::Node::String(arena_, ref.url);
      deps.insert(root_url);
    }
    // Bundle the transitive closure of referenced documents by URL.
    std::map<std::string, doc::Node> bundled;
    std::vector<std::string> queue(deps.begin(), deps.end());
    while (!queue.empty()) {
      std::string url = queue.back();
      queue.pop_back();
      if (bundled.count(url) > 0)
        continue;
      const Resource* r = cat_.FindResource(url);
      if (r == nullptr || !r->is_document)
        continue;
      std::set<std::string> more;
      bundled[url] = WithId(Absolutize(r->root, url, &more, url), url);
      for (const std::string& m : more) {
        if (bundled.count(m) == 0)
          queue.push_back(m);
      }
    }
    if (!ref.is_inline()) {
      std::vector<doc::Field> fields;
      fields.push_back({"$ref", doc::Node::String(arena_, ref.url)});
      root = doc::MakeObject(arena_, fields);
    }
    if (bundled.empty() || !root.is_object())
      return root;
    std::vector<doc::Field> fields(root.fields().begin(), root.fields().end());
    std::vector<doc::Field> defs;
    size_t at = fields.size();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == "$defs" && fields[i].value.is_object()) {
        defs.assign(fields[i].value.fields().begin(), fields[i].value.fields().end());
        at = i;
      }
    }
    for (auto& [url, node] : bundled)
      defs.push_back({arena_.CopyString(url), node});
    doc::Node defs_node = doc::MakeObject(arena_, defs);
    if (at < fields.size()) {
      fields[at].value = defs_node;
    } else {
      fields.push_back({"$defs", defs_node});
    }
    return doc::MakeObject(arena_, fields);
  }

  const Catalog& cat_;
  doc::Arena& arena_;
  std::map<Key, doc::Node> subs_;
};

}  // namespace

doc::Node BundleCatalog(const Catalog& catalog, doc::Arena& arena) {
  return Bundler(catalog, arena).Run();
}

}  // namespace flow::catalog
