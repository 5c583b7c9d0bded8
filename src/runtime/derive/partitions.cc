// SPDX-License-Identifier: Apache-2.0
// runtime/derive/partitions.cc: extracting partition values.
#include "runtime/derive/partitions.h"

namespace flow::runtime::derive {

PartitionValues PartitionValues::Of(const catalog::Collection& c, const doc::Node& doc) {
  PartitionValues out;
  out.fields_.reserve(c.partition_fields.size());
  for (const std::string& field : c.partition_fields) {
    const catalog::Projection* p = c.FindProjection(field);
    const doc::Node* v = p ? p->pointer.Query(doc) : nullptr;
    if (v == nullptr && p && p->default_value)
      v = &*p->default_value;
    out.fields_.emplace_back(field, v ? *v : doc::Node::Null());
  }
  return out;
}

const doc::Node* PartitionValues::Find(std::string_view field) const {
  for (const auto& [f, v] : fields_) {
    if (f == field)
      return &v;
  }
  return nullptr;
}

}  // namespace flow::runtime::derive
