// SPDX-License-Identifier: Apache-2.0
// runtime/read/message.cc: `_meta` extraction with simdjson On-Demand.
#include "runtime/read/message.h"

#include <simdjson.h>

namespace flow::runtime::read {

struct MessageParser::Impl {
  simdjson::ondemand::parser parser;
  std::string padded;  // the line plus simdjson's padding
};

MessageParser::MessageParser() : impl_(std::make_unique<Impl>()) {}
MessageParser::~MessageParser() = default;

Result<MessageMeta> MessageParser::Parse(std::string_view line) {
  using simdjson::ondemand::json_type;
  if (!line.empty() && line.back() == '\n')
    line.remove_suffix(1);
  std::string& buf = impl_->padded;
  buf.assign(line);
  buf.append(simdjson::SIMDJSON_PADDING, ' ');
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("not a JSON document with a valid _meta: {}", why);
  };

  MessageMeta meta;
  simdjson::ondemand::document doc;
  auto err = impl_->parser.iterate(buf.data(), line.size(), buf.size()).get(doc);
  if (err)
    return bad(simdjson::error_message(err));
  simdjson::ondemand::object root;
  if ((err = doc.get_object().get(root)))
    return bad(simdjson::error_message(err));
  simdjson::ondemand::value meta_value;
  err = root.find_field_unordered("_meta").get(meta_value);
  if (err == simdjson::NO_SUCH_FIELD)
    return meta;
  if (err)
    return bad(simdjson::error_message(err));
  simdjson::ondemand::object meta_obj;
  if (meta_value.get_object().get(meta_obj))
    return meta;  // `_meta` is not an object: no UUID
  for (auto field : meta_obj) {
    std::string_view key;
    if ((err = field.unescaped_key().get(key)))
      return bad(simdjson::error_message(err));
    if (key == "uuid") {
      std::string_view text;
      if ((err = field.value().get_string().get(text)))
        return bad("/_meta/uuid is not a string");
      Result<storage::Uuid> uuid = storage::Uuid::Parse(text);
      if (!uuid.ok())
        return bad(uuid.status().message());
      meta.uuid = *uuid;
      meta.has_uuid = true;
    } else if (key == "ack") {
      bool b = false;
      if (!field.value().get_bool().get(b) && b)
        meta.ack = true;
    }
  }
  if (meta.has_uuid && meta.uuid.flags() == storage::kAckTxn)
    meta.ack = true;
  return meta;
}

}  // namespace flow::runtime::read
