// SPDX-License-Identifier: Apache-2.0
// doc/schema/regex.h: ECMA-262 regular expressions (unicode mode) for `pattern`,
// `patternProperties` and `format: regex`.
//
// JSON Schema specifies ECMA-262 regexes, which no system library implements with
// Unicode semantics, so this is a small engine of our own: patterns are parsed into a
// program over code points (classes, \d\w\s, \p{General_Category}, groups, named
// groups, backreferences, lookahead and lookbehind, greedy and lazy quantifiers) and
// run by a backtracking VM. Without backreferences the VM memoizes visited
// (instruction, position) states, so a search is O(program x subject) and cannot
// blow up exponentially. Search() is thread-safe (per-thread scratch memory).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace flow::doc::schema {

class Regex {
 public:
  /// Parses `pattern`. InvalidArgument describes the syntax error.
  static Result<std::shared_ptr<const Regex>> Compile(std::string_view pattern);
  ~Regex();

  /// True if the pattern matches anywhere in `subject` (like RegExp.prototype.test:
  /// unanchored, no flags besides unicode). `subject` must be UTF-8.
  bool Search(std::string_view subject) const;

  const std::string& pattern() const { return pattern_; }

  struct Program;

 private:
  Regex() = default;
  std::string pattern_;
  std::unique_ptr<Program> prog_;
};

}  // namespace flow::doc::schema
