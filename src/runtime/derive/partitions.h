// SPDX-License-Identifier: Apache-2.0
// runtime/derive/partitions.h: the logical partition of a document, and selectors over it.
//
// A document's partition is the value of each of its collection's partition fields at
// the field's location: the schema `default` there if the location is missing, else
// null. Journals are named after it, and transform and verify partition selectors
// (spec §1.6) pick documents by it.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "doc/node.h"

namespace flow::runtime::derive {

class PartitionValues {
 public:
  PartitionValues() = default;
  /// The partition of `doc`, a document of `c`. The values point into `doc` and into the
  /// catalog, which must outlive the result.
  static PartitionValues Of(const catalog::Collection& c, const doc::Node& doc);

  /// The value of partition field `field`, or nullptr if it is not one.
  const doc::Node* Find(std::string_view field) const;
  /// Whether `selector` picks this partition.
  bool SelectedBy(const catalog::PartitionSelector& selector) const {
    return selector.Matches([this](const std::string& f) { return Find(f); });
  }
  /// (field, value) in the collection's partition-field order (sorted by field).
  const std::vector<std::pair<std::string_view, doc::Node>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string_view, doc::Node>> fields_;
};

}  // namespace flow::runtime::derive
