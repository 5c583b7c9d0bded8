// SPDX-License-Identifier: Apache-2.0
// runtime/publish/partition_router.cc: routing documents to partition journals.
#include "runtime/publish/partition_router.h"

#include <cstring>

#include <fmt/format.h>

#include "doc/json.h"

namespace flow::runtime::publish {
namespace {

const doc::Node kNull;

Result<storage::PartitionValue> ToPartitionValue(std::string_view field, const doc::Node& n) {
  switch (n.type()) {
    case doc::Type::kNull:
      return storage::PartitionValue(std::monostate{});
    case doc::Type::kBool:
      return storage::PartitionValue(n.as_bool());
    case doc::Type::kPosInt:
      return storage::PartitionValue(n.as_u64());
    case doc::Type::kNegInt:
      return storage::PartitionValue(n.as_i64());
    case doc::Type::kString:
      return storage::PartitionValue(std::string(n.as_string()));
    default:
      return Status::InvalidArgument(
          "partition field {} is {}, but partition values must be null, boolean, integer or "
          "string",
          field, doc::ToJson(n));
  }
}

template <typename T>
void AppendRaw(std::string* out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out->append(buf, sizeof(T));
}

}  // namespace

PartitionRouter::PartitionRouter(const catalog::Collection& c) : collection_(c) {
  for (const std::string& name : c.partition_fields) {
    const catalog::Projection* p = c.FindProjection(name);
    if (p == nullptr)
      continue;  // the catalog guarantees one; an unknown field routes as absent
    fields_.push_back(Field{name, p->pointer, p->default_value});
  }
}

const doc::Node& PartitionRouter::ValueOf(const Field& f, const doc::Node& doc) const {
  if (const doc::Node* v = f.pointer.Query(doc))
    return *v;
  return f.default_value ? *f.default_value : kNull;
}

Result<std::vector<storage::PartitionField>> PartitionRouter::Values(const doc::Node& doc) const {
  std::vector<storage::PartitionField> out;
  out.reserve(fields_.size());
  for (const Field& f : fields_) {
    FLOW_ASSIGN_OR_RETURN(storage::PartitionValue v, ToPartitionValue(f.name, ValueOf(f, doc)));
    out.push_back(storage::PartitionField{f.name, std::move(v)});
  }
  return out;
}

Result<std::string_view> PartitionRouter::Route(const doc::Node& doc) {
  key_.clear();
  for (const Field& f : fields_) {
    const doc::Node& v = ValueOf(f, doc);
    key_.push_back(static_cast<char>(v.type()));
    switch (v.type()) {
      case doc::Type::kNull:
        break;
      case doc::Type::kBool:
        key_.push_back(v.as_bool() ? '1' : '0');
        break;
      case doc::Type::kPosInt:
        AppendRaw(&key_, v.as_u64());
        break;
      case doc::Type::kNegInt:
        AppendRaw(&key_, v.as_i64());
        break;
      case doc::Type::kString:
        AppendRaw(&key_, static_cast<uint32_t>(v.size()));
        key_.append(v.as_string());
        break;
      default:
        return ToPartitionValue(f.name, v).status();
    }
  }
  auto it = names_.find(key_);
  if (it != names_.end())
    return std::string_view(it->second);
  FLOW_ASSIGN_OR_RETURN(std::vector<storage::PartitionField> values, Values(doc));
  FLOW_ASSIGN_OR_RETURN(std::string name,
                        storage::PartitionJournalName(collection_.name, values, 0));
  auto [ins, _] = names_.emplace(key_, std::move(name));
  return std::string_view(ins->second);
}

}  // namespace flow::runtime::publish
