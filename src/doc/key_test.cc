// SPDX-License-Identifier: Apache-2.0
// doc/key_test.cc: packed keys (memcmp order == Compare order), extractors, Flow tuples.
#include "doc/key.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <doctest/doctest.h>

#include "doc/compare.h"
#include "doc/json.h"
#include "doc/tuple.h"

namespace flow::doc {
namespace {

std::string Hex(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (!out.empty())
      out.push_back(' ');
    out += fmt::format("{:02x}", c);
  }
  return out;
}

std::string Packed(const Node& v) {
  std::string out;
  PackValue(v, &out);
  return Hex(out);
}

std::string Tuple(const Node& v) {
  std::string out;
  PackTupleValue(v, &out);
  return Hex(out);
}

int Sign(int c) {
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int MemCompare(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0)
    return Sign(c);
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

Node Json(Arena& arena, std::string_view text) {
  Parser p;
  auto n = p.Parse(text, arena);
  REQUIRE_MESSAGE(n.ok(), n.status().ToString());
  return *n;
}

TEST_CASE("key: scalar encodings") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(Packed(Node::Null()) == "00");
  CHECK(Packed(Node::Bool(false)) == "08");
  CHECK(Packed(Node::Bool(true)) == "09");
  CHECK(Packed(Node::Double(std::nan(""))) == "0a");
  CHECK(Packed(Node::PosInt(0)) == "14");
  CHECK(Packed(Node::PosInt(1)) == "15 01");
  CHECK(Packed(Node::PosInt(255)) == "15 ff");
  CHECK(Packed(Node::PosInt(256)) == "16 01 00");
  CHECK(Packed(Node::Int(-1)) == "13 fe");
  CHECK(Packed(Node::Int(-255)) == "13 00");
  CHECK(Packed(Node::Int(-256)) == "12 fe ff");
  CHECK(Packed(Node::PosInt(std::numeric_limits<uint64_t>::max())) == "1c ff ff ff ff ff ff ff ff");
  CHECK(Packed(Node::Int(std::numeric_limits<int64_t>::min())) == "0c 7f ff ff ff ff ff ff ff");
  // Integral doubles pack as the integer they equal.
  CHECK(Packed(Node::Double(20.0)) == Packed(Node::PosInt(20)));
  CHECK(Packed(Node::Double(-0.0)) == "14");
  CHECK(Packed(Node::Double(-256.0)) == Packed(Node::Int(-256)));
  CHECK(Packed(Node::Double(9223372036854775808.0)) == "1c 80 00 00 00 00 00 00 00");
  CHECK(Packed(Node::Double(-18446744073709549568.0)) == "0c 00 00 00 00 00 00 07 ff");
  // Fractions: floor, 0xff, the fraction's IEEE bytes (inverted below zero).
  CHECK(Packed(Node::Double(1.5)) == "15 01 ff 3f e0 00 00 00 00 00 00");
  CHECK(Packed(Node::Double(-1.5)) == "13 fd ff c0 1f ff ff ff ff ff ff");
  CHECK(Packed(Node::Double(-1e-300)) == "13 fe ff fe 5a 91 e0 3d 07 0c a6");
  CHECK(Packed(Node::Double(0.25)) == "14 ff 3f d0 00 00 00 00 00 00");
  // Beyond 64 bits: tuple big integers; infinities use lengths no double needs.
  CHECK(Packed(Node::Double(18446744073709551616.0)) == "1d 09 01 00 00 00 00 00 00 00 00");
  CHECK(Packed(Node::Double(-18446744073709551616.0)) == "0b f6 fe ff ff ff ff ff ff ff ff");
  CHECK(Packed(Node::Double(inf)) == "1d ff");
  CHECK(Packed(Node::Double(-inf)) == "0b 00");
  Arena arena;
  CHECK(Packed(Node::String(arena, "")) == "20 00");
  CHECK(Packed(Node::String(arena, std::string_view("a\0b", 3))) == "20 61 00 ff 62 00");
}

TEST_CASE("key: container encodings") {
  Arena arena;
  CHECK(Packed(Json(arena, "[]")) == "30 00");
  CHECK(Packed(Json(arena, "[null, 1]")) == "30 00 ff 15 01 00");
  CHECK(Packed(Json(arena, "[[null]]")) == "30 30 00 ff 00 00");
  CHECK(Packed(Json(arena, R"({"a": []})")) == "31 20 61 00 30 00 00");
  CHECK(Packed(Json(arena, R"({"b": true, "a": null})")) == "31 20 61 00 00 ff 20 62 00 09 00");
}

TEST_CASE("key: integers and strings pack as Flow's tuple bytes apart from the type code") {
  Arena arena;
  for (const char* text : {"0", "1", "-1", "255", "-256", "65536", "-9223372036854775808",
                           "18446744073709551615", "null"}) {
    INFO(text);
    CHECK(Packed(Json(arena, text)) == Tuple(Json(arena, text)));
  }
  std::string p = Packed(Node::String(arena, "value"));
  std::string t = Tuple(Node::String(arena, "value"));
  CHECK(p.substr(2) == t.substr(2));
}

// Random JSON values drawn so that equal and nearly-equal values are frequent.
class ValueGen {
 public:
  ValueGen(uint64_t seed, Arena& arena) : rng_(seed), arena_(arena) {}

