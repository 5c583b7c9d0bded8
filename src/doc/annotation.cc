// SPDX-License-Identifier: Apache-2.0
// doc/annotation.cc: parsing `reduce` annotations.
#include "doc/annotation.h"

#include "doc/json.h"

namespace flow::doc {

std::string_view StrategyName(Strategy s) {
  switch (s) {
    case Strategy::kLastWriteWins:
      return "lastWriteWins";
    case Strategy::kFirstWriteWins:
      return "firstWriteWins";
    case Strategy::kAppend:
      return "append";
    case Strategy::kMerge:
      return "merge";
    case Strategy::kMinimize:
      return "minimize";
    case Strategy::kMaximize:
      return "maximize";
    case Strategy::kSum:
      return "sum";
    case Strategy::kSet:
      return "set";
    case Strategy::kJsonSchemaMerge:
      return "jsonSchemaMerge";
  }
  return "unknown";
}

Result<ReduceSpec> ParseReduceSpec(const Node& value) {
  if (!value.is_object()) {
    return Status::InvalidArgument("`reduce` must be an object like {{strategy: merge}}, not {}",
                                   ToJson(value));
  }
  const Node* strategy = value.Find("strategy");
  if (strategy == nullptr || !strategy->is_string()) {
    return Status::InvalidArgument("`reduce` requires a string `strategy`: {}", ToJson(value));
  }
  ReduceSpec spec;
  std::string_view name = strategy->as_string();
  static constexpr Strategy kAll[] = {
      Strategy::kLastWriteWins,  Strategy::kFirstWriteWins, Strategy::kAppend, Strategy::kMerge,
      Strategy::kMinimize,       Strategy::kMaximize,       Strategy::kSum,    Strategy::kSet,
      Strategy::kJsonSchemaMerge};
  bool known = false;
  for (Strategy s : kAll) {
    if (StrategyName(s) == name) {
      spec.strategy = s;
      known = true;
    }
  }
  if (!known) {
    return Status::InvalidArgument(
        "unknown reduce strategy \"{}\" (expected one of lastWriteWins, firstWriteWins, append, "
        "merge, minimize, maximize, sum, set, jsonSchemaMerge)",
        name);
  }
  bool takes_key = spec.strategy == Strategy::kMerge || spec.strategy == Strategy::kMinimize ||
                   spec.strategy == Strategy::kMaximize || spec.strategy == Strategy::kSet;
  for (const Field& f : value.fields()) {
    if (f.name == "strategy")
      continue;
    if (f.name == "key" && takes_key) {
      if (!f.value.is_array()) {
        return Status::InvalidArgument("reduce `key` must be an array of JSON pointers");
      }
      for (const Node& k : f.value.items()) {
        if (!k.is_string()) {
          return Status::InvalidArgument("reduce `key` must be an array of JSON pointers");
        }
        FLOW_ASSIGN_OR_RETURN(Pointer p, Pointer::Parse(k.as_string()));
        spec.key.push_back(std::move(p));
      }
      continue;
    }
    if (f.name == "delete" && spec.strategy == Strategy::kMerge && f.value.is_bool()) {
      spec.delete_ = f.value.as_bool();
      continue;
    }
    return Status::InvalidArgument("reduce strategy {} does not take option `{}`", name, f.name);
  }
  return spec;
}

}  // namespace flow::doc
