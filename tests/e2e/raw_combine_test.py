# SPDX-License-Identifier: Apache-2.0
# tests/e2e/raw_combine_test.py: `flowctl raw combine`: reduction by key, key order,
# full vs partial, deletions, spilling, and error exit codes and messages.
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, run  # noqa: E402

AGG_SCHEMA = {
    "type": "object",
    "reduce": {"strategy": "merge"},
    "required": ["bike_id"],
    "properties": {
        "bike_id": {"type": "integer"},
        "rides": {"type": "integer", "reduce": {"strategy": "sum"}},
        "last_seen": {"type": "string", "reduce": {"strategy": "maximize"}},
        "stations": {
            "type": "object",
            "reduce": {"strategy": "merge"},
            "additionalProperties": {"type": "integer", "reduce": {"strategy": "sum"}},
        },
    },
}

SET_SCHEMA = {
    "type": "object",
    "reduce": {"strategy": "merge"},
    "properties": {
        "id": {"type": "string"},
        "tags": {
            "reduce": {"strategy": "set"},
            "properties": {"add": {"additionalProperties": {"reduce": {"strategy": "sum"}}}},
        },
    },
}

DELETE_SCHEMA = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "integer"}, "n": {"type": "integer", "reduce": {"strategy": "sum"}}},
    "if": {"required": ["_meta"], "properties": {"_meta": {"required": ["op"],
           "properties": {"op": {"const": "d"}}}}},
    "then": {"reduce": {"strategy": "merge", "delete": True}},
    "else": {"reduce": {"strategy": "merge"}},
}


def write(tmp, name, obj):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


def lines(*docs):
    return "".join(json.dumps(d) + "\n" for d in docs)


def combine(flowctl, schema, key, stdin, *extra):
    return run(flowctl, "raw", "combine", "--schema", schema, "--key", key, *extra, stdin=stdin)


def test_reduces_by_key_in_key_order(flowctl, tmp):
    schema = write(tmp, "agg.json", AGG_SCHEMA)
    stdin = lines(
        {"bike_id": 7, "rides": 1, "last_seen": "2023-01-02", "stations": {"10": 1}},
        {"bike_id": 2, "rides": 1, "last_seen": "2023-01-01", "stations": {"11": 1}},
        {"bike_id": 7, "rides": 2, "last_seen": "2023-01-01", "stations": {"10": 2, "12": 1}},
        {"bike_id": 10, "rides": 1},
    ) + "\n   \n"  # blank lines are skipped
    rc, out, err = combine(flowctl, schema, "/bike_id", stdin)
    assert rc == 0, (rc, err)
    assert out.splitlines() == [
        '{"bike_id":2,"last_seen":"2023-01-01","rides":1,"stations":{"11":1}}',
        '{"bike_id":7,"last_seen":"2023-01-02","rides":3,"stations":{"10":3,"12":1}}',
        '{"bike_id":10,"rides":1}',
    ], out


def test_spilling_gives_identical_output(flowctl, tmp):
    schema = write(tmp, "agg.json", AGG_SCHEMA)
    docs = []
    for i in range(3000):
        docs.append({"bike_id": (i * 7919) % 211, "rides": 1,
                     "last_seen": "2023-01-%02dT%02d:00:00Z" % (1 + i % 28, i % 24),
                     "stations": {str(100 + i % 37): 1}})
    stdin = lines(*docs)
    rc, big, err = combine(flowctl, schema, "/bike_id", stdin)
    assert rc == 0, err
    for limit in ["64KiB", "1"]:
        rc, small, err = combine(flowctl, schema, "/bike_id", stdin, "--memory-limit", limit)
        assert rc == 0, (limit, err)
        assert small == big, limit
    out = [json.loads(l) for l in big.splitlines()]
    assert len(out) == 211 and sum(d["rides"] for d in out) == 3000
    assert [d["bike_id"] for d in out] == sorted(d["bike_id"] for d in out)


def test_full_prunes_and_partial_keeps_set_terms(flowctl, tmp):
    schema = write(tmp, "set.json", SET_SCHEMA)
    stdin = lines(
        {"id": "a", "tags": {"add": {"x": 1}, "remove": {"y": 0}}},
        {"id": "a", "tags": {"add": {"x": 2}, "remove": {"z": 0}}},
        {"id": "b", "tags": {"add": {"x": 1}, "remove": {"y": 0}}},
    )
    rc, out, err = combine(flowctl, schema, "/id", stdin)
    assert rc == 0, err
    assert out.splitlines() == [
        '{"id":"a","tags":{"add":{"x":3}}}',
        # A key with a single document passes through unreduced, so nothing is pruned.
        '{"id":"b","tags":{"add":{"x":1},"remove":{"y":0}}}',
    ], out
    rc, out, err = combine(flowctl, schema, "/id", stdin, "--partial")
    assert rc == 0, err
    assert out.splitlines()[0] == '{"id":"a","tags":{"add":{"x":3},"remove":{"y":0,"z":0}}}', out


