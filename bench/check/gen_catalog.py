#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# bench/check/gen_catalog.py: a large, realistic catalog for timing `flowctl check`.
#
#   gen_catalog.py --out DIR [--collections 2000] [--derivations 1000] [--tests 1000] [--files 20]
#
# Writes DIR/flow.yaml (imports only), DIR/part-NN.flow.yaml (the entities, spread over
# --files files) and DIR/catalog.json: the same catalog as one JSON document for the
# reference side. Half the collections are sources with inline schemas (nested objects,
# enums, formats, defaults, reduce annotations, a partition projection); the other half
# are SQLite derivations with a migration and two multi-statement lambdas; each test
# ingests into a source and verifies its derivation. Deterministic for a given size.
import argparse
import json
import os


def source_schema(i):
    return {
        "type": "object",
        "reduce": {"strategy": "merge"},
        "required": ["id", "user", "region", "amount"],
        "properties": {
            "id": {"type": "integer"},
            "user": {"type": "string", "minLength": 1},
            "region": {"type": "string", "enum": ["emea", "apac", "amer"]},
            "amount": {"type": "integer", "reduce": {"strategy": "sum"}},
            "note": {"type": "string", "default": f"note-{i}"},
            "seenAt": {"type": "string", "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "string"}, "reduce": {"strategy": "append"}},
            "address": {
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "zip": {"type": "string", "pattern": "^[0-9]{4,5}$"},
                },
            },
        },
    }


def derived_schema():
    return {
        "type": "object",
        "reduce": {"strategy": "merge"},
        "required": ["user"],
        "properties": {
            "user": {"type": "string"},
            "total": {"type": "integer", "reduce": {"strategy": "sum"}},
            "orders": {"type": "integer", "reduce": {"strategy": "sum"}},
            "city": {"type": ["string", "null"]},
            "last": {"type": "integer", "reduce": {"strategy": "maximize"}},
        },
    }


def build(n_collections, n_derivations, n_tests):
    n_sources = n_collections - n_derivations
    assert n_sources >= 1
    collections, tests = {}, {}
    for i in range(n_sources):
        collections[f"bench/src-{i:05d}"] = {
            "key": ["/id"],
            "schema": source_schema(i),
            "projections": {"region": {"location": "/region", "partition": True}},
        }
    for j in range(n_derivations):
        a = f"bench/src-{j % n_sources:05d}"
        b = f"bench/src-{(j + 1) % n_sources:05d}"
        collections[f"bench/derived-{j:05d}"] = {
            "key": ["/user"],
            "schema": derived_schema(),
            "derive": {
                "using": {"sqlite": {"migrations": [
                    f"CREATE TABLE seen_{j} (user TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL);\n"
                    f"CREATE INDEX seen_{j}_n ON seen_{j} (n);\n"]}},
                "transforms": [
                    {"name": "fromA", "source": a, "shuffle": {"key": ["/user"]},
                     "lambda": (f"INSERT INTO seen_{j} (user, n) VALUES ($user, 1)\n"
                                f"  ON CONFLICT (user) DO UPDATE SET n = n + 1;\n"
                                f"SELECT $user, $amount AS total, 1 AS orders,\n"
                                f"  $address$city AS city, $id AS last\n"
                                f"  WHERE $region != 'apac';\n")},
                    {"name": "fromB", "source": {"name": b, "partitions": {"include": {"region": ["emea"]}}},
                     "shuffle": {"key": ["/user"]},
                     "lambda": (f"SELECT $user, $amount * 2 AS total, 0 AS orders,\n"
                                f"  (SELECT n FROM seen_{j} WHERE user = $user) AS last;\n")},
                ],
            },
        }
    for t in range(n_tests):
        j = t % n_derivations
        src = f"bench/src-{j % n_sources:05d}"
        tests[f"bench/tests/t-{t:05d}"] = [
            {"ingest": {"collection": src, "documents": [
                {"id": 1, "user": "ann", "region": "emea", "amount": 3, "tags": ["a"]},
                {"id": 2, "user": "bob", "region": "amer", "amount": 4, "address": {"city": "Oslo"}},
                {"id": 3, "user": "ann", "region": "emea", "amount": 5, "seenAt": "2024-01-02T03:04:05Z"},
            ]}},
            {"verify": {"collection": f"bench/derived-{j:05d}", "documents": [
                {"user": "ann", "total": 8, "orders": 2},
                {"user": "bob", "total": 4, "orders": 1},
            ]}},
        ]
    return {"collections": collections, "tests": tests}


def to_yaml(value, indent=0):
    """A small block-style YAML emitter (flow style for short scalar lists)."""
    pad = " " * indent
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            key = json.dumps(k) if any(c in k for c in ":#{}[],&*?|>'\"%@`") or k.startswith("$") else k
            if isinstance(v, str) and "\n" in v:
                out.append(f"{pad}{key}: |")
                out.extend(f"{pad}  {line}" for line in v.rstrip("\n").split("\n"))
            elif isinstance(v, (dict, list)) and v and not is_short_list(v):
                out.append(f"{pad}{key}:")
                out.append(to_yaml(v, indent + 2))
            else:
                out.append(f"{pad}{key}: {scalar(v)}")
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, str) and "\n" in v:
                out.append(f"{pad}- |")
                out.extend(f"{pad}  {line}" for line in v.rstrip("\n").split("\n"))
            elif isinstance(v, (dict, list)) and v and not is_short_list(v):
                inner = to_yaml(v, indent + 2).lstrip()
                out.append(f"{pad}- {inner}")
            else:
                out.append(f"{pad}- {scalar(v)}")
    return "\n".join(out)


def is_short_list(v):
    return isinstance(v, list) and all(isinstance(x, (int, bool)) or (isinstance(x, str) and "\n" not in x) for x in v)


def scalar(v):
    if isinstance(v, str) and "\n" in v:
        return json.dumps(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return json.dumps(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--collections", type=int, default=2000)
    ap.add_argument("--derivations", type=int, default=1000)
    ap.add_argument("--tests", type=int, default=1000)
    ap.add_argument("--files", type=int, default=20)
    a = ap.parse_args()
    cat = build(a.collections, a.derivations, a.tests)
    os.makedirs(a.out, exist_ok=True)
    names = list(cat["collections"])
    tnames = list(cat["tests"])
    imports = []
    for f in range(a.files):
        part = {
            "collections": {n: cat["collections"][n] for n in names[f::a.files]},
            "tests": {n: cat["tests"][n] for n in tnames[f::a.files]},
        }
        name = f"part-{f:02d}.flow.yaml"
        imports.append(name)
        with open(os.path.join(a.out, name), "w") as fh:
            fh.write(to_yaml(part) + "\n")
    with open(os.path.join(a.out, "flow.yaml"), "w") as fh:
        fh.write(to_yaml({"import": imports}) + "\n")
    with open(os.path.join(a.out, "catalog.json"), "w") as fh:
        json.dump(cat, fh)
    size = sum(os.path.getsize(os.path.join(a.out, n)) for n in imports)
    print(f"wrote {len(names)} collections ({a.derivations} derivations), {len(tnames)} tests "
          f"in {a.files} files, {size / 1e6:.1f} MB of YAML, to {a.out}")


if __name__ == "__main__":
    main()
