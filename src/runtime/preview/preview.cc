// SPDX-License-Identifier: Apache-2.0
// runtime/preview/preview.cc: resolving the derivation and running source transactions.
#include "runtime/preview/preview.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "doc/pointer.h"
#include "doc/schema/validator.h"
#include "runtime/derive/partitions.h"
#include "runtime/derive/published_at.h"
#include "runtime/derive/sqlite_derivation.h"
#include "runtime/derive/transaction.h"
#include "storage/uuid.h"

namespace flow::runtime::preview {
namespace {

std::string DerivationList(const catalog::Catalog& catalog) {
  std::string out;
  for (const catalog::Collection& c : catalog.collections) {
    if (!c.derive)
      continue;
    if (!out.empty())
      out += ", ";
    out += c.name;
  }
  return out.empty() ? "none" : out;
}

// A collection read by the derivation, with the transforms reading it.
struct Source {
  const catalog::Collection* collection;
  std::unique_ptr<doc::schema::Validator> validator;
  std::vector<size_t> transforms;
};

}  // namespace

Result<const catalog::Collection*> FindPreviewDerivation(const catalog::Catalog& catalog,
                                                         std::string_view name) {
  const catalog::Collection* c = nullptr;
  if (name.empty()) {
    for (const catalog::Collection& candidate : catalog.collections) {
      if (!candidate.derive)
        continue;
      if (c != nullptr) {
        return Status::InvalidArgument(
            "the catalog has several derivations; choose one with --name: {}",
            DerivationList(catalog));
      }
      c = &candidate;
    }
    if (c == nullptr)
      return Status::InvalidArgument("the catalog has no derivations to preview");
  } else {
    c = catalog.FindCollection(name);
    if (c == nullptr) {
      return Status::InvalidArgument("no collection named {} in the catalog; its derivations: {}",
                                     name, DerivationList(catalog));
    }
    if (!c->derive) {
      return Status::InvalidArgument("{} is not a derivation; the catalog's derivations: {}", name,
                                     DerivationList(catalog));
    }
  }
  if (!c->derive->runnable()) {
    return Status::InvalidArgument(
        "derivation {} uses `{}`, which flowctl cannot run locally (only SQLite derivations run "
        "in process)",
        c->name, catalog::DeriveUsingName(c->derive->using_));
  }
  return c;
}

Status RunPreview(const catalog::Catalog& catalog, const catalog::Collection& derived,
                  PreviewSource& source, const std::function<Status(const doc::Node&)>& emit,
                  PreviewStats* stats, const std::function<Status()>& committed) {
  PreviewStats local;
  if (stats == nullptr)
    stats = &local;
  const catalog::Derivation& d = *derived.derive;

  std::vector<Source> sources;
  for (size_t t = 0; t < d.transforms.size(); ++t) {
    const catalog::Transform& tf = d.transforms[t];
    if (tf.disable || tf.source_collection == nullptr)
      continue;
    Source* s = nullptr;
    for (Source& existing : sources) {
      if (existing.collection == tf.source_collection)
        s = &existing;
    }
    if (s == nullptr) {
      sources.push_back(Source{
          tf.source_collection,
          std::make_unique<doc::schema::Validator>(tf.source_collection->read_validator_schema),
          {}});
      s = &sources.back();
      s->validator->set_max_errors(8);
    }
    s->transforms.push_back(t);
  }

  FLOW_ASSIGN_OR_RETURN(std::unique_ptr<derive::SqliteDerivation> shard,
                        derive::SqliteDerivation::Open(derived, ":memory:"));
  derive::Transaction txn(derived, *shard);
  FLOW_ASSIGN_OR_RETURN(doc::Pointer uuid_ptr, doc::Pointer::Parse("/_meta/uuid"));
  bool wants_published_at = false;
  for (size_t t = 0; t < d.transforms.size(); ++t)
    wants_published_at = wants_published_at || shard->BindsPublishedAt(t);

  doc::Arena arena(1 << 20);
  std::vector<SourceDoc> docs;
  std::vector<doc::schema::Error> errors;
  std::string published_at;
  auto emit_drained = [&](const doc::combine::DrainedDoc& dd) {
    ++stats->outputs;
    return emit(dd.doc);
  };
  bool open = false;  // a transaction has documents not yet committed
  while (true) {
    arena.Reset();
    bool commit = false;
    FLOW_ASSIGN_OR_RETURN(bool more, source.Next(arena, &docs, &commit));
    if (!more)
      break;
    open = true;
    // The last collection looked up, as sources repeat the same few collections.
    std::string_view last_name;
    const catalog::Collection* last = nullptr;
    for (size_t i = 0; i < docs.size(); ++i) {
      SourceDoc& sd = docs[i];
      if (last == nullptr || sd.collection != last_name) {
        last = catalog.FindCollection(sd.collection);
        last_name = sd.collection;
        if (last == nullptr) {
          return Status::InvalidArgument("{}: no collection named {} in the catalog",
                                         source.Describe(i), sd.collection);
        }
      }
      const catalog::Collection* c = last;
      Source* src = nullptr;
      for (Source& s : sources) {
        if (s.collection == c)
          src = &s;
      }
      if (src == nullptr)
        continue;  // not read by this derivation (Flow skips it too)

      errors.clear();
      if (!src->validator->Validate(sd.doc, nullptr, &errors)) {
        std::string msg;
        for (const doc::schema::Error& e : errors) {
          if (!msg.empty())
            msg += "; ";
          msg += e.ToString();
        }
        return Status::InvalidArgument(
            "{}: document failed validation against the read schema of {}: {}", source.Describe(i),
            c->name, msg);
      }
      if (sd.stamp) {
        char text[36];
        sd.stamp->Format(text);
        *uuid_ptr.Create(sd.doc, arena) = doc::Node::String(arena, std::string_view(text, 36));
      }
      published_at.clear();
      if (wants_published_at)
        published_at = derive::FormatPublishedAt(sd.published_unix_nanos);

      std::optional<derive::PartitionValues> partitions;
      bool read = false;
      for (size_t ti : src->transforms) {
        const catalog::PartitionSelector& selector = d.transforms[ti].partitions;
        if (!selector.empty()) {
          if (!partitions)
            partitions = derive::PartitionValues::Of(*c, sd.doc);
          if (!partitions->SelectedBy(selector))
            continue;
        }
        read = true;
        ++stats->reads;
        FLOW_TRY(txn.Add(ti, sd.doc, published_at));
      }
      stats->documents += read ? 1 : 0;
    }
    if (commit) {
      FLOW_TRY(txn.Commit(source.Checkpoint(), emit_drained));
      ++stats->transactions;
      open = false;
      if (committed)
        FLOW_TRY(committed());
    }
  }
  if (open)
    return Status::Internal("preview source ended inside a transaction");
  return Status::OK();
}

}  // namespace flow::runtime::preview