def test_deletions_are_dropped_from_full_output(flowctl, tmp):
    schema = write(tmp, "del.json", DELETE_SCHEMA)
    stdin = lines(
        {"id": 1, "n": 1},
        {"id": 1, "_meta": {"op": "d"}},
        {"id": 2, "n": 1},
        {"id": 2, "_meta": {"op": "d"}},
        {"id": 2, "_meta": {"op": "u"}, "n": 4},
        {"id": 3, "n": 2},
    )
    rc, out, err = combine(flowctl, schema, "/id", stdin)
    assert rc == 0, err
    assert out.splitlines() == ['{"_meta":{"op":"u"},"id":2,"n":5}', '{"id":3,"n":2}'], out
    rc, out, err = combine(flowctl, schema, "/id", stdin, "--partial")
    assert rc == 0, err
    assert out.splitlines()[0] == '{"_meta":{"op":"d"},"id":1,"n":1}', out


def test_composite_key_and_schema_default(flowctl, tmp):
    schema = write(tmp, "ck.json", {
        "type": "object", "reduce": {"strategy": "merge"},
        "properties": {"a": {"type": "string", "default": "zz"}, "b": {"type": "integer"},
                       "n": {"reduce": {"strategy": "sum"}}}})
    stdin = lines({"a": "x", "b": 2, "n": 1}, {"a": "x", "b": 1, "n": 1}, {"b": 1, "n": 5},
                  {"a": "zz", "b": 1, "n": 1}, {"a": "x", "b": 2, "n": 1})
    rc, out, err = combine(flowctl, schema, "/a,/b", stdin)
    assert rc == 0, err
    assert out.splitlines() == [
        '{"a":"x","b":1,"n":1}',
        '{"a":"x","b":2,"n":2}',
        # A missing /a takes the schema default "zz", so these two share a key.
        '{"a":"zz","b":1,"n":6}',
    ], out


def test_reduction_error_exits_1_naming_the_line(flowctl, tmp):
    schema = write(tmp, "agg.json", AGG_SCHEMA)
    stdin = lines({"bike_id": 1, "stations": {"1": 1}}, {"bike_id": 2},
                  {"bike_id": 1, "stations": {"1": 1.5e308}}, {"bike_id": 1, "stations": {"1": 1.5e308}})
    rc, out, err = combine(flowctl, schema, "/bike_id", stdin)
    assert rc == 1, (rc, err)
    assert out == ""
    assert err.startswith("flowctl: error: line 4: failed to combine documents having shared key [1]: "
                          "having values LHS: 1.5e308, RHS: 1.5e308: while reducing "
                          "\"/stations/1\": `sum` resulted in numeric overflow"), err


def test_validation_error_exits_1_naming_the_line(flowctl, tmp):
    schema = write(tmp, "agg.json", AGG_SCHEMA)
    stdin = lines({"bike_id": 1, "rides": 1}, {"bike_id": 1, "rides": "two"})
    rc, out, err = combine(flowctl, schema, "/bike_id", stdin)
    assert rc == 1, (rc, err)
    assert err.startswith("flowctl: error: line 2: document failed validation against schema "), err
    assert '"/rides"' in err and '{"bike_id":1,"rides":"two"}' in err, err
    # A document that is never reduced is validated when it is drained.
    rc, out, err = combine(flowctl, schema, "/bike_id", lines({"bike_id": 1}, {"bike_id": 3, "rides": -1.5}))
    assert rc == 1 and "line 2: document failed validation" in err, (rc, err)
    rc, out, err = combine(flowctl, schema, "/bike_id", '{"bike_id": 1}\n{"bike_id": \n')
    assert rc == 1 and err.startswith("flowctl: error: line 2: invalid JSON"), (rc, err)


def test_usage_errors_exit_2(flowctl, tmp):
    schema = write(tmp, "agg.json", AGG_SCHEMA)
    rc, out, err = run(flowctl, "raw", "combine", "--schema", schema, stdin="")
    assert rc == 2 and "--key" in err, (rc, err)
    rc, out, err = combine(flowctl, schema, "bike_id", "")
    assert rc == 2 and "missing leading '/'" in err, (rc, err)
    rc, out, err = combine(flowctl, schema, "/bike_id", "", "--memory-limit", "lots")
    assert rc == 2 and "--memory-limit lots" in err, (rc, err)
    bad = write(tmp, "bad.json", {"type": "object", "properties": {"a": {"type": "strin"}}})
    rc, out, err = combine(flowctl, bad, "/a", "")
    assert rc == 2 and "invalid schema" in err and "strin" in err, (rc, err)
    rc, out, err = combine(flowctl, os.path.join(tmp, "missing.json"), "/a", "")
    assert rc == 2, (rc, err)


if __name__ == "__main__":
    main([test_reduces_by_key_in_key_order, test_spilling_gives_identical_output,
          test_full_prunes_and_partial_keeps_set_terms, test_deletions_are_dropped_from_full_output,
          test_composite_key_and_schema_default, test_reduction_error_exits_1_naming_the_line,
          test_validation_error_exits_1_naming_the_line, test_usage_errors_exit_2])
