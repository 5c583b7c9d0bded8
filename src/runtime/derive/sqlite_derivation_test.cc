// SPDX-License-Identifier: Apache-2.0
// runtime/derive/sqlite_derivation_test.cc: parameter binding, row mapping, migrations and
// checkpoints of SQLite derivations (spec §6.2-§6.5), over catalogs loaded for real.
#include "runtime/derive/sqlite_derivation.h"

#include <doctest/doctest.h>

#include "base/file.h"

namespace flow::runtime::derive {
namespace {

constexpr std::string_view kCatalog = R"(
collections:
  t/src:
    key: [/case]
    schema:
      type: object
      required: [case]
      properties:
        case: { type: string }
        in: { default: "the default" }
        flag: { type: boolean }
        str:
          type: object
          properties:
            int: { type: string, format: integer }
            num: { type: string, format: number }
            b64: { type: string, contentEncoding: base64 }
        nested:
          type: object
          properties:
            prop: { type: integer }
        with-hyphen: { type: string }
  t/out:
    key: [/case]
    schema:
      type: object
      properties:
        case: { type: string }
    derive:
      using:
        sqlite:
          migrations:
            - CREATE TABLE seen (k TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL);
            - |
              INSERT INTO seen (k, n) VALUES ('seed', 100);
              CREATE TABLE other (x INTEGER);
      transforms:
        - name: conv
          source: t/src
          shuffle: any
          lambda: SELECT $case, $in AS output;
        - name: strs
          source: t/src
          shuffle: any
          lambda: >-
            SELECT 'string-types' AS "case", $str$int * 10, $str$num * 2.5, $str$b64,
            CAST('a raw string' AS BLOB) AS blob_fixture, $flag AS flag, $nested$prop,
            $with_hyphen;
        - name: whole
          source: t/src
          shuffle: any
          lambda: SELECT JSON_OBJECT('case', 'top-level-object', 'str-int', $str$int, 't', json('true'));
        - name: counter
          source: t/src
          shuffle: any
          lambda: |
            /* A comment-only statement is a no-op */ ;
            INSERT INTO seen (k, n) VALUES ($case, 1)
              ON CONFLICT (k) DO UPDATE SET n = n + 1
              RETURNING k AS "case", n;
            SELECT n AS seed FROM seen WHERE k = 'seed' AND $case = 'last';
        - name: failing
          source: t/src
          shuffle: any
          lambda: INSERT INTO seen (k, n) VALUES (NULL, $case);
        - name: columns
          source: t/src
          shuffle: any
          lambda: >-
            SELECT $case AS z, 1 AS a, $case AS "case", 2 AS z, $str AS s1,
              JSON_EXTRACT($flow_document, '$.str.int') AS s2, $str AS s3, $flow_published_at AS at,
              $in AS "in";
)";

struct Fixture {
  std::optional<ScopedTempDir> tmp;
  std::unique_ptr<catalog::Catalog> cat;
  const catalog::Collection* out = nullptr;
  doc::Arena arena;
  doc::Parser parser;

  Fixture() {
    auto dir = ScopedTempDir::Create();
    REQUIRE(dir.ok());
    tmp.emplace(std::move(dir).value());
    std::string path = tmp->path() + "/flow.yaml";
    REQUIRE(WriteFileAtomic(path, kCatalog).ok());
    cat = catalog::LoadCatalog(path);
    for (const auto& d : cat->diagnostics.Sorted())
      MESSAGE(catalog::FormatDiagnostic(d));
    REQUIRE_FALSE(cat->diagnostics.has_errors());
    out = cat->FindCollection("t/out");
    REQUIRE(out != nullptr);
  }

