// SPDX-License-Identifier: Apache-2.0
// runtime/testing/test_runner_test.cc: the test runtime over real catalogs: passing and
// failing verifies, case isolation, state reset, errors, snapshots and unrunnable tasks.
#include "runtime/testing/test_runner.h"

#include <doctest/doctest.h>

#include "base/file.h"

namespace flow::runtime::testing {
namespace {

constexpr std::string_view kCatalog = R"(
collections:
  t/events:
    key: [/id]
    schema:
      type: object
      required: [id, user, n]
      properties:
        id: { type: integer }
        user: { type: string }
        n: { type: integer }
  t/totals:
    key: [/user]
    schema:
      type: object
      reduce: { strategy: merge }
      required: [user]
      properties:
        user: { type: string }
        total: { type: integer, reduce: { strategy: sum } }
        seen: { type: integer }
    derive:
      using:
        sqlite:
          migrations:
            - CREATE TABLE counts (user TEXT PRIMARY KEY NOT NULL, c INTEGER NOT NULL);
      transforms:
        - name: sum
          source: t/events
          shuffle: { key: [/user] }
          lambda: |
            INSERT INTO counts (user, c) VALUES ($user, 1)
              ON CONFLICT (user) DO UPDATE SET c = c + 1;
            SELECT $user, $n AS total, (SELECT c FROM counts WHERE user = $user) AS seen;
        - name: boom
          source: t/events
          shuffle: any
          lambda: SELECT 1 / 0 AS x, $id AS user WHERE $n < 0 AND json('[') IS NULL;
tests:
  t/a-pass:
    - ingest:
        collection: t/events
        documents:
          - { id: 2, user: bob, n: 5 }
          - { id: 1, user: ann, n: 1 }
          - { id: 3, user: ann, n: 2 }
    - verify:
        collection: t/totals
        documents:
          - { user: ann, total: 3, seen: 2 }
          - { user: bob, total: 5, seen: 1 }
  t/b-fail:
    - ingest:
        collection: t/events
        documents: [{ id: 4, user: ann, n: 10 }]
    - verify:
        collection: t/totals
        documents:
          - { user: ann, total: 11, seen: 1 }
  t/c-after-failure:
    - ingest:
        collection: t/events
        documents: [{ id: 5, user: cy, n: 7 }]
    - verify:
        collection: t/totals
        documents: [{ user: cy, total: 7, seen: 1 }]
    - verify:
        collection: t/events
        documents: [{ id: 5 }]
)";

struct Fixture {
  std::optional<ScopedTempDir> tmp;
  std::unique_ptr<catalog::Catalog> cat;

  explicit Fixture(std::string_view yaml) {
    auto dir = ScopedTempDir::Create();
    REQUIRE(dir.ok());
    tmp.emplace(std::move(dir).value());
    std::string path = tmp->path() + "/flow.yaml";
    REQUIRE(WriteFileAtomic(path, yaml).ok());
    cat = catalog::LoadCatalog(path);
    for (const auto& d : cat->diagnostics.Sorted())
      MESSAGE(catalog::FormatDiagnostic(d));
    REQUIRE_FALSE(cat->diagnostics.has_errors());
  }
};

TEST_CASE("test runner: cases pass, fail with a report, and stay isolated") {
  Fixture f(kCatalog);
  TestOptions opts;
  opts.snapshot_dir = f.tmp->path() + "/snap";
  std::vector<std::string> streamed;
  opts.on_outcome = [&](const TestOutcome& o) { streamed.push_back(o.name); };
  auto out = RunTests(*f.cat, opts);
  REQUIRE_MESSAGE(out.ok(), out.status().ToString());
  REQUIRE(out->size() == 3);
  CHECK(streamed == std::vector<std::string>{"t/a-pass", "t/b-fail", "t/c-after-failure"});

  const TestOutcome& a = (*out)[0];
  CHECK_MESSAGE(a.kind == TestOutcome::Kind::kPassed, a.error);

  // The second case sees only its own document, and SQLite state was reset, so
  // `seen` restarts at 1 while the expected total of 11 is wrong (it is 10).
  const TestOutcome& b = (*out)[1];
  REQUIRE(b.kind == TestOutcome::Kind::kFailed);
  CHECK(b.where.ends_with("flow.yaml#/tests/t~1b-fail/1/verify"));
  CHECK(b.error.find("mismatched document at index 0:") != std::string::npos);
  CHECK(b.error.find("at /total: actual 10, expected 11") != std::string::npos);

  const TestOutcome& c = (*out)[2];
  CHECK_MESSAGE(c.kind == TestOutcome::Kind::kPassed, c.error);

  auto snap = ReadFile(f.tmp->path() + "/snap/t/a-pass/verify-1.json");
  REQUIRE(snap.ok());
  CHECK(snap->find("\"_meta\": {\n      \"uuid\": \"flow-uuid\"") != std::string::npos);
  CHECK(snap->find("\"seen\": 2") != std::string::npos);
}

TEST_CASE("test runner: read delays wait for synthetic time") {
  Fixture f(R"(
collections:
  t/in:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: string } } }
  t/late:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: string }, at: { type: string } } }
    derive:
      using: { sqlite: {} }
      transforms:
        - name: delayed
          source: t/in
          shuffle: any
          readDelay: 2h
          lambda: SELECT $id, $flow_published_at AS at;
tests:
  t/delay:
    - ingest: { collection: t/in, documents: [{ id: a }] }
    - verify: { collection: t/late, documents: [{ id: a, at: "1970-01-01T00:00:01.000001Z" }] }
    - ingest: { collection: t/in, documents: [{ id: b }] }
    - verify: { collection: t/late, documents: [{ id: a }, { id: b }] }
)");
  auto out = RunTests(*f.cat, TestOptions{});
  REQUIRE(out.ok());
  REQUIRE(out->size() == 1);
  CHECK_MESSAGE((*out)[0].kind == TestOutcome::Kind::kPassed, (*out)[0].error);
}

TEST_CASE("test runner: a SQL error fails the case and names the transform") {
  Fixture f(R"(
collections:
  t/in:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: integer } } }
  t/out:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: integer } } }
    derive:
      using:
        sqlite:
          migrations: [ "CREATE TABLE u (id INTEGER PRIMARY KEY);" ]
      transforms:
        - name: unique
          source: t/in
          shuffle: any
          lambda: INSERT INTO u (id) VALUES ($id) RETURNING id;
tests:
  t/1-dup:
    - ingest: { collection: t/in, documents: [{ id: 1 }] }
    - ingest: { collection: t/in, documents: [{ id: 1 }] }
    - verify: { collection: t/out, documents: [{ id: 1 }] }
  t/2-next:
    - ingest: { collection: t/in, documents: [{ id: 1 }] }
    - verify: { collection: t/out, documents: [{ id: 1 }] }
)");
  auto out = RunTests(*f.cat, TestOptions{});
  REQUIRE(out.ok());
  REQUIRE(out->size() == 2);
  CHECK((*out)[0].kind == TestOutcome::Kind::kFailed);
  CHECK(
      (*out)[0].error.find("failed to invoke transform \"unique\" lambda statement at offset 0") !=
      std::string::npos);
  CHECK((*out)[0].error.find("UNIQUE constraint failed: u.id") != std::string::npos);
  // State was reset after the failed case, so the same id inserts again.
  CHECK_MESSAGE((*out)[1].kind == TestOutcome::Kind::kPassed, (*out)[1].error);
}

}  // namespace
}  // namespace flow::runtime::testing
