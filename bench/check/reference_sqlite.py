#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# bench/check/reference_sqlite.py: the SQLite half of `flowctl check`, done by Python's sqlite3.
#
# usage: reference_sqlite.py DIR   (uses DIR/catalog.json from gen_catalog.py)
# For every derivation: a fresh :memory: database, its migrations run, and every lambda
# statement prepared (as EXPLAIN, which compiles without executing). Statements are
# split with sqlite3.complete_statement like Flow does. Prints one report line.
import json
import os
import re
import sqlite3
import sys
import time


def split(block):
    out, begin = [], 0
    for i, c in enumerate(block):
        if c == ";" and sqlite3.complete_statement(block[begin:i + 1]):
            if block[begin:i + 1].strip() != ";":
                out.append(block[begin:i + 1])
            begin = i + 1
    return out


def main():
    t0 = time.perf_counter()
    cat = json.load(open(os.path.join(sys.argv[1], "catalog.json")))
    derivations = statements = 0
    for c in cat["collections"].values():
        d = c.get("derive")
        if not d:
            continue
        derivations += 1
        db = sqlite3.connect(":memory:")
        for m in d["using"]["sqlite"].get("migrations", []):
            for s in split(m):
                db.execute(s)
        for t in d["transforms"]:
            for s in split(t["lambda"]):
                # Bind every $parameter to NULL: EXPLAIN compiles without running.
                params = {m[1:]: None for m in re.findall(r"\$[A-Za-z0-9_$]+", s)}
                db.execute("EXPLAIN " + s, params)
                statements += 1
        db.close()
    dt = time.perf_counter() - t0
    print(f"sqlite_py_migrate_prepare derivations={derivations} statements={statements} seconds={dt:.3f}")


main()
