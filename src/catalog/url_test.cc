// SPDX-License-Identifier: Apache-2.0
// catalog/url_test.cc: reference resolution and file URLs.
#include "catalog/url.h"

#include <doctest/doctest.h>

namespace flow::catalog {
namespace {

TEST_CASE("url: joins relative references as RFC 3986 does") {
  const std::string base = "file:///a/b/flow.yaml";
  CHECK(JoinUrl(base, "other.yaml") == "file:///a/b/other.yaml");
  CHECK(JoinUrl(base, "../common/x.yaml#/$defs/y") == "file:///a/common/x.yaml#/$defs/y");
  CHECK(JoinUrl(base, "./sub/./z.sql") == "file:///a/b/sub/z.sql");
  CHECK(JoinUrl(base, "/abs/p.yaml") == "file:///abs/p.yaml");
  CHECK(JoinUrl(base, "#anchor") == "file:///a/b/flow.yaml#anchor");
  CHECK(JoinUrl(base, "https://example.com/s.json") == "https://example.com/s.json");
  CHECK(JoinUrl(base, "file:///x/y.yaml") == "file:///x/y.yaml");
  CHECK(JoinUrl(base, "../../../../up.yaml") == "file:///up.yaml");
  CHECK(JoinUrl("flow://write-schema", "#/x") == "flow://write-schema#/x");
}

TEST_CASE("url: fragments") {
  CHECK(StripFragment("file:///a.yaml#/x") == "file:///a.yaml");
  CHECK(FragmentOf("file:///a.yaml#/x") == "/x");
  CHECK(FragmentOf("file:///a.yaml") == "");
  CHECK(HasFragment("a.yaml#Int"));
}

TEST_CASE("url: file paths round-trip through file URLs") {
  CHECK(FileUrl("/tmp/with space/a#b.yaml") == "file:///tmp/with%20space/a%23b.yaml");
  auto p = FilePath("file:///tmp/with%20space/a%23b.yaml");
  REQUIRE(p.ok());
  CHECK(*p == "/tmp/with space/a#b.yaml");
  CHECK(*FilePath(FileUrl("/d/Приключения/x.yaml")) == "/d/Приключения/x.yaml");
  CHECK_FALSE(FilePath("https://example.com/x").ok());
  CHECK_FALSE(FilePath("file://remote-host/x").ok());
}

}  // namespace
}  // namespace flow::catalog