  Node Any(int depth) {
    switch (Pick(depth > 0 ? 9 : 7)) {
      case 0:
        return Node::Null();
      case 1:
        return Node::Bool(Pick(2) == 1);
      case 2:
      case 3:
        return Number();
      case 4:
      case 5:
      case 6:
        return String();
      case 7: {
        std::vector<Node> items;
        for (size_t i = Pick(4); i > 0; --i)
          items.push_back(Any(depth - 1));
        return MakeArray(arena_, items);
      }
      default: {
        std::vector<Field> fields;
        for (size_t i = Pick(4); i > 0; --i) {
          fields.push_back(Field{String().as_string(), Any(depth - 1)});
        }
        return MakeObject(arena_, fields);
      }
    }
  }

  Node Number() {
    static const double kDoubles[] = {0.0,
                                      -0.0,
                                      0.5,
                                      -0.5,
                                      1.0,
                                      1.5,
                                      -1.5,
                                      2.0,
                                      20.0,
                                      -20.0,
                                      1e-300,
                                      -1e-300,
                                      5e-324,
                                      0.1,
                                      0.30000000000000004,
                                      1e300,
                                      -1e300,
                                      1.7976931348623157e308,
                                      -1.7976931348623157e308,
                                      4503599627370495.5,
                                      -4503599627370495.5,
                                      9007199254740992.0,
                                      9007199254740994.0,
                                      9223372036854775808.0,
                                      -9223372036854775808.0,
                                      -9223372036854777856.0,
                                      18446744073709549568.0,
                                      18446744073709551616.0,
                                      -18446744073709551616.0,
                                      36893488147419103232.0,
                                      std::numeric_limits<double>::infinity(),
                                      -std::numeric_limits<double>::infinity(),
                                      std::numeric_limits<double>::quiet_NaN()};
    static const uint64_t kU64[] = {0,
                                    1,
                                    2,
                                    20,
                                    255,
                                    256,
                                    65535,
                                    65536,
                                    (1ull << 53) + 1,
                                    1ull << 63,
                                    std::numeric_limits<uint64_t>::max(),
                                    std::numeric_limits<uint64_t>::max() - 1};
    static const int64_t kI64[] = {-1,
                                   -2,
                                   -20,
                                   -255,
                                   -256,
                                   -65536,
                                   -(1ll << 53) - 1,
                                   std::numeric_limits<int64_t>::min(),
                                   std::numeric_limits<int64_t>::min() + 1};
    switch (Pick(8)) {
      case 0:
        return Node::Double(kDoubles[Pick(std::size(kDoubles))]);
      case 1:
        return Node::PosInt(kU64[Pick(std::size(kU64))]);
      case 2:
        return Node::Int(kI64[Pick(std::size(kI64))]);
      case 3:
        return Node::Int(static_cast<int64_t>(Pick(41)) - 20);
      case 4:
        return Node::Double(static_cast<double>(static_cast<int64_t>(Pick(41)) - 20) / 4);
      case 5:
        return Node::PosInt(rng_() >> Pick(64));
      case 6:
        return Node::Int(-static_cast<int64_t>(rng_() >> (1 + Pick(63))) - 1);
      default: {
        // Any finite or non-finite bit pattern.
        double d = std::bit_cast<double>(rng_());
        return Node::Double(d);
      }
    }
  }