  std::vector<std::string> Run(SqliteDerivation& d, size_t transform, std::string_view json) {
    auto doc = parser.Parse(json, arena);
    REQUIRE(doc.ok());
    std::vector<doc::Node> outs;
    Status s = d.Run(transform, *doc, "2023-06-28T20:29:46.4945945Z", arena, &outs);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    std::vector<std::string> json_out;
    for (const auto& o : outs)
      json_out.push_back(doc::ToJson(o));
    return json_out;
  }
};

TEST_CASE("derive sqlite: type conversions of bound parameters and returned columns") {
  Fixture f;
  auto d = SqliteDerivation::Open(*f.out, ":memory:");
  REQUIRE_MESSAGE(d.ok(), d.status().ToString());
  auto& der = **d;
  using V = std::vector<std::string>;
  CHECK(f.Run(der, 0, R"({"case":"true","in":true})") == V{R"({"case":"true","output":1})"});
  CHECK(f.Run(der, 0, R"({"case":"false","in":false})") == V{R"({"case":"false","output":0})"});
  CHECK(f.Run(der, 0, R"({"case":"s","in":"hello"})") == V{R"({"case":"s","output":"hello"})"});
  CHECK(f.Run(der, 0, R"({"case":"p","in":123})") == V{R"({"case":"p","output":123})"});
  CHECK(f.Run(der, 0, R"({"case":"n","in":-456})") == V{R"({"case":"n","output":-456})"});
  CHECK(f.Run(der, 0, R"({"case":"f","in":1.5})") == V{R"({"case":"f","output":1.5})"});
  CHECK(f.Run(der, 0, R"({"case":"a","in":"[1,2,\"three\"]"})") ==
        V{R"({"case":"a","output":[1,2,"three"]})"});
  CHECK(f.Run(der, 0, R"({"case":"o","in":"{\"four\": 4}"})") ==
        V{R"({"case":"o","output":{"four":4}})"});
  CHECK(f.Run(der, 0, R"({"case":"ia","in":"[1 2 \"three\"]"})") ==
        V{R"({"case":"ia","output":"[1 2 \"three\"]"})"});
  CHECK(f.Run(der, 0, R"({"case":"io","in":"{four 4}"})") ==
        V{R"({"case":"io","output":"{four 4}"})"});
  CHECK(f.Run(der, 0, R"({"case":"m"})") == V{R"({"case":"m","output":"the default"})"});
  CHECK(f.Run(der, 0, R"({"case":"obj","in":{"b":[1,{"c":null}],"a":true}})") ==
        V{R"({"case":"obj","output":{"a":true,"b":[1,{"c":null}]}})"});
}

TEST_CASE("derive sqlite: formats, blobs and parameter-named columns") {
  Fixture f;
  auto d = SqliteDerivation::Open(*f.out, ":memory:");
  REQUIRE(d.ok());
  auto out = f.Run(**d, 1,
                   R"({"case":"x","flag":true,"nested":{"prop":7},"with-hyphen":"h",)"
                   R"("str":{"int":"12","num":"7.5","b64":"VGhpcyBpcyBiYXNlNjQ="}})");
  REQUIRE(out.size() == 1);
  // $str$b64 binds a blob, which comes back base64-encoded; $nested$prop names the
  // flat field "nested/prop"; $with_hyphen maps back to "with-hyphen".
  CHECK(out[0] ==
        R"({"$str$int * 10":120,"$str$num * 2.5":18.75,"blob_fixture":"YSByYXcgc3RyaW5n",)"
        R"("case":"string-types","flag":1,"nested/prop":7,"str/b64":"VGhpcyBpcyBiYXNlNjQ=",)"
        R"("with-hyphen":"h"})");
}

TEST_CASE("derive sqlite: a single json* column is the whole document") {
  Fixture f;
  auto d = SqliteDerivation::Open(*f.out, ":memory:");
  REQUIRE(d.ok());
  CHECK(f.Run(**d, 2, R"({"case":"w","str":{"int":"12"}})") ==
        std::vector<std::string>{R"({"case":"top-level-object","str-int":12,"t":true})"});
}

TEST_CASE("derive sqlite: multi-statement lambdas, state, migrations and checkpoints") {
  Fixture f;
  std::string path = f.tmp->path() + "/state.db";
  {
    auto d = SqliteDerivation::Open(*f.out, path);
    REQUIRE_MESSAGE(d.ok(), d.status().ToString());
    using V = std::vector<std::string>;
    CHECK(f.Run(**d, 3, R"({"case":"a"})") == V{R"({"case":"a","n":1})"});
    CHECK(f.Run(**d, 3, R"({"case":"a"})") == V{R"({"case":"a","n":2})"});
    CHECK(f.Run(**d, 3, R"({"case":"last"})") == V{R"({"case":"last","n":1})", R"({"seed":100})"});
    REQUIRE((*d)->Commit("checkpoint-1").ok());
    // Uncommitted effects are rolled back when the shard goes away.
    CHECK(f.Run(**d, 3, R"({"case":"a"})") == V{R"({"case":"a","n":3})"});
  }
  auto d = SqliteDerivation::Open(*f.out, path);
  REQUIRE(d.ok());
  CHECK(*(*d)->LoadCheckpoint() == "checkpoint-1");
  // Migrations ran once: the seed row was not inserted twice, and "a" is at 2.
  CHECK(f.Run(**d, 3, R"({"case":"a"})") == std::vector<std::string>{R"({"case":"a","n":3})"});
  auto count = SqliteStmt::Prepare((*d)->handle(), "SELECT COUNT(*) FROM flow_migrations");
  REQUIRE(count.ok());
  REQUIRE(*count->Step());
  CHECK(count->ColumnInt64(0) == 2);
}

TEST_CASE("derive sqlite: columns become sorted properties; the last of a name wins") {
  Fixture f;
  auto d = SqliteDerivation::Open(*f.out, ":memory:");
  REQUIRE(d.ok());
  // Each text parameter keeps its own bound buffer: $str, the whole document and the
  // string from the document all bind without copies in one statement.
  CHECK(f.Run(**d, 5, R"({"case":"c","in":"x","str":{"int":"7"}})") ==
        std::vector<std::string>{R"({"a":1,"at":"2023-06-28T20:29:46.4945945Z","case":"c",)"
                                 R"("in":"x","s1":{"int":"7"},"s2":"7","s3":{"int":"7"},"z":2})"});
  // Bindings are renewed per run, never stale.
  CHECK(f.Run(**d, 5, R"({"case":"d","str":{"int":"8"}})") ==
        std::vector<std::string>{
            R"({"a":1,"at":"2023-06-28T20:29:46.4945945Z","case":"d",)"
            R"("in":"the default","s1":{"int":"8"},"s2":"8","s3":{"int":"8"},"z":2})"});
  CHECK((*d)->BindsPublishedAt(5));
  CHECK_FALSE((*d)->BindsPublishedAt(0));
}

TEST_CASE("derive sqlite: a failing statement names the transform, offset and document") {
  Fixture f;
  auto d = SqliteDerivation::Open(*f.out, ":memory:");
  REQUIRE(d.ok());
  auto doc = f.parser.Parse(R"({"case":"boom"})", f.arena);
  REQUIRE(doc.ok());
  std::vector<doc::Node> outs;
  Status s = (*d)->Run(4, *doc, "", f.arena, &outs);
  REQUIRE_FALSE(s.ok());
  CHECK(std::string(s.message()) ==
        "failed to invoke transform \"failing\" lambda statement at offset 0: sqlite: NOT NULL "
        "constraint failed: seen.k\nDocument was {\n  \"case\": \"boom\"\n}");
}

}  // namespace
}  // namespace flow::runtime::derive
