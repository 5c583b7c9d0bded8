// SPDX-License-Identifier: Apache-2.0
// doc/json.h: parsing JSON text into Nodes (simdjson) and serializing Nodes back.
//
// Serialization is canonical: object properties in sorted order, no insignificant
// whitespace (compact form), integers exactly, doubles in the shortest form that
// round-trips (an integral double keeps a ".0"), non-finite doubles as null.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "doc/arena.h"
#include "doc/node.h"

namespace flow::doc {

/// Parses one JSON text at a time, reusing its buffers. Documents of any size work.
/// Not thread-safe; use one Parser per thread.
class Parser {
 public:
  Parser();
  ~Parser();
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  /// Parses `json` into nodes allocated in `arena`. InvalidArgument on bad JSON, with
  /// simdjson's description of the problem.
  Result<Node> Parse(std::string_view json, Arena& arena);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Appends the compact serialization of `n` to `out`.
void AppendJson(const Node& n, std::string* out);
std::string ToJson(const Node& n);
/// Multi-line serialization with `indent` spaces per level (serde_json's pretty layout).
std::string ToPrettyJson(const Node& n, int indent = 2);
/// Appends `s` as a JSON string literal with escapes.
void AppendJsonString(std::string_view s, std::string* out);
/// Appends the JSON form of a double (shortest round-trip; integral values keep ".0").
void AppendDouble(double d, std::string* out);

}  // namespace flow::doc
