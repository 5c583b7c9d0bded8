// SPDX-License-Identifier: Apache-2.0
// doc/pointer_test.cc: RFC 6901 parsing and escapes, Query, and Flow's create-on-write.
#include "doc/pointer.h"

#include <doctest/doctest.h>

#include "doc/compare.h"
#include "doc/json.h"

namespace flow::doc {
namespace {

Node Json(Arena& arena, std::string_view text) {
  Parser p;
  auto n = p.Parse(text, arena);
  REQUIRE_MESSAGE(n.ok(), n.status().ToString());
  return *n;
}

Pointer P(std::string_view text) {
  auto p = Pointer::Parse(text);
  REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  return *p;
}

TEST_CASE("pointer: parses tokens, escapes and indices") {
  Pointer root = P("");
  CHECK(root.empty());
  CHECK(root.ToString() == "");

  Pointer p = P("/p1/2/p3/-");
  REQUIRE(p.tokens().size() == 4);
  CHECK(p.tokens()[0].property == "p1");
  CHECK_FALSE(p.tokens()[0].index.has_value());
  CHECK(p.tokens()[1].index == 2u);
  CHECK(p.tokens()[3].next_item);
  CHECK_FALSE(p.tokens()[3].index.has_value());

  // ~01 is "~1" (not "/"): ~0 is decoded after the ~1 check of the same position.
  Pointer e = P("/p~01/~12/a~1b~0");
  REQUIRE(e.tokens().size() == 3);
  CHECK(e.tokens()[0].property == "p~1");
  CHECK(e.tokens()[1].property == "/2");
  CHECK(e.tokens()[2].property == "a/b~");
  CHECK(e.ToString() == "/p~01/~12/a~1b~0");

  // Only canonical unsigned integers are indices.
  Pointer n = P("/01/+2/-3/4/0/");
  REQUIRE(n.tokens().size() == 6);
  CHECK_FALSE(n.tokens()[0].index.has_value());
  CHECK_FALSE(n.tokens()[1].index.has_value());
  CHECK_FALSE(n.tokens()[2].index.has_value());
  CHECK(n.tokens()[3].index == 4u);
  CHECK(n.tokens()[4].index == 0u);
  CHECK(n.tokens()[5].property == "");

  Pointer pushed;
  pushed.Push("a/b");
  pushed.Push("~");
  CHECK(pushed.ToString() == "/a~1b/~0");
  CHECK(pushed == P("/a~1b/~0"));
  CHECK(EscapeToken("x~/y") == "x~0~1y");
}

TEST_CASE("pointer: malformed pointers are errors naming the pointer") {
  auto err = [](std::string_view text) {
    auto p = Pointer::Parse(text);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().Is(Code::kInvalidArgument));
    return std::string(p.status().message());
  };
  CHECK(err("a/b") == "a/b is not a valid JSON pointer (missing leading '/' slash)");
  CHECK(err("/a~2") == "/a~2 is not a valid JSON pointer ('~' must be escaped as '~0' or '~1')");
  CHECK(err("/a~") == "/a~ is not a valid JSON pointer ('~' must be escaped as '~0' or '~1')");
}

TEST_CASE("pointer: query objects and arrays (RFC 6901 examples)") {
  Arena arena;
  Node doc = Json(arena, R"({
    "foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4,
    "i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8, "9": 10, "-": 11})");
  struct Case {
    const char* ptr;
    const char* want;
  };
  for (const Case& c :
       {Case{"", nullptr}, Case{"/foo", R"(["bar","baz"])"}, Case{"/foo/0", R"("bar")"},
        Case{"/foo/1", R"("baz")"}, Case{"/", "0"}, Case{"/a~1b", "1"}, Case{"/c%d", "2"},
        Case{"/e^f", "3"}, Case{"/g|h", "4"}, Case{"/i\\j", "5"}, Case{"/k\"l", "6"},
        Case{"/ ", "7"}, Case{"/m~0n", "8"}, Case{"/9", "10"}, Case{"/-", "11"}}) {
    INFO(c.ptr);
    const Node* got = P(c.ptr).Query(doc);
    REQUIRE(got != nullptr);
    if (c.want == nullptr) {
      CHECK(got == &doc);
    } else {
      CHECK(ToJson(*got) == c.want);
    }
  }
  for (const char* missing :
       {"/bar", "/foo/2", "/foo/prop", "/foo/-", "/foo/01", "/e^f/3", "/foo/0/x"}) {
    INFO(missing);
    CHECK(P(missing).Query(doc) == nullptr);
  }
}

TEST_CASE("pointer: create inserts properties in sorted order") {
  Arena arena;
  Node doc = Json(arena, R"({"b": 1, "d": 2})");
  Node* a = P("/a").Create(doc, arena);
  REQUIRE(a != nullptr);
  *a = Node::PosInt(0);
  *P("/c").Create(doc, arena) = Node::PosInt(15);
  *P("/e/f").Create(doc, arena) = Node::Bool(true);
  CHECK(ToJson(doc) == R"({"a":0,"b":1,"c":15,"d":2,"e":{"f":true}})");
  // Existing locations are returned, not replaced.
  Node* b = P("/b").Create(doc, arena);
  REQUIRE(b != nullptr);
  CHECK(b->as_u64() == 1);
  CHECK(b == P("/b").Query(doc));
  // Creating the root returns it.
  CHECK(P("").Create(doc, arena) == &doc);
}

TEST_CASE("pointer: create pads arrays with nulls and appends with '-'") {
  Arena arena;
  Node doc = Json(arena, R"({"arr": [1]})");
  *P("/arr/3").Create(doc, arena) = Node::PosInt(4);
  CHECK(ToJson(doc) == R"({"arr":[1,null,null,4]})");
  *P("/arr/-").Create(doc, arena) = Node::PosInt(5);
  *P("/arr/-").Create(doc, arena) = Node::PosInt(6);
  CHECK(ToJson(doc) == R"({"arr":[1,null,null,4,5,6]})");
  *P("/arr/1").Create(doc, arena) = Node::StringRef("x");
  CHECK(ToJson(doc) == R"({"arr":[1,"x",null,4,5,6]})");
}

TEST_CASE("pointer: create instantiates null as an object or array, as Flow does") {
  Arena arena;
  Node doc;  // null
  *P("/a/1/b").Create(doc, arena) = Node::PosInt(1);
  CHECK(ToJson(doc) == R"({"a":[null,{"b":1}]})");

  Node arr;
  *P("/-/-").Create(arr, arena) = Node::Bool(false);
  CHECK(ToJson(arr) == "[[false]]");

  // On objects, index and "-" tokens are property names.
  Node obj = Json(arena, "{}");
  *P("/0").Create(obj, arena) = Node::Null();
  *P("/-").Create(obj, arena) = Node::PosInt(1);
  CHECK(ToJson(obj) == R"({"-":1,"0":null})");
}

TEST_CASE("pointer: create fails where the document conflicts") {
  Arena arena;
  Node doc = Json(arena, R"({"s": "str", "n": 1, "t": true, "arr": [1]})");
  std::string before = ToJson(doc);
  CHECK(P("/s/x").Create(doc, arena) == nullptr);
  CHECK(P("/n/0").Create(doc, arena) == nullptr);
  CHECK(P("/t/-").Create(doc, arena) == nullptr);
  CHECK(P("/arr/prop").Create(doc, arena) == nullptr);
  CHECK(ToJson(doc) == before);
}

}  // namespace
}  // namespace flow::doc
