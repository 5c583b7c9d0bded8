#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# bench/combine/compare.py: checks that flowctl's and DuckDB's reductions agree: the
# same bike_ids, and per bike the same sums, maximum and merged stations map. flowctl's
# output must also be in ascending bike_id order. Prints one summary line; exit 1 on a
# mismatch.
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def norm(d):
    return (d["rides"], d["total_s"], d["last_seen"], {str(k): int(v) for k, v in d["stations"].items()})


flow, duck = load(sys.argv[1]), load(sys.argv[2])
ids = [d["bike_id"] for d in flow]
if ids != sorted(ids) or len(set(ids)) != len(ids):
    sys.exit("flowctl output is not in strictly ascending key order")
by_id = {d["bike_id"]: norm(d) for d in duck}
if len(by_id) != len(flow):
    sys.exit(f"key counts differ: flowctl {len(flow)}, duckdb {len(by_id)}")
for d in flow:
    if by_id.get(d["bike_id"]) != norm(d):
        sys.exit(f"bike {d['bike_id']} differs: flowctl {norm(d)} duckdb {by_id.get(d['bike_id'])}")
print(f"outputs agree: {len(flow)} keys, {sum(d['rides'] for d in flow)} rides")
