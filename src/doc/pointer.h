// SPDX-License-Identifier: Apache-2.0
// doc/pointer.h: RFC 6901 JSON pointers, parsed once into tokens.
//
// A token that is a canonical array index ("0", "17", no leading zeros) also has an
// index, so the same pointer addresses an array item or an object property. "-" is
// the (nonexistent) item after the last, which Create() appends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "doc/arena.h"
#include "doc/node.h"

namespace flow::doc {

class Pointer {
 public:
  struct Token {
    std::string property;           ///< unescaped
    std::optional<uint32_t> index;  ///< set if `property` is a canonical array index
    bool next_item = false;         ///< the token was "-"
  };

  Pointer() = default;  // the document root ""

  /// Parses "" or "(/token)+". InvalidArgument names the pointer and the problem,
  /// e.g. `a/b is not a valid JSON pointer (missing leading '/' slash)`.
  static Result<Pointer> Parse(std::string_view text);
  /// Appends one unescaped token.
  void Push(std::string_view property);

  bool empty() const { return tokens_.empty(); }
  const std::vector<Token>& tokens() const { return tokens_; }

  /// The node at this pointer in `doc`, or nullptr if it does not exist.
  const Node* Query(const Node& doc) const;
  /// The node at this pointer, creating missing objects (and "-" or index-past-end array
  /// items, padding with null) on the way. A scalar in the way is replaced by an object.
  /// Containers along the path are re-allocated in `arena`.
  Node* Create(Node& doc, Arena& arena) const;

  /// The escaped text form ("/a~1b/0").
  std::string ToString() const;
  bool operator==(const Pointer& o) const { return ToString() == o.ToString(); }

 private:
  std::vector<Token> tokens_;
};

/// Escapes one token: '~' -> "~0", '/' -> "~1".
std::string EscapeToken(std::string_view token);

}  // namespace flow::doc
