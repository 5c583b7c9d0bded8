// SPDX-License-Identifier: Apache-2.0
// catalog/sql_test.cc: statement splitting and parameter names (Flow's own test vectors).
#include "catalog/sql.h"

#include <doctest/doctest.h>

namespace flow::catalog {
namespace {

std::vector<std::string> Split(std::string_view block, std::string* error = nullptr) {
  std::vector<SqlPiece> pieces;
  SqlSplitError err;
  std::vector<std::string> out;
  if (!SplitSqlBlock(block, &pieces, &err)) {
    if (error)
      *error = err.message + " @" + std::to_string(err.offset);
    return out;
  }
  for (const SqlPiece& p : pieces) {
    CHECK(block.substr(p.offset, p.text.size()) == p.text);
    out.emplace_back(p.text);
  }
  return out;
}

TEST_CASE("sql: blocks split at complete statements, keeping leading text") {
  auto s = Split(
      "\n  -- Some comments.\n  select '&;' as $foo\n  from bar\n\n  where baz = $bing and baz != "
      "';';\n"
      "\n  -- Next comment;\n  update foobar set value = 'a ; new value';\n"
      "  select 1 from thingy_without_trailing_semicolon\n  /* Trailing\n  ;\n  comment */\n  "
      "select 2;\n\n");
  REQUIRE(s.size() == 3);
  CHECK(s[0] ==
        "\n  -- Some comments.\n  select '&;' as $foo\n  from bar\n\n  where baz = $bing and baz "
        "!= ';';");
  CHECK(s[1] == "\n\n  -- Next comment;\n  update foobar set value = 'a ; new value';");
  CHECK(s[2] ==
        "\n  select 1 from thingy_without_trailing_semicolon\n  /* Trailing\n  ;\n  comment */\n  "
        "select 2;");
}

TEST_CASE("sql: extra semicolons are dropped unless they follow a comment") {
  auto s = Split("\n select 1;;\n ;\n select 2;  ;\n ;\n /* kept */ ;\n ");
  REQUIRE(s.size() == 3);
  CHECK(s[0] == "\n select 1;");
  CHECK(s[1] == "\n select 2;");
  CHECK(s[2] == "\n /* kept */ ;");
  CHECK(Split("select 1 from t /*;*/ select 2;").size() == 1);
  CHECK(Split("CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET x = 1; END;").size() == 1);
}

TEST_CASE("sql: trailing content and NUL bytes are errors") {
  std::string err;
  CHECK(Split("select 1; select 2", &err).empty());
  CHECK(err ==
        "SQL block has ambiguous trailing non-whitespace content without a closing ';' semicolon "
        "@10");
  CHECK(Split("select 1; -- done", &err).empty());
  CHECK(Split(std::string_view("select 1; \0 select 2;", 21), &err).empty());
  CHECK(err == "SQL block contains illegal NULL characters @10");
  CHECK(Split("  \n\t").empty());
}

TEST_CASE("sql: canonical parameter encodings") {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"Simple", "$Simple"},
      {"under_Score", "$under_Score"},
      {"with space", "$with_space"},
      {"with-hyphen", "$with_hyphen"},
      {"äëïöü/4-2", "$äëïöü$4_2"},
      {"With/Nesting", "$With$Nesting"},
      {"with$Dollar", "$p::(with$Dollar)"},
      {"With/Nesting/and+special-hyphen", "$p::(With/Nesting/and+special-hyphen)"},
      {"hello, world!", "$p::(hello,_world!)"},
      {"flow_document", "$flow_document"},
      {"arr/0", "$arr$0"},
  };
  std::vector<std::string> encodings;
  std::vector<ParamField> fields;
  for (auto [field, enc] : cases) {
    encodings.push_back(CanonicalParamEncoding(field));
    CHECK(encodings.back() == enc);
  }
  for (size_t i = 0; i < std::size(cases); ++i)
    fields.push_back({cases[i].first, encodings[i]});
  for (size_t i = 0; i < std::size(cases); ++i) {
    auto r = ResolveParam(cases[i].second, fields);
    REQUIRE(std::holds_alternative<size_t>(r));
    CHECK(std::get<size_t>(r) == i);
  }
  // Flow's own fixture set (without the last two) for its "did you mean" answers.
  std::span<const ParamField> flow_fields(fields.data(), 9);
  auto err = [&](std::string_view p) {
    return std::get<std::string>(ResolveParam(p, flow_fields));
  };
  CHECK(err("$simplee") == "parameter $simplee not found: did you mean $Simple ?");
  CHECK(err("$with$nesting") == "parameter $with$nesting not found: did you mean $With$Nesting ?");
  CHECK(err("$With$Nesting$and_special_hyphen") ==
        "parameter $With$Nesting$and_special_hyphen not found: did you mean "
        "$p::(With/Nesting/and+special-hyphen) ?");
  CHECK(err("$way_off") == "parameter $way_off not found: did you mean $Simple ?");
  // Wildcards: '_' stands for whitespace, or '-' outside the explicit form.
  CHECK(std::get<size_t>(ResolveParam("$p::(with_space)", fields)) == 2);
  CHECK(std::holds_alternative<std::string>(ResolveParam("$p::(with_hyphen)", fields)));
}

}  // namespace
}  // namespace flow::catalog
