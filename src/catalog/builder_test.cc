// SPDX-License-Identifier: Apache-2.0
// catalog/builder_test.cc: derivation, test-step and task checks, and SQL error positions.
#include "catalog/builder.h"

#include <doctest/doctest.h>

#include "catalog/testing.h"

namespace flow::catalog {
namespace {

constexpr char kSource[] = R"(collections:
  acme/orders:
    key: [/id]
    schema:
      type: object
      required: [id, flag]
      properties:
        id: {type: integer}
        flag: {type: boolean}
        with space: {type: string}
)";

TEST_CASE("builder: SQL errors map to the line and column inside blocks and files") {
  Fixture f(Files{
      {"flow.yaml", std::string(kSource) + R"(  acme/out:
    key: [/id]
    schema: {type: object, required: [id], properties: {id: {type: integer}}}
    derive:
      using: {sqlite: {}}
      transforms:
        - name: block
          source: acme/orders
          shuffle: any
          lambda: |
            SELECT $id;

            SELECT $id, $with_space,
                   $flagg;
        - name: quoted
          source: acme/orders
          shuffle: any
          lambda: "SELECT $id, nosuch();"
        - name: file
          source: acme/orders
          shuffle: any
          lambda: l.sql
)"},
      {"l.sql", "-- header\nSELECT\n  $id\nFROM missing_table;\n"},
  });
  f.Load();
  CHECK(f.Diags() ==
        "flow.yaml:24:20: lambda of transform block: parameter $flagg not found: did you mean "
        "$flag ?\n"
        "flow.yaml:28:32: lambda of transform quoted: no such function: nosuch\n"
        "l.sql:4:6: lambda of transform file: no such table: missing_table\n");
}

TEST_CASE("builder: statements, parameters and read-only flags are built") {
  Fixture f(Files{{"flow.yaml", std::string(kSource) + R"(  acme/out:
    key: [/id]
    schema: {type: object, required: [id], properties: {id: {type: integer}}}
    derive:
      using:
        sqlite:
          migrations:
            - "CREATE TABLE t (id INTEGER PRIMARY KEY); CREATE TABLE u (x);"
      transforms:
        - name: write
          source: acme/orders
          shuffle: {key: [/flag]}
          lambda: "INSERT INTO t (id) VALUES ($id); /* note */ ; SELECT $id, $p::(with_space), $id;"
        - name: disabled
          source: acme/orders
          shuffle: {key: [/flag]}
          disable: true
          lambda: "SELECT $nope;"
)"}});
  const Catalog& c = f.Load();
  CHECK(f.Diags() == "");
  const Derivation& d = *c.FindCollection("acme/out")->derive;
  REQUIRE(d.migration_statements.size() == 1);
  CHECK(d.migration_statements[0].size() == 2);
  const Transform& t = d.transforms[0];
  REQUIRE(t.statements.size() == 3);
  CHECK(t.statements[0].params.size() == 1);
  CHECK_FALSE(t.statements[0].read_only);
  CHECK(t.statements[1].sql == " /* note */ ;");
  CHECK(t.statements[1].params.empty());
  REQUIRE(t.statements[2].params.size() == 2);  // $id is one parameter, used twice
  CHECK(t.statements[2].params[1].name == "$p::(with_space)");
  CHECK(t.statements[2].params[1].field == "with space");
  CHECK(t.statements[2].offset == 45);
  CHECK_FALSE(t.read_only);
  REQUIRE(t.shuffle_extractors.size() == 1);
  CHECK(t.shuffle_extractors[0].pointer().ToString() == "/flag");
  CHECK(d.transforms[1].statements.empty());  // disabled: not validated
}

TEST_CASE("builder: derivation connectors, legacy forms and shuffle types") {
  Fixture f(Files{{"flow.yaml", std::string(kSource) + R"(  acme/ts:
    key: [/id]
    schema: {type: object, required: [id], properties: {id: {type: integer}}}
    derive:
      using: {typescript: {module: "export class Derivation {}"}}
      transforms:
        - {name: a, source: acme/orders, shuffle: {lambda: "x => [x.id]"}}
  acme/legacy:
    key: [/id]
    schema: {type: object, required: [id], properties: {id: {type: integer}}}
    derivation:
      transform:
        fromOrders:
          source: {name: acme/orders}
          publish: {lambda: typescript}
  acme/explicit:
    key: [/id]
    schema: {type: object, required: [id], properties: {id: {type: integer}}}
    derive:
      using: {connector: {image: "ghcr.io/x:v1", config: {a: 1}}}
      shuffleKeyTypes: [string]
      transforms:
        - {name: a, source: acme/orders, shuffle: {key: [/id]}}
)"}});
  const Catalog& c = f.Load();
  CHECK(f.Diags() ==
        "flow.yaml:14:5: cannot infer shuffle key types because all transforms use a computed "
        "`lambda` or `any`; Flow must know the key types that your computed shuffle lambda will "
        "output, so add an explicit `shuffleKeyTypes` to this derivation\n"
        "flow.yaml:33:11: transform a shuffled key types [Integer] don't align with declared "
        "shuffle key types [String]\n");
  CHECK(c.FindCollection("acme/ts")->derive->using_ == DeriveUsing::kTypescript);
  CHECK_FALSE(c.FindCollection("acme/ts")->derive->runnable());
  const Derivation& legacy = *c.FindCollection("acme/legacy")->derive;
  CHECK(legacy.using_ == DeriveUsing::kLegacy);
  REQUIRE(legacy.transforms.size() == 1);
  CHECK(legacy.transforms[0].shuffle == ShuffleKind::kSourceKey);
}

TEST_CASE("builder: captures and materializations reference collections") {
  Fixture f(Files{{"flow.yaml", std::string(kSource) + R"(captures:
  acme/in:
    endpoint: {local: {command: [./src], config: {}}}
    bindings:
      - {resource: {stream: a}, target: acme/orders}
      - {resource: {stream: b}, target: acme/ordres}
materializations:
  acme/db:
    endpoint: {sqlite: {path: ../x.db}}
    bindings:
      - source: {name: acme/orders, partitions: {include: {nope: [1]}}}
        resource: {table: orders}
)"}});
  const Catalog& c = f.Load();
  CHECK(f.Diags() ==
        "flow.yaml:16:41: collection acme/ordres, referenced by capture acme/in, is not defined; "
        "did you mean acme/orders defined at flow.yaml:2:3 ?\n"
        "flow.yaml:21:60: include projection nope does not exist in collection acme/orders\n");
  REQUIRE(c.materializations.size() == 1);
  CHECK(c.materializations[0].endpoint == "sqlite");
  CHECK(c.materializations[0].sqlite_path == "../x.db");
  CHECK(c.captures[0].bindings[0].built_collection == c.FindCollection("acme/orders"));
}

TEST_CASE("builder: tests run in the order of their first step's scope") {
  Fixture f(Files{
      {"flow.yaml", std::string("import: [b.flow.yaml]\n") + kSource + R"(tests:
  acme/z:
    - verify: {collection: acme/orders, documents: []}
  acme/a:
    description: object form
    steps:
      - verify: {collection: acme/orders, documents: []}
  "Expect sentences as names":
    - verify: {collection: acme/orders, documents: []}
)"},
      {"b.flow.yaml",
       "tests:\n  acme/b:\n    - verify: {collection: acme/orders, documents: []}\n"},
  });
  const Catalog& c = f.Load();
  CHECK(f.Diags() == "");
  std::vector<std::string> names;
  for (const Test& t : c.tests)
    names.push_back(t.name);
  CHECK(names ==
        std::vector<std::string>{"acme/b", "Expect sentences as names", "acme/a", "acme/z"});
  CHECK(c.FindTest("acme/a")->description == "object form");
}

}  // namespace
}  // namespace flow::catalog
