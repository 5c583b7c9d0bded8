// SPDX-License-Identifier: Apache-2.0
// runtime/preview/fixture_test.cc: splitting fixtures into transactions, and their errors.
#include "runtime/preview/fixture.h"

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace flow::runtime::preview {
namespace {

// Each transaction as "coll=json|coll=json", or the error message.
std::vector<std::string> ReadAll(std::string_view text) {
  FixtureReader r(text);
  doc::Arena arena;
  std::vector<FixtureDoc> docs;
  std::vector<std::string> out;
  while (true) {
    Result<bool> more = r.Next(arena, &docs);
    if (!more.ok()) {
      out.push_back("error: " + std::string(more.status().message()));
      // The reader is done after an error.
      CHECK_FALSE(*r.Next(arena, &docs));
      break;
    }
    if (!*more)
      break;
    CHECK(r.transaction() == out.size());
    std::string t;
    for (const FixtureDoc& d : docs) {
      if (!t.empty())
        t += "|";
      t += std::string(d.collection) + "=" + doc::ToJson(d.doc);
    }
    out.push_back(t);
  }
  return out;
}

using V = std::vector<std::string>;

TEST_CASE("fixture: transactions are split at top-level commas only") {
  CHECK(ReadAll(R"( [
    [ ["a/b", {"id": 1, "s": "x,]}[\"y"}], ["c", {"n": [1, {"m": "]"}]}] ],
    [],
    [ ["a/b", {"id": "\\"}] ]
  ]
  )") == V{R"(a/b={"id":1,"s":"x,]}[\"y"}|c={"n":[1,{"m":"]"}]})", "", R"(a/b={"id":"\\"})"});
  CHECK(ReadAll("[]") == V{});
  CHECK(ReadAll(" [ ] \n") == V{});
  CHECK(ReadAll(R"([[["a",{}]]])") == V{"a={}"});
}

TEST_CASE("fixture: malformed fixtures name the transaction and document") {
  CHECK(ReadAll(R"({"a": 1})") ==
        V{"error: fixture is not a JSON array of transactions (each an array of [collection, "
          "document] pairs)"});
  CHECK(ReadAll("") == V{"error: fixture is not a JSON array of transactions (each an array "
                         "of [collection, document] pairs)"});
  CHECK(ReadAll(R"([[["a",{}]], [["a",{}]])") ==
        V{"a={}",
          "error: fixture is not a JSON array of transactions: it ends before the closing ']'"});
  CHECK(ReadAll(R"([[["a",{"s":"]"}]]] x)") == V{"error: fixture has text after its closing ']'"});
  CHECK(ReadAll(R"([[["a",{}]],])") ==
        V{"a={}", "error: fixture transaction 1: missing (a stray ',')"});
  CHECK(ReadAll(R"([[["a",{}]], [["a" {}]]])")[1].starts_with(
      "error: fixture transaction 1: invalid JSON:"));
  CHECK(
      ReadAll(R"([[["a",{}]], {"a": 1}])") ==
      V{"a={}", "error: fixture transaction 1: expected an array of [collection, document] pairs"});
  CHECK(ReadAll(R"([[["a",{}], ["a"]]])") ==
        V{"error: fixture transaction 0, document 1: expected a [collection, document] pair"});
  CHECK(ReadAll(R"([[[1,{}]]])") ==
        V{"error: fixture transaction 0, document 0: expected a [collection, document] pair"});
  CHECK(ReadAll(R"([[["a",[1]]]])") ==
        V{"error: fixture transaction 0, document 0: the document must be a JSON object"});
  CHECK(ReadAll(R"([[["a",{}]] }])") ==
        V{"error: fixture is not a JSON array of transactions: unexpected '}' at byte 12"});
}

}  // namespace
}  // namespace flow::runtime::preview
