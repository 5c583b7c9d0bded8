// SPDX-License-Identifier: Apache-2.0
// runtime/derive/transaction.cc: running, combining and committing a derivation transaction.
#include "runtime/derive/transaction.h"

#include <algorithm>

namespace flow::runtime::derive {
namespace {

doc::combine::Spec OutputSpec(const catalog::Collection& derived) {
  doc::combine::Spec spec;
  spec.key = derived.key_extractors;
  spec.name = derived.name;
  spec.full = false;
  spec.ordinal_label = "derived document";
  return spec;
}

}  // namespace

Transaction::Transaction(const catalog::Collection& derived, SqliteDerivation& shard)
    : derived_(derived),
      shard_(shard),
      combiner_(OutputSpec(derived),
                doc::combine::NewSchemaValidator(derived.write_validator_schema)),
      scratch_(64 * 1024) {}

Status Transaction::Add(size_t transform, const doc::Node& doc, std::string_view published_at) {
  outputs_.clear();
  scratch_.Reset();
  FLOW_TRY(shard_.Run(transform, doc, published_at, scratch_, &outputs_));
  if (outputs_.empty())
    return Status::OK();
  if (origins_.empty() || origins_.back().second != transform)
    origins_.emplace_back(ordinal_, transform);
  for (const doc::Node& out : outputs_) {
    Status s = combiner_.Add(out, ordinal_++);
    if (!s.ok()) {
      return Status::InvalidArgument("output of transform \"{}\": {}",
                                     derived_.derive->transforms[transform].name, s.message());
    }
  }
  return Status::OK();
}

std::string_view Transaction::TransformOf(uint64_t ordinal) const {
  auto it = std::upper_bound(
      origins_.begin(), origins_.end(), ordinal,
      [](uint64_t o, const std::pair<uint64_t, size_t>& run) { return o < run.first; });
  if (it == origins_.begin())
    return "?";
  return derived_.derive->transforms[std::prev(it)->second].name;
}

Status Transaction::Commit(std::string_view checkpoint,
                           const std::function<Status(const doc::combine::DrainedDoc&)>& emit) {
  // The combiner names a failing document by ordinal ("derived document N: ...").
  Status s = combiner_.Drain(emit);
  if (!s.ok()) {
    if (s.code() != Code::kInvalidArgument)
      return s;
    std::string_view msg = s.message();
    uint64_t ordinal = 0;
    constexpr std::string_view kLabel = "derived document ";
    if (msg.starts_with(kLabel)) {
      for (size_t i = kLabel.size(); i < msg.size() && msg[i] >= '0' && msg[i] <= '9'; ++i)
        ordinal = ordinal * 10 + static_cast<uint64_t>(msg[i] - '0');
      return Status::InvalidArgument("output of transform \"{}\": {}", TransformOf(ordinal), msg);
    }
    return s;
  }
  ordinal_ = 0;
  origins_.clear();
  return shard_.Commit(checkpoint);
}

}  // namespace flow::runtime::derive
