# SPDX-License-Identifier: Apache-2.0
# tests/e2e/raw_validate_test.py: `flowctl raw validate`: one result line per document,
# error output, lines that are not JSON, YAML schemas, --remotes, and invalid schemas.
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, run  # noqa: E402

RIDE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.test/ride.schema.json",
    "type": "object",
    "required": ["id", "price"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer", "minimum": 0},
        "price": {"type": "number", "reduce": {"strategy": "sum"}},
        "when": {"type": "string", "format": "date-time"},
        "station": {"$ref": "#/$defs/station"},
    },
    "$defs": {"station": {"type": "object", "required": ["name"],
                          "properties": {"name": {"type": "string", "minLength": 1}}}},
}


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def results(out):
    return [json.loads(line) for line in out.splitlines()]


def test_one_line_per_document(flowctl, tmp):
    schema = write(tmp, "ride.schema.json", json.dumps(RIDE_SCHEMA))
    stdin = "\n".join([
        '{"id": 1, "price": 2.5, "when": "2023-01-01T00:00:05Z", "station": {"name": "A"}}',
        '{"id": -1, "price": "x", "extra": true}',
        "",
        "not json",
        '{"id": 2, "price": 1, "station": {"name": ""}, "when": "yesterday"}',
        '{"id": 3, "price": 0}',
    ])
    rc, out, err = run(flowctl, "raw", "validate", "--schema", schema, stdin=stdin)
    assert rc == 0, (rc, err)
    got = results(out)
    assert len(got) == 5, out  # the blank line is skipped
    assert got[0] == {"valid": True}
    assert got[4] == {"valid": True}
    base = "https://example.test/ride.schema.json#"
    assert got[1] == {"valid": False, "errors": [
        {"instance": "/extra", "schema": base + "/additionalProperties",
         "message": 'unexpected property "extra" (additionalProperties is false)'},
        {"instance": "/id", "schema": base + "/properties/id/minimum",
         "message": "-1 is less than the minimum of 0"},
        {"instance": "/price", "schema": base + "/properties/price/type",
         "message": '"x" is not of type "number"'},
    ]}, got[1]
    assert got[2]["valid"] is False
    assert len(got[2]["errors"]) == 1
    assert got[2]["errors"][0]["message"].startswith("line 4: invalid JSON"), got[2]
    assert got[3] == {"valid": False, "errors": [
        {"instance": "/station/name", "schema": base + "/$defs/station/properties/name/minLength",
         "message": '"" has 0 characters, fewer than the minLength of 1'},
        {"instance": "/when", "schema": base + "/properties/when/format",
         "message": '"yesterday" is not a valid "date-time" (format)'},
    ]}, got[3]


def test_yaml_schema_and_local_refs(flowctl, tmp):
    write(tmp, "defs/price.yaml", "type: number\nminimum: 0\n")
    schema = write(tmp, "schema.yaml", "\n".join([
        "type: object",
        "properties:",
        "  price: {$ref: defs/price.yaml}",
        "  tags:",
        "    type: array",
        "    items: {type: string}",
        "    uniqueItems: true",
        "",
    ]))
    stdin = '{"price": 1, "tags": ["a", "b"]}\n{"price": -1}\n{"tags": ["a", "a"]}\n'
    rc, out, err = run(flowctl, "raw", "validate", "--schema", schema, stdin=stdin)
    assert rc == 0, (rc, err)
    got = results(out)
    assert got[0] == {"valid": True}
    price_uri = "file://" + os.path.realpath(os.path.join(tmp, "defs/price.yaml")) + "#/minimum"
    assert got[1]["errors"] == [{"instance": "/price", "schema": price_uri,
                                 "message": "-1 is less than the minimum of 0"}], got[1]
    assert got[2]["errors"][0]["message"] == "array items 0 and 1 are equal, but uniqueItems is true"


def test_remotes_directory(flowctl, tmp):
    write(tmp, "remotes/geo.json", json.dumps({
        "$id": "https://example.test/geo.json",
        "type": "object",
        "required": ["lat"],
        "properties": {"lat": {"type": "number", "maximum": 90}},
    }))
    schema = write(tmp, "s.json", json.dumps({
        "type": "object", "properties": {"geo": {"$ref": "https://example.test/geo.json"}}}))
    rc, out, err = run(flowctl, "raw", "validate", "--schema", schema)
    assert rc == 2, (rc, out, err)
    assert "cannot resolve reference https://example.test/geo.json" in err, err
    rc, out, err = run(flowctl, "raw", "validate", "--schema", schema,
                       "--remotes", os.path.join(tmp, "remotes"),
                       stdin='{"geo": {"lat": 10}}\n{"geo": {"lat": 100}}\n')
    assert rc == 0, (rc, err)
    got = results(out)
    assert got[0] == {"valid": True}
    assert got[1]["errors"] == [{"instance": "/geo/lat",
                                 "schema": "https://example.test/geo.json#/properties/lat/maximum",
                                 "message": "100 is greater than the maximum of 90"}]


def test_invalid_schema_exits_2_naming_the_location(flowctl, tmp):
    cases = [
        ({"properties": {"a": {"reduce": {"strategy": "nope"}}}},
         "#/properties/a/reduce: unknown reduce strategy \"nope\""),
        ({"properties": {"a": {"tpye": "string"}}}, "#/properties/a: unexpected keyword 'tpye'"),
        ({"items": {"$ref": "#/$defs/missing"}}, "#/items/$ref: cannot resolve reference"),
        ({"pattern": "(unclosed"}, "#/pattern: invalid regular expression"),
    ]
    for i, (schema, want) in enumerate(cases):
        path = write(tmp, f"bad{i}.json", json.dumps(schema))
        rc, out, err = run(flowctl, "raw", "validate", "--schema", path, stdin="{}\n")
        assert rc == 2, (schema, rc, out, err)
        assert out == "", out
        assert "file://" + os.path.realpath(path) + want in err, (want, err)
    rc, out, err = run(flowctl, "raw", "validate", "--schema", os.path.join(tmp, "missing.json"))
    assert rc != 0 and "missing.json" in err, (rc, err)


def test_requires_schema_flag(flowctl, tmp):
    rc, out, err = run(flowctl, "raw", "validate")
    assert rc == 2, (rc, out, err)
    assert "--schema" in err, err


if __name__ == "__main__":
    main([test_one_line_per_document, test_yaml_schema_and_local_refs, test_remotes_directory,
          test_invalid_schema_exits_2_naming_the_location, test_requires_schema_flag])
