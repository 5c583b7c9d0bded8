// SPDX-License-Identifier: Apache-2.0
// runtime/read/message.h: the `_meta` of one journal line: its UUID and ACK marker.
//
// Flow writes a document's UUID at `/_meta/uuid` and marks transaction acknowledgements
// `{"_meta":{"uuid":...,"ack":true}}` (spec §4.2). Readers need only these two fields
// to sequence a line, so MessageParser scans for them (simdjson On-Demand) without
// building the document. Not thread-safe: one parser per reader.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "storage/uuid.h"

namespace flow::runtime::read {

struct MessageMeta {
  storage::Uuid uuid;  ///< nil (clock 0) if the line has no `/_meta/uuid`
  bool has_uuid = false;
  bool ack = false;  ///< ACK_TXN flags, or `/_meta/ack: true`
};

class MessageParser {
 public:
  MessageParser();
  ~MessageParser();
  MessageParser(const MessageParser&) = delete;
  MessageParser& operator=(const MessageParser&) = delete;

  /// `line` is one JSON document (a trailing newline is allowed). InvalidArgument if it is
  /// not a JSON object or its `/_meta/uuid` is not a UUID string.
  Result<MessageMeta> Parse(std::string_view line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flow::runtime::read
