// SPDX-License-Identifier: Apache-2.0
// catalog/schemas.cc: per-collection schema indexes, compilation and shapes.
#include "catalog/schemas.h"

#include <vector>

#include "catalog/url.h"
#include "doc/pointer.h"

namespace flow::catalog {
namespace {

constexpr std::string_view kWriteSchema = "flow://write-schema";
constexpr std::string_view kRelaxedWriteSchema = "flow://relaxed-write-schema";
constexpr std::string_view kInferredSchema = "flow://inferred-schema";

bool IsPointerChar(char c) {
  return c != ' ' && c != '\t' && c != '\n' && c != '"' && c != '\'' && c != '`' && c != ',' &&
         c != ')' && c != '(';
}

}  // namespace

Scope SchemaBuilder::LocationOf(const SchemaRef& ref, std::string_view doc_ptr) const {
  Scope at = ref.scope;
  const doc::Node* node = &ref.inline_doc;
  if (!ref.is_inline()) {
    const Resource* r = cat_->FindResource(StripFragment(ref.url));
    if (r == nullptr || !r->is_document)
      return at;
    std::string frag = PercentDecode(FragmentOf(ref.url));
    auto p = doc::Pointer::Parse(frag);
    if (!p.ok() || (node = p->Query(r->root)) == nullptr)
      return at;
    at = Scope{r, frag};
  }
  auto ptr = doc::Pointer::Parse(doc_ptr);
  if (!ptr.ok())
    return at;
  // Follow `properties` and `items` as far as they describe the location.
  for (const doc::Pointer::Token& tok : ptr->tokens()) {
    const doc::Node* props = node->is_object() ? node->Find("properties") : nullptr;
    const doc::Node* items = node->is_object() ? node->Find("items") : nullptr;
    if (props != nullptr && props->is_object() && props->Find(tok.property) != nullptr) {
      node = props->Find(tok.property);
      at = at.Push("properties").Push(tok.property);
    } else if ((tok.index || tok.next_item) && items != nullptr && items->is_object()) {
      node = items;
      at = at.Push("items");
    } else {
      break;
    }
  }
  return at;
}

std::string SchemaBuilder::IndexUri(const SchemaRef& ref) {
  if (!ref.is_inline())
    return ref.url;
  return ref.scope.resource->url + "?ptr=" + ref.scope.pointer;
}

std::string SchemaBuilder::Humanize(std::string message) const {
  for (const auto& [synthetic, flow_uri] : synthetic_) {
    for (size_t pos = message.find(synthetic); pos != std::string::npos;
         pos = message.find(synthetic, pos)) {
      size_t end = pos + synthetic.size();
      if (end < message.size() && message[end] == '#') {
        message.replace(pos, synthetic.size() + 1, flow_uri);
      } else {
        message.replace(pos, synthetic.size(), flow_uri);
      }
      pos += flow_uri.size();
    }
  }
  return message;
}

bool SchemaBuilder::AddDocuments(doc::schema::SchemaIndex* index, const SchemaRef& ref) {
  std::string doc_key;
  if (ref.is_inline()) {
    doc_key = Loader::InlineKey(ref.scope);
    std::string uri = IndexUri(ref);
    synthetic_[uri] = ref.Uri();
    if (!index->Contains(uri)) {
      if (Status s = index->Add(uri, ref.inline_doc); !s.ok()) {
        cat_->diagnostics.Error(ref.scope.resource, ref.scope.pointer,
                                Humanize(std::string(s.message())));
        return false;
      }
    }
  } else {
    doc_key = std::string(StripFragment(ref.url));
    if (doc_key.rfind("flow://", 0) == 0)
      return true;
    const Resource* r = cat_->FindResource(doc_key);
    if (loader_->Failed(doc_key) || r == nullptr || !r->is_document)
      return false;
    if (!index->Contains(doc_key)) {
      if (Status s = index->Add(doc_key, r->root); !s.ok()) {
        cat_->diagnostics.Error(ref.scope.resource, ref.scope.pointer,
                                Humanize(std::string(s.message())));
        return false;
      }
    }
  }
  for (const std::string& url : loader_->SchemaClosure(doc_key)) {
    if (loader_->Failed(url))
      return false;
    const Resource* r = cat_->FindResource(url);
    if (r == nullptr || !r->is_document || index->Contains(url))
      continue;
    if (Status s = index->Add(url, r->root); !s.ok()) {
      cat_->diagnostics.Error(ref.scope.resource, ref.scope.pointer,
                              Humanize(std::string(s.message())));
      return false;
    }
  }
  return true;
}

std::optional<BuiltSchema> SchemaBuilder::Build(const SchemaRef& ref, const SchemaRef* write) {
  const bool cacheable = !ref.is_inline() && write == nullptr;
  if (cacheable) {
    if (auto it = by_url_.find(ref.url); it != by_url_.end())
      return it->second;
  }
  auto report = [&](std::string message) {
    cat_->diagnostics.Error(ref.scope.resource, ref.scope.pointer, std::move(message));
  };

  if (!ref.is_inline() && ref.url.rfind("flow://", 0) == 0) {
    report("schema " + ref.url + " can only be referenced from within a collection's readSchema");
    return std::nullopt;
  }
  // A JSON-pointer fragment must name a location of the document.
  if (!ref.is_inline()) {
    std::string_view frag = FragmentOf(ref.url);
    const Resource* r = cat_->FindResource(StripFragment(ref.url));
    if (!frag.empty() && frag[0] == '/' && r != nullptr && r->is_document) {
      auto ptr = doc::Pointer::Parse(PercentDecode(frag));
      if (!ptr.ok() || ptr->Query(r->root) == nullptr) {
        report("referenced schema fragment location " + ref.url + " does not exist");
        return std::nullopt;
      }
    }
  }
  doc::schema::SchemaIndex index;
  if (!AddDocuments(&index, ref))
    return std::nullopt;

  // Bind flow:// references and any `$id`-named documents that were loaded elsewhere.
  bool bound_write = false;
  for (int round = 0; round < 8; ++round) {
    bool progress = false;
    for (const std::string& missing : index.MissingReferences()) {
      if (missing == kWriteSchema || missing == kRelaxedWriteSchema) {
        if (write == nullptr) {
          report(missing + " can only be referenced from within a collection's readSchema");
          return std::nullopt;
        }
        if (!bound_write) {
          if (!AddDocuments(&index, *write))
            return std::nullopt;
          bound_write = true;
        }
        // Locally there is no inferred schema, so the relaxed write schema is the
        // write schema itself (as Flow does when no inference is available).
        std::vector<doc::Field> fields{{"$ref", doc::Node::String(*cat_->arena, IndexUri(*write))}};
        if (Status s = index.Add(missing, doc::MakeObject(*cat_->arena, fields)); !s.ok()) {
          report(Humanize(std::string(s.message())));
          return std::nullopt;
        }
        progress = true;
      } else if (missing == kInferredSchema) {
        std::vector<doc::Field> none;
        if (Status s = index.Add(missing, doc::MakeObject(*cat_->arena, none)); !s.ok()) {
          report(std::string(s.message()));
          return std::nullopt;
        }
        progress = true;
      } else if (missing.rfind("flow://", 0) == 0) {
        report("unknown schema reference " + missing + " (expected " + std::string(kWriteSchema) +
               ", " + std::string(kRelaxedWriteSchema) + " or " + std::string(kInferredSchema) +
               ")");
        return std::nullopt;
      } else if (const Resource* r = cat_->FindResource(missing);
                 r != nullptr && r->is_document && !index.Contains(missing)) {
        if (Status s = index.Add(missing, r->root); !s.ok()) {
          report(Humanize(std::string(s.message())));
          return std::nullopt;
        }
        progress = true;
      }
    }
    if (!progress)
      break;
  }

  auto compiled = doc::schema::Schema::Compile(index, IndexUri(ref));
  if (!compiled.ok()) {
    std::string msg = Humanize(std::string(compiled.status().message()));
    // Point at the offending schema keyword when the message names a location we loaded.
    Scope at = ref.scope;
    for (const auto& res : cat_->resources) {
      std::string prefix = res->url + "#/";
      size_t pos = msg.find(prefix);
      if (pos == std::string::npos)
        continue;
      size_t end = pos + prefix.size();
      while (end < msg.size() && IsPointerChar(msg[end]))
        ++end;
      while (end > pos + prefix.size() && (msg[end - 1] == ':' || msg[end - 1] == '.'))
        --end;
      std::string ptr =
          PercentDecode(msg.substr(pos + prefix.size() - 1, end - pos - prefix.size() + 1));
      if (res->is_document && res->marks().Find(ptr) != nullptr)
        at = Scope{res.get(), ptr};
      break;
    }
    cat_->diagnostics.Error(at.resource, at.pointer, std::move(msg));
    return std::nullopt;
  }
  BuiltSchema built;
  built.schema = std::move(*compiled);
  built.shape = std::make_shared<const doc::schema::Shape>(doc::schema::InferShape(*built.schema));
  built.uri = ref.Uri();
  if (cacheable)
    by_url_[ref.url] = built;
  return built;
}

}  // namespace flow::catalog
