// SPDX-License-Identifier: Apache-2.0
// storage/journal_name_test.cc: journal name and path component rules.
#include "storage/journal_name.h"

#include <doctest/doctest.h>

namespace flow::storage {
namespace {

TEST_CASE("journal name: valid names") {
  for (const char* name :
       {"a/journal", "company/topic/part-1234", "acmeCo/orders/pivot=00",
        "coll/f=hi%20there/pivot=005de0f0", "a.b_c+d=e%f", "abcd", "ünïcødé/ναι/日本語"}) {
    CHECK_MESSAGE(ValidateJournalName(name).ok(), name);
  }
  CHECK(ValidateJournalName(std::string(512, 'a')).ok());
}

TEST_CASE("journal name: invalid names say why") {
  auto reason = [](std::string_view name) {
    Status s = ValidateJournalName(name);
    CHECK_MESSAGE(s.Is(Code::kInvalidArgument), name);
    return std::string(s.message());
  };
  CHECK(reason("abc").find("length 3") != std::string::npos);
  CHECK(reason(std::string(513, 'a')).find("length 513") != std::string::npos);
  CHECK(reason("/abs/path").find("must not begin with '/'") != std::string::npos);
  CHECK(reason("trailing/").find("must not end with '/'") != std::string::npos);
  CHECK(reason("a//b/c").find("clean path") != std::string::npos);
  CHECK(reason("a/../b").find("\"..\" segment") != std::string::npos);
  CHECK(reason("../escape").find("\"..\" segment") != std::string::npos);
  CHECK(reason("a/./b").find("\".\" segment") != std::string::npos);
  CHECK(reason("has space").find("not allowed") != std::string::npos);
  CHECK(reason("hash#tag").find("not allowed") != std::string::npos);
  CHECK(reason("semi;meta").find("not allowed") != std::string::npos);
  CHECK(reason("back\\slash").find("not allowed") != std::string::npos);
  CHECK(reason(std::string("nul\0byte", 8)).find("not allowed") != std::string::npos);
  CHECK(reason("bad\xff utf8").find("invalid UTF-8") != std::string::npos);
  CHECK(reason("over\xc0\xaflong").find("invalid UTF-8") != std::string::npos);
  CHECK(reason("emoji/\xf0\x9f\x98\x80").find("not allowed") != std::string::npos);
  CHECK(reason("quote/\xe2\x80\x9cx").find("not allowed") != std::string::npos);
}

TEST_CASE("journal name: path components may be empty but otherwise follow the same rules") {
  CHECK(ValidatePathComponent("").ok());
  CHECK(ValidatePathComponent("utc_date=2024-05-01/utc_hour=13").ok());
  CHECK(ValidatePathComponent("..").Is(Code::kInvalidArgument));
  CHECK(ValidatePathComponent("a/..").Is(Code::kInvalidArgument));
  CHECK(ValidatePathComponent("/a").Is(Code::kInvalidArgument));
  CHECK(ValidatePathComponent("a b").Is(Code::kInvalidArgument));
  CHECK(ValidatePathComponent(std::string(513, 'a')).Is(Code::kInvalidArgument));
}

TEST_CASE("journal name: letters and digits by rune") {
  CHECK(IsLetterOrDigitRune('a'));
  CHECK(IsLetterOrDigitRune('Z'));
  CHECK(IsLetterOrDigitRune('7'));
  CHECK_FALSE(IsLetterOrDigitRune('-'));
  CHECK(IsLetterOrDigitRune(U'é'));
  CHECK(IsLetterOrDigitRune(U'ж'));
  CHECK(IsLetterOrDigitRune(U'日'));
  CHECK_FALSE(IsLetterOrDigitRune(U'×'));
  CHECK_FALSE(IsLetterOrDigitRune(0xA0));    // no-break space
  CHECK_FALSE(IsLetterOrDigitRune(0x2028));  // line separator
  CHECK_FALSE(IsLetterOrDigitRune(0x3000));  // ideographic space
  CHECK_FALSE(IsLetterOrDigitRune(0x1F600));
  CHECK_FALSE(IsLetterOrDigitRune(0xE000));
}

}  // namespace
}  // namespace flow::storage