  Node String() {
    // Short strings over a small alphabet (so prefixes and ties are common) with NUL,
    // 0x01, 0xff-adjacent UTF-8 bytes and multi-byte sequences.
    static const char* kPieces[] = {
        "a", "b", "ab", "" /* NUL */, "\x01", "\xc3\xa9", "\xf0\x9f\x98\x80", "\xef\xbf\xbf",
        "z", "~"};
    std::string s;
    for (size_t i = Pick(5); i > 0; --i) {
      size_t k = Pick(std::size(kPieces));
      if (k == 3) {
        s.push_back('\0');
      } else {
        s.append(kPieces[k]);
      }
    }
    return Node::String(arena_, s);
  }

  size_t Pick(size_t n) { return static_cast<size_t>(rng_() % n); }

 private:
  std::mt19937_64 rng_;
  Arena& arena_;
};

TEST_CASE("key: memcmp order of packed values is the Compare order (property)") {
  Arena arena;
  ValueGen gen(20240601, arena);
  constexpr int kValues = 3000;
  std::vector<Node> values;
  std::vector<std::string> packed;
  for (int i = 0; i < kValues; ++i) {
    values.push_back(gen.Any(2));
    std::string p;
    PackValue(values.back(), &p);
    packed.push_back(std::move(p));
  }

  // Sorting by either order gives the same sequence (up to ties, which are equal).
  std::vector<size_t> by_compare(kValues), by_bytes(kValues);
  for (int i = 0; i < kValues; ++i)
    by_compare[i] = by_bytes[i] = static_cast<size_t>(i);
  std::stable_sort(by_compare.begin(), by_compare.end(),
                   [&](size_t a, size_t b) { return Compare(values[a], values[b]) < 0; });
  std::stable_sort(by_bytes.begin(), by_bytes.end(),
                   [&](size_t a, size_t b) { return MemCompare(packed[a], packed[b]) < 0; });
  int mismatches = 0;
  for (int i = 0; i < kValues && mismatches < 5; ++i) {
    if (Compare(values[by_compare[i]], values[by_bytes[i]]) != 0) {
      ++mismatches;
      FAIL_CHECK("position ", i, ": Compare order has ", ToJson(values[by_compare[i]]),
                 ", memcmp order has ", ToJson(values[by_bytes[i]]));
    }
  }

  // Every adjacent pair and many random pairs agree in sign, ties included.
  int pairs = 0;
  auto check_pair = [&](size_t a, size_t b) {
    int want = Compare(values[a], values[b]);
    int got = MemCompare(packed[a], packed[b]);
    ++pairs;
    if (want != got) {
      FAIL_CHECK(ToJson(values[a]), " vs ", ToJson(values[b]), ": Compare ", want, ", memcmp ", got,
                 " (", Hex(packed[a]), " | ", Hex(packed[b]), ")");
    }
  };
  for (int i = 1; i < kValues; ++i)
    check_pair(by_compare[i - 1], by_compare[i]);
  for (int i = 0; i < 100000; ++i)
    check_pair(gen.Pick(kValues), gen.Pick(kValues));
  CHECK(pairs > 100000);

  // Each packed value decodes to a value Compare() calls equal.
  for (int i = 0; i < kValues; ++i) {
    auto back = UnpackKey(packed[i], arena);
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    REQUIRE(back->size() == 1);
    if (Compare(back->items()[0], values[i]) != 0) {
      FAIL_CHECK(ToJson(values[i]), " came back as ", ToJson(back->items()[0]));
    }
  }
}

TEST_CASE("key: composite keys order component by component (property)") {
  Arena arena;
  ValueGen gen(77, arena);
  // Documents {"a": .., "b": .., "c": ..} with a location sometimes missing.
  std::vector<Node> docs;
  for (int i = 0; i < 1500; ++i) {
    std::vector<Field> fields;
    for (const char* name : {"a", "b", "c"}) {
      if (gen.Pick(6) != 0)
        fields.push_back(Field{name, gen.Pick(3) == 0 ? gen.Number() : gen.Any(1)});
    }
    docs.push_back(MakeObject(arena, fields));
  }
  std::vector<KeyExtractor> key = {KeyExtractor(*Pointer::Parse("/a")),
                                   KeyExtractor(*Pointer::Parse("/b"), Node::PosInt(7)),
                                   KeyExtractor(*Pointer::Parse("/c"))};
  std::vector<std::string> packed(docs.size());
  for (size_t i = 0; i < docs.size(); ++i)
    PackKey(docs[i], key, &packed[i]);
  for (int i = 0; i < 60000; ++i) {
    size_t a = gen.Pick(docs.size()), b = gen.Pick(docs.size());
    int want = CompareKeys(docs[a], docs[b], std::span<const KeyExtractor>(key));
    int got = MemCompare(packed[a], packed[b]);
    if (want != got) {
      FAIL_CHECK(ToJson(docs[a]), " vs ", ToJson(docs[b]), ": CompareKeys ", want, ", memcmp ",
                 got);
      break;
    }
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    auto back = UnpackKey(packed[i], arena);
    REQUIRE(back.ok());
    REQUIRE(back->size() == 3);
    for (size_t k = 0; k < 3; ++k)
      CHECK(Compare(back->items()[k], key[k].Extract(docs[i])) == 0);
  }
}

TEST_CASE("key: extractors apply defaults, else null") {
  Arena arena;
  Node doc = Json(arena, R"({"a": "value", "n": 3, "obj": {"x": [1, 2]}})");
  std::optional<KeyExtractor> with_default;
  {
    // The default is copied: its source arena may go away.
    Arena scratch;
    with_default.emplace(*Pointer::Parse("/missing"), Json(scratch, R"({"d": ["fault"]})"));
  }
  KeyExtractor copy = *with_default;
  std::vector<KeyExtractor> key = {*KeyExtractor::Parse("/a"), *KeyExtractor::Parse("/nope"), copy,
                                   *KeyExtractor::Parse("/obj/x/1")};
  CHECK(ToJson(key[0].Extract(doc)) == "\"value\"");
  CHECK(key[1].Extract(doc).is_null());
  CHECK(key[1].default_value() == nullptr);
  REQUIRE(copy.default_value() != nullptr);
  CHECK(ToJson(*copy.default_value()) == R"({"d":["fault"]})");
  CHECK(ToJson(key[3].Extract(doc)) == "2");
  // A present location wins over the default.
  KeyExtractor n_default(*Pointer::Parse("/n"), Node::PosInt(99));
  CHECK(ToJson(n_default.Extract(doc)) == "3");

  std::string packed;
  PackKey(doc, key, &packed);
  auto back = UnpackKey(packed, arena);
  REQUIRE(back.ok());
  CHECK(ToJson(*back) == R"(["value",null,{"d":["fault"]},2])");
  CHECK_FALSE(KeyExtractor::Parse("nope").ok());
}

TEST_CASE("key: CompareKeys with extractors treats missing as the default") {
  Arena arena;
  Node d1 = Json(arena, R"({"a": 1, "b": 2, "c": 3})");
  Node d2 = Json(arena, R"({"a": 2, "b": 1})");
  std::vector<KeyExtractor> c = {KeyExtractor(*Pointer::Parse("/c"), Node::PosInt(3))};
  std::vector<KeyExtractor> ca = {c[0], *KeyExtractor::Parse("/a")};
  std::vector<KeyExtractor> cb = {c[0], *KeyExtractor::Parse("/b")};
  std::vector<KeyExtractor> none;
  CHECK(CompareKeys(d1, d2, std::span<const KeyExtractor>(none)) == 0);
  CHECK(CompareKeys(d1, d2, std::span<const KeyExtractor>(c)) == 0);
  CHECK(CompareKeys(d1, d2, std::span<const KeyExtractor>(ca)) == -1);
  CHECK(CompareKeys(d1, d2, std::span<const KeyExtractor>(cb)) == 1);
  // Without a default, missing is null, which orders before 3.
  std::vector<KeyExtractor> bare = {*KeyExtractor::Parse("/c")};
  CHECK(CompareKeys(d1, d2, std::span<const KeyExtractor>(bare)) == 1);
}

TEST_CASE("key: malformed packed keys are Corruption errors") {
  Arena arena;
  auto err = [&](std::string_view bytes) {
    auto r = UnpackKey(bytes, arena);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().Is(Code::kCorruption));
    return std::string(r.status().message());
  };
  CHECK(err("\x05") == "packed key: unknown type code 0x05 at byte 0");
  CHECK(err("\x16\x01") == "packed key: truncated integer at byte 1");
  CHECK(err("\x20"
            "abc") == "packed key: unterminated string at byte 1");
  CHECK(err(std::string_view("\x30\x00", 1)) == "packed key: unexpected end at byte 1");
  CHECK(err("\x30\x05") == "packed key: unknown type code 0x05 at byte 1");
  CHECK(err(std::string_view("\x31\x20\x61\x00\x00", 5)) ==
        "packed key: unescaped null in a container at byte 5");
  CHECK(err("\x15\x01\xff\x3f") == "packed key: truncated fraction at byte 3");
  CHECK(err(std::string_view("\x31\x15\x01\x00", 4)) ==
        "packed key: object property name is not a string at byte 1");
  CHECK(err(std::string_view("\x31\x20\x62\x00\x00\xff\x20\x61\x00\x00\xff\x00", 12)) ==
        "packed key: object properties out of order at byte 9");
  CHECK(err(std::string_view("\x20\xff\xfe\x00", 4)) ==
        "packed key: string is not UTF-8 at byte 4");
  CHECK(err(std::string_view("\x31\x20\xc0\xaf\x00", 5)) ==
        "packed key: property name is not UTF-8 at byte 5");
  auto empty = UnpackKey("", arena);
  REQUIRE(empty.ok());
  CHECK(ToJson(*empty) == "[]");
}

