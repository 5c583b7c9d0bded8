# SPDX-License-Identifier: Apache-2.0
# tests/e2e/check_test.py: `flowctl check` and `flowctl raw bundle` end to end.
#
# Golden cases live in testdata/catalogs/<case>/: flow.yaml (plus any files it uses)
# and expected/stderr.txt + expected/exit_code, the exact output of
# `flowctl check --source flow.yaml` run inside the case directory.
# FLOWCTL_UPDATE_GOLDEN=1 rewrites the expected files; review the diff like code.
# The acceptance suite is found at ../shared/acceptance beside the repository
# (FLOWCTL_SHARED_DIR overrides it).
import difflib
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, run  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDEN = os.path.join(ROOT, "testdata", "catalogs")
SHARED = os.path.normpath(os.environ.get("FLOWCTL_SHARED_DIR", os.path.join(ROOT, "..", "shared")))
ACCEPTANCE = os.path.join(SHARED, "acceptance")
EXAMPLE = os.path.join(ROOT, "examples", "rides", "flow.yaml")
UPDATE = os.environ.get("FLOWCTL_UPDATE_GOLDEN") == "1"


def cases(path):
    return sorted(d for d in os.listdir(path) if os.path.isdir(os.path.join(path, d)))


def run_all(fn, items):
    """Runs fn over items two at a time (flowctl is single-threaded), in order."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(fn, items))


def test_golden_diagnostics(flowctl, tmp):
    failures = []
    names = cases(GOLDEN)
    assert len(names) >= 25, names
    results = run_all(lambda n: run(flowctl, "check", "--source", "flow.yaml",
                                    cwd=os.path.join(GOLDEN, n)), names)
    for name, (rc, out, err) in zip(names, results):
        case = os.path.join(GOLDEN, name)
        expected_dir = os.path.join(case, "expected")
        stderr_path = os.path.join(expected_dir, "stderr.txt")
        rc_path = os.path.join(expected_dir, "exit_code")
        if UPDATE:
            os.makedirs(expected_dir, exist_ok=True)
            with open(stderr_path, "w") as f:
                f.write(err)
            with open(rc_path, "w") as f:
                f.write(f"{rc}\n")
            continue
        want_err = open(stderr_path).read()
        want_rc = int(open(rc_path).read())
        if out:
            failures.append(f"{name}: unexpected stdout:\n{out}")
        if rc != want_rc:
            failures.append(f"{name}: exit code {rc}, want {want_rc}")
        if err != want_err:
            diff = "".join(difflib.unified_diff(want_err.splitlines(True), err.splitlines(True),
                                                "expected/stderr.txt", "actual"))
            failures.append(f"{name}: stderr differs:\n{diff}")
    assert not failures, "\n".join(failures)


def test_golden_cases_cover_distinct_errors(flowctl, tmp):
    # Every error case asserts at least one file:line:col diagnostic, and together
    # they cover at least 25 distinct messages.
    messages = set()
    for name in cases(GOLDEN):
        text = open(os.path.join(GOLDEN, name, "expected", "stderr.txt")).read()
        for line in text.splitlines():
            parts = line.split(": ", 1)
            if len(parts) == 2 and parts[0].count(":") == 2 and not parts[1].startswith("warning:"):
                messages.add(parts[1])
    assert len(messages) >= 25, sorted(messages)


def test_acceptance_catalogs_check_clean(flowctl, tmp):
    root = os.path.join(ACCEPTANCE, "catalogs")
    names = cases(root)
    assert names, f"no acceptance catalogs under {root}"
    results = run_all(lambda n: run(flowctl, "check", "--source",
                                    os.path.join(root, n, "flow.yaml"), cwd=tmp), names)
    for name, (rc, out, err) in zip(names, results):
        assert rc == 0 and err == "", (name, rc, err)


def test_acceptance_invalid_catalogs_are_rejected(flowctl, tmp):
    root = os.path.join(ACCEPTANCE, "invalid")
    names = cases(root)
    assert names, f"no invalid acceptance catalogs under {root}"
    results = run_all(lambda n: run(flowctl, "check", "--source",
                                    os.path.join(root, n, "flow.yaml"), cwd=tmp), names)
    for name, (rc, out, err) in zip(names, results):
        expect = open(os.path.join(root, name, "expect.txt")).read().splitlines()[0].strip()
        assert rc == 2, (name, rc, err)
        assert expect.lower() in (out + err).lower(), (name, expect, err)
        # Every error names its file, line and column.
        first = err.splitlines()[0]
        assert first.startswith(os.path.join(root, name, "flow.yaml") + ":"), (name, first)


def test_example_checks_clean(flowctl, tmp):
    rc, out, err = run(flowctl, "check", "--source", os.path.relpath(EXAMPLE, ROOT), cwd=ROOT)
    assert rc == 0 and out == "" and err == "", (rc, out, err)


def test_paths_are_shown_relative_to_the_working_directory(flowctl, tmp):
    rc, out, err = run(flowctl, "check", "--source",
                       os.path.join("testdata", "catalogs", "key-empty", "flow.yaml"), cwd=ROOT)
    assert rc == 2, (rc, err)
    assert err.startswith("testdata/catalogs/key-empty/flow.yaml:3:10: collection acme/orders key cannot be empty\n"), err


def test_missing_source_file(flowctl, tmp):
    rc, out, err = run(flowctl, "check", "--source", "nope.yaml", cwd=tmp)
    assert rc == 2, (rc, err)
    assert err.startswith("failed to fetch resource nope.yaml: No such file or directory\n"), err
    rc, out, err = run(flowctl, "check", cwd=tmp)
    assert rc == 2 and "--source" in err, (rc, err)


def test_bundle_inlines_every_resource(flowctl, tmp):
    rc, out, err = run(flowctl, "raw", "bundle", "--source", EXAMPLE, cwd=tmp)
    assert rc == 0, (rc, err)
    b = json.loads(out)
    assert sorted(b) == ["collections", "tests"], sorted(b)
    cols = b["collections"]
    assert sorted(cols) == ["rides/driver-earnings", "rides/rider-tiers", "rides/trips"], sorted(cols)
    # The migration file is inlined as SQL text.
    migration = cols["rides/rider-tiers"]["derive"]["using"]["sqlite"]["migrations"][0]
    assert migration.startswith("-- Completed trips per rider") and "CREATE TABLE riders" in migration
    # A schema given by URL is bundled under $defs with its $id, and resolves by $ref.
    trips = cols["rides/trips"]["schema"]
    url = "file://" + os.path.join(os.path.dirname(EXAMPLE), "trips.schema.yaml")
    assert trips["$ref"] == url, trips
    assert trips["$defs"][url]["$id"] == url
    # In-document refs stay relative: they resolve against the bundled document's $id.
    assert trips["$defs"][url]["properties"]["fareCents"]["$ref"] == "#/$defs/cents"
    # Tests come from the imported file.
    assert list(b["tests"]) == ["rides/tests/earnings-and-tiers"]
    # The output is stable.
    rc2, out2, _ = run(flowctl, "raw", "bundle", "--source", EXAMPLE, cwd=tmp)
    assert rc2 == 0 and out2 == out


def test_bundle_of_a_broken_catalog_fails(flowctl, tmp):
    path = os.path.join(tmp, "flow.yaml")
    with open(path, "w") as f:
        f.write("collections:\n  a/b:\n    key: [/id]\n    schema: missing.yaml\n")
    rc, out, err = run(flowctl, "raw", "bundle", "--source", path, cwd=tmp)
    assert rc == 2 and out == "", (rc, out)
    assert err.startswith(path + ":4:13: failed to fetch resource " + os.path.join(tmp, "missing.yaml")), err


if __name__ == "__main__":
    main([test_golden_diagnostics, test_golden_cases_cover_distinct_errors,
          test_acceptance_catalogs_check_clean, test_acceptance_invalid_catalogs_are_rejected,
          test_example_checks_clean, test_paths_are_shown_relative_to_the_working_directory,
          test_missing_source_file, test_bundle_inlines_every_resource,
          test_bundle_of_a_broken_catalog_fails])
