# SPDX-License-Identifier: Apache-2.0
# tests/e2e/completion_test.py: completions/flowctl.bash completes flags, values and commands.
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, run  # noqa: E402

SCRIPT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../completions/flowctl.bash"))


def complete(flowctl, *words, cwd=None):
    """Returns COMPREPLY for the command line `flowctl words...` (the last word is the
    one being completed), with the flowctl under test first on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(flowctl) + os.pathsep + env.get("PATH", "")
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    prog = ('source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
            '_flowctl; printf "%s\\n" "${COMPREPLY[@]}"')
    p = subprocess.run(["bash", "-c", prog, SCRIPT, "flowctl", *words], capture_output=True,
                       text=True, cwd=cwd, env=env, timeout=60)
    assert p.returncode == 0, (p.returncode, p.stderr)
    return [w for w in p.stdout.splitlines() if w]


def test_top_level_flags(flowctl, tmp):
    got = complete(flowctl, "--lo")
    assert "--log.level" in got and "--log.format" in got, got
    assert "--version" in complete(flowctl, "--"), got


def test_log_values(flowctl, tmp):
    assert complete(flowctl, "--log.format", "") == ["text", "json"]
    assert complete(flowctl, "--log.level", "") == ["trace", "debug", "info", "warn", "error",
                                                     "off"]
    assert complete(flowctl, "--log.level", "=", "d") == ["debug"]  # --log.level=d


def test_subcommands_come_from_help(flowctl, tmp):
    rc, out, err = run(flowctl, "--help")
    assert rc == 0, (rc, err)
    subs, on = [], False
    for line in out.splitlines():
        if line.startswith("Subcommands:"):
            on = True
        elif on and line and not line[0].isspace():
            on = False
        elif on and line.strip():
            subs.append(line.split()[0])
    got = complete(flowctl, "", cwd=tmp)
    for s in subs:
        assert s in got, (s, got)
    # An option's value is not mistaken for a subcommand.
    assert complete(flowctl, "--log.level", "debug", "", cwd=tmp) == got


def test_file_values(flowctl, tmp):
    open(os.path.join(tmp, "catalog.flow.yaml"), "w").close()
    os.mkdir(os.path.join(tmp, "fixtures"))
    assert complete(flowctl, "--source", "cat", cwd=tmp) == ["catalog.flow.yaml"]
    assert complete(flowctl, "--fixture", "fix", cwd=tmp) == ["fixtures"]
    assert complete(flowctl, "--directory", "", cwd=tmp) == ["fixtures"]


if __name__ == "__main__":
    main([test_top_level_flags, test_log_values, test_subcommands_come_from_help,
          test_file_values])
