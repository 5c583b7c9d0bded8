# SPDX-License-Identifier: Apache-2.0
# tests/e2e/cli_test.py: global CLI behaviour: version, help, usage errors and exit codes.
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, run  # noqa: E402


def test_version(flowctl, tmp):
    rc, out, err = run(flowctl, "--version")
    assert rc == 0, (rc, err)
    assert out.startswith("flowctl "), out
    assert out.strip().split()[1][0].isdigit(), out


def test_help_lists_only_registered_commands(flowctl, tmp):
    rc, out, err = run(flowctl, "--help")
    assert rc == 0, (rc, err)
    assert "--log.level" in out and "--log.format" in out, out
    man = open(os.path.join(os.path.dirname(__file__), "../../man/flowctl.1")).read()
    # Every subcommand shown by --help is documented in the man page.
    in_subcommands = False
    for line in out.splitlines():
        if line.startswith("Subcommands:"):
            in_subcommands = True
            continue
        if in_subcommands and line.strip():
            name = line.split()[0]
            assert name in man, f"{name} is not in man/flowctl.1"


def test_unknown_flag_is_a_one_line_usage_error(flowctl, tmp):
    rc, out, err = run(flowctl, "--bogus")
    assert rc == 2, (rc, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "--bogus" in lines[0] and lines[0].startswith("flowctl: error:"), err


def test_bad_log_level_is_a_usage_error(flowctl, tmp):
    rc, out, err = run(flowctl, "--log.level", "loud", "--version")
    # --version short-circuits parsing; the level is only checked for real runs.
    assert rc == 0, (rc, err)
    rc, out, err = run(flowctl, "--log.level", "loud")
    assert rc == 2, (rc, out, err)
    assert "unknown log level \"loud\"" in err, err


if __name__ == "__main__":
    main([test_version, test_help_lists_only_registered_commands,
          test_unknown_flag_is_a_one_line_usage_error, test_bad_log_level_is_a_usage_error])
