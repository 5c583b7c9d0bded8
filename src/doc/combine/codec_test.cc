// SPDX-License-Identifier: Apache-2.0
// doc/combine/codec_test.cc: the spill encoding of nodes and run files round-trip, and
// damaged bytes are Corruption, never a crash.
#include "doc/combine/codec.h"

#include <limits>
#include <random>
#include <string>

#include <doctest/doctest.h>

#include "doc/combine/spill.h"
#include "doc/compare.h"
#include "doc/json.h"

namespace flow::doc::combine {
namespace {

Node Parse(std::string_view json, Arena& arena) {
  Parser p;
  auto n = p.Parse(json, arena);
  REQUIRE(n.ok());
  return *n;
}

TEST_CASE("codec: nodes round-trip exactly") {
  Arena arena;
  for (std::string_view json : {
           "null",
           "true",
           "false",
           "0",
           "18446744073709551615",
           "-9223372036854775808",
           "-1",
           "1.5",
           "-0.0",
           "1e308",
           "2.0",
           R"("")",
           R"("a\u0000b")",
           "[]",
           "{}",
           R"({"a":[1,{"b":null}],"c":"d","":{"x":[[]]}})",
       }) {
    Node n = Parse(json, arena);
    std::string enc;
    EncodeNode(n, &enc);
    const char* p = enc.data();
    auto back = DecodeNode(&p, enc.data() + enc.size(), arena);
    REQUIRE(back.ok());
    CHECK(p == enc.data() + enc.size());
    CHECK(ToJson(*back) == ToJson(n));
    CHECK(back->type() == n.type());
    // Every strict prefix is Corruption.
    for (size_t cut = 0; cut < enc.size(); ++cut) {
      const char* q = enc.data();
      auto bad = DecodeNode(&q, enc.data() + cut, arena);
      CHECK_FALSE(bad.ok());
      CHECK(bad.status().code() == Code::kCorruption);
    }
  }
}

TEST_CASE("codec: random bytes decode to Corruption or a node, never a crash") {
  std::mt19937 rng(5);
  Arena arena;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 24, '\0');
    for (char& c : bytes)
      c = static_cast<char>(rng() % 12 == 0 ? 0x80 | rng() : rng() % 10);
    const char* p = bytes.data();
    auto n = DecodeNode(&p, bytes.data() + bytes.size(), arena);
    if (!n.ok())
      CHECK(n.status().code() == Code::kCorruption);
  }
}

TEST_CASE("spill: runs of records round-trip, including records larger than the buffer") {
  auto file = TempFile::Create("");
  REQUIRE(file.ok());
  std::string buf;
  std::vector<std::string> records = {"a", "", std::string(300000, 'x'), "bc"};
  uint64_t first_size;
  {
    RunWriter w(file->fd(), &buf, 64);
    for (const std::string& r : records)
      REQUIRE(w.Append(r).ok());
    REQUIRE(w.Flush().ok());
    first_size = w.bytes();
  }
  {
    RunWriter w(file->fd(), &buf, 64);
    REQUIRE(w.Append("second run").ok());
    REQUIRE(w.Flush().ok());
  }
  RunReader r(file->fd(), 0, first_size, 16);
  for (const std::string& want : records) {
    auto more = r.Next();
    REQUIRE(more.ok());
    REQUIRE(*more);
    CHECK(r.record() == want);
  }
  auto end = r.Next();
  REQUIRE(end.ok());
  CHECK_FALSE(*end);
  RunReader r2(file->fd(), first_size, 11, 16);
  REQUIRE(*r2.Next());
  CHECK(r2.record() == "second run");
  // A run cut inside a record is Corruption.
  RunReader cut(file->fd(), 0, first_size - 1, 16);
  Status s;
  for (int i = 0; i < 5 && s.ok(); ++i)
    s = cut.Next().status();
  CHECK(s.code() == Code::kCorruption);
}

}  // namespace
}  // namespace flow::doc::combine
