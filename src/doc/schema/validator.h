// SPDX-License-Identifier: Apache-2.0
// doc/schema/validator.h: compiled JSON Schemas and the validator that emits annotations.
//
//   SchemaIndex index;
//   FLOW_TRY(index.Add("file:///dir/rides.schema.json", schema_node));
//   FLOW_ASSIGN_OR_RETURN(auto schema, Schema::Compile(index, "file:///dir/rides.schema.json"));
//   Validator v(schema);                     // one per thread; reuses its scratch memory
//   Tape tape;
//   std::vector<Error> errors;
//   if (!v.Validate(doc, &tape, &errors)) { ... errors[i].message ... }
//
// A Schema is compiled once into a flat program: every subschema becomes a node with
// its keywords pre-parsed, `$ref`s pre-resolved to node indices and regexes compiled,
// so validation never looks at the source documents or resolves a URI. Drafts 2020-12
// and 2019-09 are supported, plus draft-07 `definitions`, `dependencies`, array-form
// `items` and `additionalItems`. A Schema is immutable and may be shared by threads.
//
// Validate() returns true if `doc` is valid. Then `tape` (if given) holds one entry per
// node of `doc` in pre-order: the `reduce` annotation that applied to the node and the
// node's tape length. Annotations of failed oneOf/anyOf branches, unmet `if`s, `not`
// subschemas and non-matching `contains` items are dropped; if several apply to one
// node, the last one emitted wins (a schema's own annotation is emitted before those of
// its in-place applicators, which go in keyword order). Otherwise `errors` (if given)
// receives the failures, like JSON Schema "basic" output.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "doc/annotation.h"
#include "doc/node.h"
#include "doc/schema/index.h"

namespace flow::doc::schema {

namespace internal {
struct Program;
}  // namespace internal

struct CompileOptions {
  /// Validate `format` (Flow's behaviour). False makes `format` an annotation only,
  /// the JSON Schema default (the official suite's required tests expect that).
  bool assert_format = true;
  /// Flow rejects keywords it does not know ("unexpected keyword 'x'"); `x-*`/`X-*`
  /// and Flow's annotation keywords are always accepted. True ignores unknown keywords.
  bool allow_unknown_keywords = false;
};

class Schema {
 public:
  /// Compiles the schema at `uri` (which may carry a JSON pointer or anchor fragment)
  /// and everything it references. InvalidArgument naming the schema location
  /// (`URI#/pointer`) of the first problem: a malformed keyword, an invalid `reduce`
  /// annotation or regex, or a `$ref` that resolves to nothing in the index.
  static Result<std::shared_ptr<const Schema>> Compile(const SchemaIndex& index,
                                                       std::string_view uri,
                                                       const CompileOptions& options = {});
  ~Schema();

  /// Canonical URI of the root schema.
  const std::string& uri() const;
  /// True if any `reduce` annotation is reachable from the root.
  bool has_reduce() const;

  const internal::Program& program() const { return *program_; }

 private:
  explicit Schema(std::unique_ptr<internal::Program> p);
  std::unique_ptr<internal::Program> program_;
};

/// One validation failure.
struct Error {
  std::string instance;  ///< JSON pointer of the failing location in the document
  std::string schema;    ///< absolute keyword location, e.g. "file:///s.json#/properties/a/type"
  std::string message;   ///< e.g. `12.5 is not of type "integer"`
  /// `"/price": 12.5 is not of type "integer"` (the pointer is "" for the root).
  std::string ToString() const;
};

/// Validates documents against one Schema. Not thread-safe: use one per thread.
class Validator {
 public:
  explicit Validator(std::shared_ptr<const Schema> schema);
  ~Validator();
  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;

  /// Validates `doc`. On success fills `tape` (if non-null; it is resized to the
  /// document's tape length); on failure appends at most max_errors() errors to
  /// `errors` (if non-null). Happy-path validation does not allocate once warm.
  bool Validate(const Node& doc, Tape* tape, std::vector<Error>* errors);

  const Schema& schema() const { return *schema_; }
  const std::shared_ptr<const Schema>& shared_schema() const { return schema_; }
  size_t max_errors() const { return max_errors_; }
  void set_max_errors(size_t n) { max_errors_ = n; }

  struct Scratch;

 private:
  std::shared_ptr<const Schema> schema_;
  std::unique_ptr<Scratch> scratch_;
  size_t max_errors_ = 64;
};

}  // namespace flow::doc::schema
