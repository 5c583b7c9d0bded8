# SPDX-License-Identifier: Apache-2.0
# tests/e2e/harness.py: a tiny runner for end-to-end tests of the real flowctl binary.
#
# Each test is a function taking the flowctl path. The runner prints one line per case
# and a closing "e2e: N passed, M failed" line that tests/summarize.py counts.
import os
import subprocess
import sys
import tempfile
import traceback


def run(flowctl, *args, stdin=None, cwd=None, env=None, timeout=60):
    """Runs flowctl with args; returns (rc, stdout, stderr) as text."""
    e = dict(os.environ)
    e.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    if env:
        e.update(env)
    p = subprocess.run([flowctl, *args], input=stdin, capture_output=True, text=True,
                       cwd=cwd, env=e, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def main(tests):
    flowctl = os.path.abspath(sys.argv[1])
    only = sys.argv[2:]
    passed = failed = 0
    for t in tests:
        if only and t.__name__ not in only:
            continue
        with tempfile.TemporaryDirectory(prefix="flowctl-e2e-") as tmp:
            try:
                t(flowctl, tmp)
                passed += 1
                print(f"PASS {t.__name__}")
            except Exception:  # noqa: BLE001 - report every failure and go on
                failed += 1
                print(f"FAIL {t.__name__}")
                traceback.print_exc(file=sys.stdout)
    print(f"e2e: {passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)
