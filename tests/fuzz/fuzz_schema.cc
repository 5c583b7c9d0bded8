// SPDX-License-Identifier: Apache-2.0
// tests/fuzz/fuzz_schema.cc: a schema and documents through the compiler, the validator
// and shape inference.
//
// Input: a JSON schema, a blank line, then one JSON document per line. A schema that
// does not parse or compile must be a Status, never a crash. For every document:
// validation is deterministic (a second run with the same Validator agrees); a valid
// document gets a tape with one entry per node whose lengths match the document; an
// invalid one gets at least one error whose instance pointer exists in the document.
// The schema's shape is inferred and inspected, and every location located.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "doc/json.h"
#include "doc/pointer.h"
#include "doc/schema/shape.h"
#include "doc/schema/validator.h"

namespace {

using flow::doc::Node;
namespace schema = flow::doc::schema;

// Checks the tape's lengths against the document, in pre-order; returns the next index.
size_t CheckTape(const Node& n, const flow::doc::Tape& tape, size_t at) {
  FLOW_CHECK(at < tape.size(), "tape too short");
  FLOW_CHECK(tape[at].length == flow::doc::TapeLength(n), "tape length {} at {} for {}",
             tape[at].length, at, flow::doc::ToJson(n));
  size_t next = at + 1;
  if (n.is_array()) {
    for (const Node& c : n.items())
      next = CheckTape(c, tape, next);
  } else if (n.is_object()) {
    for (const flow::doc::Field& f : n.fields())
      next = CheckTape(f.value, tape, next);
  }
  return next;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static flow::doc::Parser* parser = new flow::doc::Parser();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find("\n\n");
  std::string_view schema_text = input.substr(0, split);
  std::string_view docs_text = split == std::string_view::npos ? "" : input.substr(split + 2);

  flow::doc::Arena arena;
  auto schema_node = parser->Parse(schema_text, arena);
  if (!schema_node.ok())
    return 0;
  Node root = *schema_node;

  schema::SchemaIndex index;
  if (!index.Add("http://fuzz.test/schema.json", root).ok())
    return 0;
  (void)index.MissingReferences();
  schema::CompileOptions opts;
  opts.allow_unknown_keywords = true;
  auto compiled = schema::Schema::Compile(index, "http://fuzz.test/schema.json", opts);
  if (!compiled.ok()) {
    FLOW_CHECK(compiled.status().Is(flow::Code::kInvalidArgument), "{}",
               compiled.status().ToString());
    return 0;
  }

  schema::Shape shape = schema::InferShape(**compiled);
  (void)shape.Inspect();
  for (const schema::Shape::Location& loc : shape.Locations()) {
    if (auto p = flow::doc::Pointer::Parse(loc.pointer); p.ok())
      (void)shape.Locate(*p);
  }

  schema::Validator validator(*compiled);
  size_t start = 0;
  while (start < docs_text.size()) {
    size_t end = docs_text.find('\n', start);
    if (end == std::string_view::npos)
      end = docs_text.size();
    std::string_view line = docs_text.substr(start, end - start);
    start = end + 1;
    auto doc = parser->Parse(line, arena);
    if (!doc.ok())
      continue;

    flow::doc::Tape tape;
    std::vector<schema::Error> errors;
    bool valid = validator.Validate(*doc, &tape, &errors);
    flow::doc::Tape tape2;
    std::vector<schema::Error> errors2;
    FLOW_CHECK(validator.Validate(*doc, &tape2, &errors2) == valid, "validation is not stable");
    if (valid) {
      FLOW_CHECK(errors.empty(), "a valid document has errors");
      FLOW_CHECK(tape.size() == flow::doc::TapeLength(*doc), "tape size {} for {} nodes",
                 tape.size(), flow::doc::TapeLength(*doc));
      FLOW_CHECK(CheckTape(*doc, tape, 0) == tape.size(), "tape does not cover the document");
      for (size_t i = 0; i < tape.size(); ++i) {
        FLOW_CHECK(tape[i].reduce == tape2[i].reduce, "annotations are not stable");
      }
    } else {
      FLOW_CHECK(!errors.empty(), "an invalid document has no errors");
      FLOW_CHECK(errors.size() == errors2.size(), "errors are not stable");
      for (const schema::Error& e : errors) {
        FLOW_CHECK(!e.message.empty() && !e.schema.empty(), "an empty error");
        auto ptr = flow::doc::Pointer::Parse(e.instance);
        FLOW_CHECK(ptr.ok(), "bad instance pointer {}", e.instance);
        FLOW_CHECK(ptr->Query(*doc) != nullptr, "instance {} is not in {}", e.instance,
                   flow::doc::ToJson(*doc));
      }
    }
  }
  return 0;
}
