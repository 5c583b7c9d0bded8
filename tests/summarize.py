#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# tests/summarize.py: turns meson's testlog.json into one "N passed, M failed" line.
#
# doctest binaries report their case counts; e2e scripts print "e2e: N passed, M failed";
# any other test() counts as one case by its meson result. A test binary that crashed
# after printing counts still counts as one failure.
import json
import re
import sys

DOCTEST = re.compile(r"\[doctest\] test cases:\s*(\d+) \|\s*(\d+) passed \|\s*(\d+) failed \|\s*(\d+) skipped")
E2E = re.compile(r"^e2e: (\d+) passed, (\d+) failed$", re.M)

path = sys.argv[1] if len(sys.argv) > 1 else "build/meson-logs/testlog.json"
p = f = s = 0
for line in open(path):
    t = json.loads(line)
    out = t.get("stdout", "") or ""
    ok = t["result"] in ("OK", "EXPECTEDFAIL")
    m = DOCTEST.search(out)
    e = E2E.search(out)
    if m:
        p += int(m[2]); f += int(m[3]); s += int(m[4])
        if not ok and int(m[3]) == 0:
            f += 1
    elif e:
        p += int(e[1]); f += int(e[2])
        if not ok and int(e[2]) == 0:
            f += 1
    elif ok:
        p += 1
    elif t["result"] == "SKIP":
        s += 1
    else:
        f += 1
print(f"{p} passed, {f} failed" + (f", {s} skipped" if s else ""))