TEST_CASE("tuple: Flow's FoundationDB tuple bytes") {
  Arena arena;
  CHECK(Tuple(Node::Null()) == "00");
  CHECK(Tuple(Node::Bool(false)) == "26");
  CHECK(Tuple(Node::Bool(true)) == "27");
  CHECK(Tuple(Node::PosInt(2)) == "15 02");
  CHECK(Tuple(Node::Int(-30)) == "13 e1");
  CHECK(Tuple(Node::Int(-5551212)) == "11 ab 4b 93");  // the FoundationDB spec's example
  CHECK(Tuple(Node::Double(1.3)) == "21 bf f4 cc cc cc cc cc cd");
  CHECK(Tuple(Node::Double(-1.3)) == "21 40 0b 33 33 33 33 33 32");
  CHECK(Tuple(Node::Double(20.0)) == "21 c0 34 00 00 00 00 00 00");  // Flow keeps it a double
  CHECK(Tuple(Node::String(arena, "value")) == "02 76 61 6c 75 65 00");
  CHECK(Tuple(Node::String(arena, std::string_view("\0", 1))) == "02 00 ff 00");
  // Arrays and objects are bytes of their canonical JSON, as in Flow's extractor test.
  CHECK(Tuple(Json(arena, R"({"tru": true, "other": "value"})")) ==
        "01 " + Hex(R"({"other":"value","tru":true})") + " 00");
  CHECK(Tuple(Json(arena, R"(["foo"])")) == "01 5b 22 66 6f 6f 22 5d 00");

  Node doc = Json(arena, R"({"a": "value", "arr": ["foo"], "doub": 1.3, "sign": -30})");
  std::vector<KeyExtractor> key = {*KeyExtractor::Parse("/missing"),
                                   KeyExtractor(*Pointer::Parse("/md"), Node::StringRef("default")),
                                   *KeyExtractor::Parse("/arr/0"),
                                   *KeyExtractor::Parse("/doub"),
                                   *KeyExtractor::Parse("/sign"),
                                   *KeyExtractor::Parse("/arr")};
  std::string packed;
  PackTupleKey(doc, key, &packed);
  auto back = UnpackTuple(packed, arena);
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(ToJson(*back) == R"([null,"default","foo",1.3,-30,["foo"]])");

  auto bad = UnpackTuple("\x05", arena);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "packed tuple: unsupported type code 0x05 at byte 0");
  CHECK(UnpackTuple("\x02zz", arena).status().message() ==
        "packed tuple: unterminated string at byte 1");
  CHECK(UnpackTuple(std::string_view("\x02\xff\x00", 3), arena).status().message() ==
        "packed tuple: string is not UTF-8 at byte 3");
}

TEST_CASE("tuple: round-trips random scalars exactly") {
  Arena arena;
  ValueGen gen(99, arena);
  for (int i = 0; i < 2000; ++i) {
    Node v = gen.Any(0);
    std::string packed;
    PackTupleValue(v, &packed);
    auto back = UnpackTuple(packed, arena);
    REQUIRE(back.ok());
    REQUIRE(back->size() == 1);
    const Node& got = back->items()[0];
    if (v.type() == Type::kDouble) {
      CHECK(got.type() == Type::kDouble);
      CHECK(std::bit_cast<uint64_t>(got.as_double()) == std::bit_cast<uint64_t>(v.as_double()));
    } else {
      CHECK(got.type() == v.type());
      CHECK(Equal(got, v));
    }
  }
}

}  // namespace
}  // namespace flow::doc
