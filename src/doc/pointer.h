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
  /// The node at this pointer, created (as null) if missing, as Flow's `create_value`:
  /// a null on the way becomes an object for a property token or an array for an index
  /// or "-"; arrays grow to an index, padding with null, and "-" appends. Returns nullptr
  /// if the document conflicts with the pointer (a child of a boolean, number or string,
  /// or a property of an array). Containers that grow are re-allocated in `arena`.
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
