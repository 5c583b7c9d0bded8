// SPDX-License-Identifier: Apache-2.0
// catalog/build_tests.cc: test steps (spec §2.4) and capture/materialization bindings.
#include <vector>

#include "catalog/builder.h"
#include "doc/compare.h"

namespace flow::catalog {

void Builder::BuildTest(Test& t) {
  for (size_t i = 0; i < t.steps.size(); ++i) {
    TestStep& step = t.steps[i];
    const Collection* c =
        WalkReference(step.collection_scope.resource ? step.collection_scope : step.scope,
                      "test " + t.name + " step " + std::to_string(i), step.collection);
    step.built_collection = c;
    if (c == nullptr || !Built(c) || !step.documents.ok)
      continue;

    if (step.kind == TestStep::Kind::kIngest) {
      if (!options_.validate_test_documents)
        continue;
      auto& v = validators_[c];
      if (!v)
        v = std::make_unique<doc::schema::Validator>(c->write_validator_schema);
      std::vector<doc::schema::Error> errors;
      size_t j = 0;
      for (const doc::Node& d : step.documents.value.items()) {
        errors.clear();
        if (!v->Validate(d, nullptr, &errors)) {
          std::string msg = "test ingest document is invalid against the collection schema: ";
          for (size_t k = 0; k < errors.size() && k < 4; ++k) {
            if (k > 0)
              msg += "; ";
            msg += errors[k].ToString();
          }
          if (errors.size() > 4)
            msg += "; and " + std::to_string(errors.size() - 4) + " more";
          Error(step.documents.scope.Push(j), std::move(msg));
        }
        ++j;
      }
    } else {
      std::vector<doc::Pointer> key;
      for (const doc::KeyExtractor& k : c->key_extractors)
        key.push_back(k.pointer());
      auto docs = step.documents.value.items();
      for (size_t j = 1; j < docs.size(); ++j) {
        if (doc::CompareKeys(docs[j - 1], docs[j], key) > 0) {
          Error(step.documents.scope.Push(j),
                "documents to verify are not in collection key order");
          break;
        }
      }
      if (!step.partitions.empty())
        WalkSelector(*c, step.partitions);
    }
  }
}

void Builder::BuildTasks() {
  for (Capture& cap : cat_->captures) {
    for (size_t i = 0; i < cap.bindings.size(); ++i) {
      Binding& b = cap.bindings[i];
      if (b.collection.empty())
        continue;
      b.built_collection = WalkReference(b.collection_scope, "capture " + cap.name, b.collection);
    }
  }
  for (Materialization& m : cat_->materializations) {
    for (size_t i = 0; i < m.bindings.size(); ++i) {
      Binding& b = m.bindings[i];
      if (b.collection.empty())
        continue;
      b.built_collection =
          WalkReference(b.collection_scope, "materialization " + m.name, b.collection);
      if (Built(b.built_collection) && !b.partitions.empty()) {
        WalkSelector(*b.built_collection, b.partitions);
      }
    }
  }
}

}  // namespace flow::catalog
