// SPDX-License-Identifier: Apache-2.0
// catalog/names_test.cc: Flow's name and pointer rules, messages and collation.
#include "catalog/names.h"

#include <doctest/doctest.h>

namespace flow::catalog {
namespace {

bool Valid(std::string_view name, NameKind kind) {
  return !CheckName(name, kind, "x");
}

TEST_CASE("names: tokens and catalog names (models crate vectors)") {
  CHECK(Valid("valid", NameKind::kToken));
  CHECK(Valid("Прик.0੫_люче-ния", NameKind::kToken));
  CHECK_FALSE(Valid("no/slashes", NameKind::kToken));
  CHECK_FALSE(Valid("no spaces", NameKind::kToken));
  CHECK_FALSE(Valid("", NameKind::kToken));
  for (std::string_view ok :
       {"valid", "valid/1", "valid/one/va_lid", "valid-1/valid/2/th.ree", "Приключения/੫൬/Foo"}) {
    CHECK(Valid(ok, NameKind::kCatalogName));
  }
  for (std::string_view bad : {"/bad/leading/slash", "bad/trailing/slash/", "bad-middle//slash", "",
                               "a-bad/sp ace", "/"}) {
    CHECK_FALSE(Valid(bad, NameKind::kCatalogName));
  }
  for (std::string_view ok : {"valid/", "valid/1/", "Приключе႘ния/Foo/", ""}) {
    CHECK(Valid(ok, NameKind::kPrefix));
  }
  for (std::string_view bad : {"/bad/leading/slash", "bad-middle//slash", "a-bad/sp ace/", "/"}) {
    CHECK_FALSE(Valid(bad, NameKind::kPrefix));
  }
  for (std::string_view ok :
       {"valid", "a/json/pointer/without/leading/slash", "may have space", "with/esc~0ape"}) {
    CHECK(Valid(ok, NameKind::kField));
  }
  for (std::string_view bad : {"/a/json/pointer/with/leading/slash", "", "/", "bad/esc~ape"}) {
    CHECK_FALSE(Valid(bad, NameKind::kField));
  }
}

TEST_CASE("names: messages report the unmatched portion as Rust would") {
  CHECK(*CheckName("a b", NameKind::kCatalogName, "collection") ==
        "a b cannot be used as name for collection (\" b\" is invalid)");
  CHECK(*CheckName("/a", NameKind::kCatalogName, "collection") ==
        "/a cannot be used as name for collection (\"/\" is invalid)");
  CHECK(*CheckName("a//b", NameKind::kCatalogName, "capture") ==
        "a//b cannot be used as name for capture (\"//b\" is invalid)");
  CHECK(*CheckName("", NameKind::kCatalogName, "collection") == "collection name cannot be empty");
  CHECK(*CheckName("from/orders", NameKind::kToken, "transform") ==
        "from/orders cannot be used as name for transform (\"/orders\" is invalid)");
  CHECK(*CheckName("tab\there", NameKind::kToken, "partition") ==
        "tab\there cannot be used as name for partition (\"\\there\" is invalid)");
}

TEST_CASE("names: JSON pointers") {
  CHECK_FALSE(CheckPointer(""));
  CHECK_FALSE(CheckPointer("/a/json/pointer"));
  CHECK_FALSE(CheckPointer("/Прик/0/люче-ния"));
  CHECK_FALSE(CheckPointer("/with/esc~0ape"));
  CHECK(*CheckPointer("missing/leading/slash") ==
        "missing/leading/slash is not a valid JSON pointer (missing leading '/' slash)");
  CHECK(*CheckPointer("/double//slash") ==
        "/double//slash is not a valid JSON pointer (\"//slash\" is invalid)");
  CHECK(*CheckPointer("/bad/esc~ape") ==
        "/bad/esc~ape is not a valid JSON pointer (\"~ape\" is invalid)");
  CHECK(*CheckPointer("/") == "/ is not a valid JSON pointer (\"/\" is invalid)");
}

TEST_CASE("names: collation folds case, compatibility forms and accents") {
  CHECK(CollationKey("Foo/Bar") == CollationKey("foo/bar"));
  CHECK(CollationKey("a/ß/Minnow") == CollationKey("a/ss/minnow"));
  CHECK(CollationKey("Faſt/Carſ") == CollationKey("fast/cars"));
  CHECK(CollationKey("spiﬃest") == CollationKey("spiffiest"));
  CHECK(CollationKey("a\u0045\u0300") == CollationKey("a\u00e8"));
  CHECK(CollationKey("ȺȾ") == CollationKey("ⱥⱦ"));
  CHECK(CollationKey("Ｂ") == CollationKey("b"));
  CHECK(CollationKey("한국") == CollationKey("\u1112\u1161\u11ab\u1100\u116e\u11a8"));
  CHECK(CollationKey("foo/bar") != CollationKey("foo/bark"));
}

TEST_CASE("names: edit distance is optimal string alignment") {
  CHECK(EditDistance("", "") == 0);
  CHECK(EditDistance("abc", "abc") == 0);
  CHECK(EditDistance("ab", "ba") == 1);
  CHECK(EditDistance("simplee", "Simple") == 2);
  CHECK(EditDistance("ca", "abc") == 3);
  CHECK(EditDistance("привет", "превет") == 1);
}

}  // namespace
}  // namespace flow::catalog
