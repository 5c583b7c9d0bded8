// SPDX-License-Identifier: Apache-2.0
// doc/schema/uri_test.cc: RFC 3986 resolution examples (§5.4) and normalization.
#include "doc/schema/uri.h"

#include <doctest/doctest.h>

namespace flow::doc::schema {
namespace {

TEST_CASE("uri: RFC 3986 normal and abnormal examples") {
  const char* base = "http://a/b/c/d;p?q";
  struct {
    const char* ref;
    const char* want;
  } cases[] = {
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {";x", "http://a/b/c/;x"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../g", "http://a/g"},
      {"../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/../y", "http://a/b/c/y"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.ref);
    CHECK(ResolveUri(base, c.ref) == c.want);
  }
}

TEST_CASE("uri: normalization, fragments and URNs") {
  CHECK(ResolveUri("", "HTTP://Example.COM/a/./b") == "http://example.com/a/b");
  CHECK(ResolveUri("http://x/y.json", "#") == "http://x/y.json");
  CHECK(ResolveUri("http://x/y.json", "#/$defs/a") == "http://x/y.json#/$defs/a");
  CHECK(ResolveUri("urn:uuid:deadbeef", "#/$defs/bar") == "urn:uuid:deadbeef#/$defs/bar");
  CHECK(ResolveUri("file:///dir/flow.yaml", "schemas/a.yaml#Int") ==
        "file:///dir/schemas/a.yaml#Int");
  CHECK(StripFragment("a.json#/x") == "a.json");
  CHECK(FragmentOf("a.json#/x") == "/x");
  CHECK(PercentDecode("/percent%25field/a%22b%zz") == "/percent%field/a\"b%zz");
}

}  // namespace
}  // namespace flow::doc::schema
