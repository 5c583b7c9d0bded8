// SPDX-License-Identifier: Apache-2.0
// doc/node_test.cc: node construction, MakeObject ordering, deep Clone, tape length, Arena.
#include "doc/node.h"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "doc/arena.h"
#include "doc/compare.h"
#include "doc/json.h"

namespace flow::doc {
namespace {

TEST_CASE("node: scalars and integer normalization") {
  CHECK(sizeof(Node) == 16);
  CHECK(Node().is_null());
  CHECK(Node::Int(5).type() == Type::kPosInt);
  CHECK(Node::Int(0).type() == Type::kPosInt);
  CHECK(Node::Int(-5).type() == Type::kNegInt);
  CHECK(Node::Int(-5).as_i64() == -5);
  CHECK(Node::Double(2.0).type() == Type::kDouble);
  CHECK(Node::PosInt(7).as_double() == 7.0);
  CHECK(Node::Int(-7).as_double() == -7.0);
  CHECK(Node::Bool(true).as_bool());
  CHECK(Node::StringRef("abc").size() == 3);
  CHECK(TypeName(Type::kNegInt) == "integer");
  CHECK(TypeName(Type::kDouble) == "number");
  CHECK(TypeName(Type::kObject) == "object");
}

TEST_CASE("node: MakeObject sorts by name and keeps the last of repeated names") {
  Arena arena;
  std::vector<Field> fields = {{"b", Node::PosInt(1)}, {"a", Node::PosInt(2)},
                               {"c", Node::PosInt(3)}, {"a", Node::PosInt(4)},
                               {"B", Node::PosInt(5)}, {"a", Node::PosInt(6)}};
  Node obj = MakeObject(arena, fields);
  CHECK(ToJson(obj) == R"({"B":5,"a":6,"b":1,"c":3})");
  REQUIRE(obj.Find("a") != nullptr);
  CHECK(obj.Find("a")->as_u64() == 6);
  CHECK(obj.Find("B")->as_u64() == 5);
  CHECK(obj.Find("z") == nullptr);
  CHECK(obj.Find("") == nullptr);
  CHECK(Node::PosInt(1).Find("a") == nullptr);  // not an object

  std::vector<Field> none;
  Node empty = MakeObject(arena, none);
  CHECK(empty.is_object());
  CHECK(empty.size() == 0);
  CHECK(empty.Find("a") == nullptr);

  Node arr = MakeArray(arena, std::vector<Node>{Node::Null(), obj});
  CHECK(ToJson(arr) == R"([null,{"B":5,"a":6,"b":1,"c":3}])");
}

TEST_CASE("node: Clone copies strings and children into the destination arena") {
  Arena dst;
  Node copy;
  std::string original_json;
  {
    Arena src;
    Parser p;
    auto doc = p.Parse(R"({"name": "x", "items": [1, {"deep": ["s", 2.5]}], "e": {}})", src);
    REQUIRE(doc.ok());
    original_json = ToJson(*doc);
    copy = Clone(*doc, dst);
    // Mutating the copy leaves the original alone.
    copy.FindMutable("items")->mutable_items()[0] = Node::PosInt(99);
    CHECK(ToJson(*doc) == original_json);
  }
  // `src` is gone; the copy only refers to `dst` (ASan would flag a dangling read).
  CHECK(ToJson(copy) == R"({"e":{},"items":[99,{"deep":["s",2.5]}],"name":"x"})");
  CHECK(Clone(Node::PosInt(3), dst).as_u64() == 3);
}

TEST_CASE("node: TapeLength counts a node and its descendants") {
  Arena arena;
  Parser p;
  auto tape = [&](std::string_view json) { return TapeLength(*p.Parse(json, arena)); };
  CHECK(tape("1") == 1);
  CHECK(tape("[]") == 1);
  CHECK(tape("{}") == 1);
  CHECK(tape("[1, 2]") == 3);
  CHECK(tape(R"({"a": [1, {"b": null}], "c": "s"})") == 6);
}

TEST_CASE("arena: bytes grow with blocks and Reset keeps one block") {
  Arena arena(1024);
  CHECK(arena.bytes() == 0);
  void* p = arena.Allocate(10);
  CHECK(p != nullptr);
  CHECK(arena.bytes() == 1024);
  // Alignment is honoured.
  auto* d = arena.AllocateArray<double>(3);
  CHECK(reinterpret_cast<uintptr_t>(d) % alignof(double) == 0);
  CHECK(arena.AllocateArray<int>(0) == nullptr);
  // A large request gets a block of its own.
  arena.Allocate(5000);
  CHECK(arena.bytes() >= 1024 + 5000);
  for (int i = 0; i < 10; ++i)
    arena.Allocate(500);
  size_t grown = arena.bytes();
  CHECK(grown > 1024 + 5000);
  arena.Reset();
  CHECK(arena.bytes() == 1024);
  std::string_view s = arena.CopyString("hello");
  CHECK(s == "hello");
  CHECK(arena.bytes() == 1024);
  CHECK(arena.CopyString("").empty());
  arena.Reset();
  CHECK(arena.bytes() == 1024);
}

}  // namespace
}  // namespace flow::doc
