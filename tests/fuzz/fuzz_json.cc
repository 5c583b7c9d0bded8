// SPDX-License-Identifier: Apache-2.0
// tests/fuzz/fuzz_json.cc: any bytes through the JSON parser, serializers, order and keys.
//
// For input that parses: compact and pretty serializations re-parse to an equal document
// and the compact form is a fixed point; Clone is deep and equal; the packed key of the
// document (and of adjacent array items) decodes back to an equal value and orders as
// Compare() does; Flow's tuple form round-trips. The input is also decoded as a packed
// key and as a tuple. Invalid input must be a Status, never a crash.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/check.h"
#include "doc/compare.h"
#include "doc/json.h"
#include "doc/key.h"
#include "doc/tuple.h"

namespace {

using flow::doc::Arena;
using flow::doc::Node;

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

std::string Packed(const Node& n) {
  std::string out;
  flow::doc::PackValue(n, &out);
  return out;
}

// NaN and infinities have no JSON text, so the tuple form of a container drops them.
bool HasNonFinite(const Node& n) {
  if (n.type() == flow::doc::Type::kDouble)
    return !std::isfinite(n.as_double());
  if (n.is_array()) {
    return std::any_of(n.items().begin(), n.items().end(), HasNonFinite);
  }
  if (n.is_object()) {
    for (const flow::doc::Field& f : n.fields()) {
      if (HasNonFinite(f.value))
        return true;
    }
  }
  return false;
}

void CheckKey(const Node& n, Arena& arena) {
  std::string packed = Packed(n);
  auto back = flow::doc::UnpackKey(packed, arena);
  FLOW_CHECK(back.ok(), "packed key does not decode: {}", back.status().ToString());
  FLOW_CHECK(back->size() == 1, "packed key decodes to {} values", back->size());
  const Node& value = back->items()[0];
  FLOW_CHECK(flow::doc::Compare(value, n) == 0, "key {} decodes as {}", flow::doc::ToJson(n),
             flow::doc::ToJson(value));
  FLOW_CHECK(Packed(value) == packed, "key of {} is not canonical", flow::doc::ToJson(n));

  std::string tuple;
  flow::doc::PackTupleValue(n, &tuple);
  auto tuple_back = flow::doc::UnpackTuple(tuple, arena);
  FLOW_CHECK(tuple_back.ok(), "tuple does not decode: {}", tuple_back.status().ToString());
  bool faithful = !(n.is_array() || n.is_object()) || !HasNonFinite(n);
  FLOW_CHECK(tuple_back->size() == 1 && (!faithful || flow::doc::Equal(tuple_back->items()[0], n)),
             "tuple of {} decodes as {}", flow::doc::ToJson(n), flow::doc::ToJson(*tuple_back));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static flow::doc::Parser* parser = new flow::doc::Parser();  // reused, as in production
  Arena arena;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  // The same bytes as a packed key or tuple: an error or values that re-pack stably.
  if (auto key = flow::doc::UnpackKey(input, arena); key.ok()) {
    for (const Node& v : key->items())
      CheckKey(v, arena);
  } else {
    FLOW_CHECK(key.status().Is(flow::Code::kCorruption), "{}", key.status().ToString());
  }
  if (auto tuple = flow::doc::UnpackTuple(input, arena); !tuple.ok()) {
    FLOW_CHECK(tuple.status().Is(flow::Code::kCorruption), "{}", tuple.status().ToString());
  }

  auto doc = parser->Parse(input, arena);
  if (!doc.ok()) {
    FLOW_CHECK(doc.status().Is(flow::Code::kInvalidArgument), "{}", doc.status().ToString());
    return 0;
  }

  std::string compact = flow::doc::ToJson(*doc);
  auto again = parser->Parse(compact, arena);
  FLOW_CHECK(again.ok(), "canonical JSON does not parse: {}: {}", again.status().ToString(),
             compact);
  FLOW_CHECK(flow::doc::ToJson(*again) == compact, "serialization is not a fixed point: {}",
             compact);
  FLOW_CHECK(flow::doc::Compare(*doc, *again) == 0, "re-parsed document differs: {}", compact);
  FLOW_CHECK(flow::doc::Equal(*doc, *again), "Equal disagrees with Compare: {}", compact);

  auto pretty = parser->Parse(flow::doc::ToPrettyJson(*doc), arena);
  FLOW_CHECK(pretty.ok() && flow::doc::Equal(*pretty, *doc), "pretty JSON differs: {}", compact);

  Node clone = flow::doc::Clone(*doc, arena);
  FLOW_CHECK(flow::doc::Equal(clone, *doc), "clone differs: {}", compact);
  FLOW_CHECK(flow::doc::TapeLength(clone) == flow::doc::TapeLength(*doc), "tape length differs");

  CheckKey(*doc, arena);
  if (doc->is_array()) {
    auto items = doc->items();
    for (size_t i = 1; i < items.size() && i < 64; ++i) {
      int want = flow::doc::Compare(items[i - 1], items[i]);
      int got = MemCompare(Packed(items[i - 1]), Packed(items[i]));
      FLOW_CHECK(want == got, "{} vs {}: Compare {} but memcmp {}", flow::doc::ToJson(items[i - 1]),
                 flow::doc::ToJson(items[i]), want, got);
      FLOW_CHECK(flow::doc::Equal(items[i - 1], items[i]) == (want == 0), "Equal disagrees");
      FLOW_CHECK(flow::doc::Compare(items[i], items[i - 1]) == -want, "Compare not antisymmetric");
    }
  }
  return 0;
}
