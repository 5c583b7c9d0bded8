// SPDX-License-Identifier: Apache-2.0
// catalog/source_map.cc: mark lookup with fallback to ancestors.
#include "catalog/source_map.h"

namespace flow::catalog {

const SourceMap::Entry* SourceMap::Find(std::string_view pointer) const {
  auto it = entries_.find(pointer);
  return it == entries_.end() ? nullptr : &it->second;
}

Mark SourceMap::ValueMark(std::string_view pointer) const {
  while (true) {
    if (const Entry* e = Find(pointer); e != nullptr && e->value.known())
      return e->value;
    if (pointer.empty())
      return Mark{};
    size_t slash = pointer.rfind('/');
    pointer = pointer.substr(0, slash == std::string_view::npos ? 0 : slash);
  }
}

Mark SourceMap::KeyMark(std::string_view pointer) const {
  if (const Entry* e = Find(pointer); e != nullptr && e->key.known())
    return e->key;
  return ValueMark(pointer);
}

}  // namespace flow::catalog
