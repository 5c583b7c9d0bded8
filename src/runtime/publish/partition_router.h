// SPDX-License-Identifier: Apache-2.0
// runtime/publish/partition_router.h: the partition journal each document of a
// collection belongs in.
//
// A document's logical partition is the value of each partition field at its
// projection's location: the schema `default` there if the location is missing, else
// null (Flow's behaviour). Its journal is `<collection>/<field>=<value>/.../pivot=00`
// (storage/partition.h): flowctl runs every collection as one physical partition, the
// whole key range starting at 00. Names are cached by value, so routing a document
// costs a few pointer lookups. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "doc/node.h"
#include "doc/pointer.h"
#include "storage/partition.h"

namespace flow::runtime::publish {

class PartitionRouter {
 public:
  /// `c` must have no catalog errors and outlive the router.
  explicit PartitionRouter(const catalog::Collection& c);

  /// The journal of `doc`. InvalidArgument if a partition field's value is not null, a
  /// boolean, an integer or a string (Flow's partition types), or if the resulting name
  /// is not a valid journal name.
  Result<std::string_view> Route(const doc::Node& doc);

  /// The partition-field values of `doc` (what Route names the journal after).
  Result<std::vector<storage::PartitionField>> Values(const doc::Node& doc) const;

 private:
  struct Field {
    std::string name;
    doc::Pointer pointer;
    std::optional<doc::Node> default_value;
  };
  const doc::Node& ValueOf(const Field& f, const doc::Node& doc) const;

  const catalog::Collection& collection_;
  std::vector<Field> fields_;  // sorted by name
  std::string key_;            // scratch: the values, tagged and length-prefixed
  std::unordered_map<std::string, std::string> names_;
};

}  // namespace flow::runtime::publish
