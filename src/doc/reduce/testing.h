// SPDX-License-Identifier: Apache-2.0
// doc/reduce/testing.h: test-only helpers: hand-built annotation tapes and random docs.
//
// A SpecTree plays the part of a schema without conditionals: a strategy for a
// location plus trees for named properties, other properties and array items. Tapes
// built from it are what a validator would emit for such a schema, so a reduced
// document can be "re-validated" by building its tape again.
#pragma once

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "doc/annotation.h"
#include "doc/node.h"

namespace flow::doc::reduce::testing {

struct SpecTree {
  const ReduceSpec* spec = nullptr;  ///< nullptr: no annotation (lastWriteWins)
  std::map<std::string, std::shared_ptr<SpecTree>> properties;
  std::shared_ptr<SpecTree> additional;          ///< other properties
  std::vector<std::shared_ptr<SpecTree>> tuple;  ///< items by index
  std::shared_ptr<SpecTree> items;               ///< items past the tuple
};

inline void AppendTape(const Node& n, const SpecTree* t, Tape* tape) {
  size_t at = tape->size();
  tape->push_back(TapeEntry{t ? t->spec : nullptr, 1});
  if (n.is_object()) {
    for (const Field& f : n.fields()) {
      const SpecTree* c = nullptr;
      if (t != nullptr) {
        auto it = t->properties.find(std::string(f.name));
        c = it != t->properties.end() ? it->second.get() : t->additional.get();
      }
      AppendTape(f.value, c, tape);
    }
  } else if (n.is_array()) {
    for (uint32_t i = 0; i < n.size(); ++i) {
      const SpecTree* c = nullptr;
      if (t != nullptr)
        c = i < t->tuple.size() ? t->tuple[i].get() : t->items.get();
      AppendTape(n.items()[i], c, tape);
    }
  }
  (*tape)[at].length = static_cast<uint32_t>(tape->size() - at);
}

/// The tape of `doc` under `tree` (nullptr: no annotations anywhere).
inline Tape BuildTape(const Node& doc, const SpecTree* tree) {
  Tape tape;
  AppendTape(doc, tree, &tape);
  return tape;
}

}  // namespace flow::doc::reduce::testing
