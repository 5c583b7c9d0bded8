# SPDX-License-Identifier: Apache-2.0
# tests/e2e/preview_test.py: `flowctl preview`: a SQLite derivation over fixture
# transactions (combined outputs in key order per transaction, state across
# transactions, partition selectors) or over a data directory written by `flowctl
# ingest`; choosing the derivation, and errors.
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from harness import main, run  # noqa: E402

CATALOG = """
collections:
  shop/orders:
    key: [/id]
    schema:
      type: object
      required: [id, customer, amount, region]
      properties:
        id: { type: integer }
        customer: { type: string }
        amount: { type: number, minimum: 0 }
        region: { type: string }
    projections:
      region: { location: /region, partition: true }
  shop/refunds:
    key: [/id]
    schema:
      type: object
      required: [id, customer, amount]
      properties:
        id: { type: integer }
        customer: { type: string }
        amount: { type: number }
  shop/customers:
    key: [/customer]
    schema:
      type: object
      reduce: { strategy: merge }
      required: [customer]
      properties:
        customer: { type: string }
        orders: { type: integer }
        spent: { type: number, reduce: { strategy: sum } }
    derive:
      using:
        sqlite:
          migrations:
            - CREATE TABLE counts (customer TEXT PRIMARY KEY, n INTEGER NOT NULL);
      transforms:
        - name: fromOrders
          source:
            name: shop/orders
            partitions: { include: { region: [eu] } }
          shuffle: { key: [/customer] }
          lambda: |
            INSERT INTO counts (customer, n) VALUES ($customer, 1)
              ON CONFLICT (customer) DO UPDATE SET n = n + 1
              RETURNING customer, n AS orders, $amount AS spent;
        - name: fromRefunds
          source: shop/refunds
          shuffle: { key: [/customer] }
          lambda: SELECT $customer, -$amount AS spent;
  shop/big:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: integer } } }
    derive:
      using: { sqlite: {} }
      transforms:
        - name: big
          source: shop/orders
          shuffle: any
          lambda: SELECT $id, $flow_published_at AS at WHERE $amount > 100;
  shop/checked:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: integer } } }
    derive:
      using: { sqlite: {} }
      transforms:
        - name: strict
          source: shop/orders
          shuffle: any
          lambda: SELECT $id, 1 / 0 AS z, JSON('[') AS bad;
  shop/ts:
    key: [/id]
    schema: { type: object, required: [id], properties: { id: { type: integer } } }
    derive:
      using: { typescript: { module: "export class Derivation {}" } }
      transforms:
        - { name: t, source: shop/orders, shuffle: any }
"""

ONE = """
collections:
  a/in:
    key: [/k]
    schema: { type: object, required: [k], properties: { k: { type: string } } }
  a/out:
    key: [/k]
    schema: { type: object, required: [k], properties: { k: { type: string }, up: { type: string } } }
    derive:
      using: { sqlite: {} }
      transforms:
        - { name: up, source: a/in, shuffle: any, lambda: "SELECT $k, UPPER($k) AS up;" }
"""


def order(i, customer, amount, region="eu"):
    return ["shop/orders", {"id": i, "customer": customer, "amount": amount, "region": region}]


FIXTURE = [
    [order(1, "zoe", 10), order(2, "ann", 5), order(3, "zoe", 2.5), order(4, "ann", 99, "us"),
     ["shop/refunds", {"id": 1, "customer": "zoe", "amount": 1}]],
    [],
    [order(5, "zoe", 200), ["shop/refunds", {"id": 2, "customer": "bob", "amount": 3}]],
]


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def preview(flowctl, tmp, fixture, *args, catalog=CATALOG):
    src = write(tmp, "flow.yaml", catalog)
    fx = write(tmp, "fixture.json", fixture if isinstance(fixture, str) else json.dumps(fixture))
    return run(flowctl, "preview", "--source", src, "--fixture", fx, *args)


def test_outputs_per_transaction_in_key_order(flowctl, tmp):
    rc, out, err = preview(flowctl, tmp, FIXTURE, "--name", "shop/customers")
    assert rc == 0, (rc, err)
    # Transaction 0: zoe's two orders and refund combine (spent summed, orders last
    # written); ann's "us" order is outside the transform's partition selector.
    # Transaction 2 continues the SQLite counts committed by transaction 0.
    assert [json.loads(line) for line in out.splitlines()] == [
        {"customer": "ann", "orders": 1, "spent": 5},
        {"customer": "zoe", "orders": 2, "spent": 11.5},
        {"customer": "bob", "spent": -3},
        {"customer": "zoe", "orders": 3, "spent": 200},
    ], out
    # Canonical compact JSON, one document per line.
    assert out.splitlines()[0] == '{"customer":"ann","orders":1,"spent":5}'


def test_synthetic_publish_times(flowctl, tmp):
    rc, out, err = preview(flowctl, tmp, FIXTURE, "--name", "shop/big")
    assert rc == 0, (rc, err)
    # flow_published_at is Unix second 3600 * transaction + position, as in Flow.
    assert out == '{"at":"1970-01-01T02:00:00Z","id":5}\n', out


def test_only_derivation_needs_no_name(flowctl, tmp):
    rc, out, err = preview(flowctl, tmp, [[["a/in", {"k": "x"}], ["a/in", {"k": "b"}]]],
                           catalog=ONE)
    assert rc == 0, (rc, err)
    assert out == '{"k":"b","up":"B"}\n{"k":"x","up":"X"}\n', out


def test_choosing_the_derivation_errors(flowctl, tmp):
    rc, out, err = preview(flowctl, tmp, [], "--name", "shop/nope")
    assert rc == 2 and out == "", (rc, out)
    assert err == ("flowctl: error: no collection named shop/nope in the catalog; its derivations: "
                   "shop/big, shop/checked, shop/customers, shop/ts\n"), err
    rc, out, err = preview(flowctl, tmp, [], "--name", "shop/orders")
    assert rc == 2 and "shop/orders is not a derivation" in err, (rc, err)
    rc, out, err = preview(flowctl, tmp, [], "--name", "shop/ts")
    assert rc == 2 and "uses `typescript`, which flowctl cannot run locally" in err, (rc, err)
    rc, out, err = preview(flowctl, tmp, [])
    assert rc == 2 and "several derivations; choose one with --name" in err, (rc, err)


def test_fixture_errors(flowctl, tmp):
    bad = [[order(1, "zoe", 10)], [order(2, "ann", 1), order(3, "ann", -4)]]
    rc, out, err = preview(flowctl, tmp, bad, "--name", "shop/customers")
    assert rc == 1, (rc, err)
    # The first transaction's output was printed before the failure.
    assert out == '{"customer":"zoe","orders":1,"spent":10}\n', out
    assert err == ("flowctl: error: fixture transaction 1, document 1: document failed validation "
                   "against the read schema of shop/orders: \"/amount\": -4 is less than the "
                   "minimum of 0\n"), err
    rc, out, err = preview(flowctl, tmp, '[[["shop/orders", {"id": 1}]]', "--name", "shop/customers")
    assert rc == 1 and "fixture is not a JSON array of transactions" in err, (rc, err)
    rc, out, err = preview(flowctl, tmp, [[["shop/order", {"id": 1}]]], "--name", "shop/customers")
    assert rc == 1 and "fixture transaction 0, document 0: no collection named shop/order" in err, err
    rc, out, err = run(flowctl, "preview", "--source", os.path.join(tmp, "flow.yaml"), "--fixture",
                       os.path.join(tmp, "missing.json"), "--name", "shop/big")
    assert rc == 1 and "reading fixture" in err and "missing.json" in err, (rc, err)


def test_lambda_error(flowctl, tmp):
    rc, out, err = preview(flowctl, tmp, [[order(7, "zoe", 1)]], "--name", "shop/checked")
    assert rc == 1, (rc, err)
    assert err.startswith("flowctl: error: failed to invoke transform \"strict\" lambda statement "
                          "at offset 0: "), err
    assert '"customer": "zoe"' in err, err


def ingest(flowctl, tmp, collection, docs):
    rc, out, err = run(flowctl, "ingest", "--source", os.path.join(tmp, "flow.yaml"), "--collection",
                       collection, "--directory", os.path.join(tmp, "data"),
                       stdin="".join(json.dumps(d) + "\n" for d in docs))
    assert rc == 0, (rc, err)


def test_directory_mode(flowctl, tmp):
    write(tmp, "flow.yaml", CATALOG)
    ingest(flowctl, tmp, "shop/orders", [order(1, "zoe", 10)[1], order(2, "ann", 4)[1]])
    ingest(flowctl, tmp, "shop/refunds", [{"id": 1, "customer": "zoe", "amount": 1}])
    ingest(flowctl, tmp, "shop/orders", [order(3, "zoe", 5)[1], order(4, "zoe", 50, "us")[1]])
    rc, out, err = run(flowctl, "preview", "--source", os.path.join(tmp, "flow.yaml"), "--name",
                       "shop/customers", "--directory", os.path.join(tmp, "data"))
    assert rc == 0, (rc, err)
    # The current documents of both sources as one transaction: zoe's two "eu" orders
    # counted in publish order, her refund summed in.
    assert out == ('{"customer":"ann","orders":1,"spent":4}\n'
                   '{"customer":"zoe","orders":2,"spent":14}\n'), out
    rc, out, err = run(flowctl, "preview", "--source", os.path.join(tmp, "flow.yaml"), "--name",
                       "shop/customers", "--directory", os.path.join(tmp, "nope"))
    assert rc == 1 and "nope does not exist" in err, (rc, err)
    rc, out, err = run(flowctl, "preview", "--source", os.path.join(tmp, "flow.yaml"), "--name",
                       "shop/customers", "--directory", os.path.join(tmp, "data"), "--fixture", "f")
    assert rc == 2 and "--fixture excludes --directory" in err, (rc, err)


def test_closed_stdout_is_quiet(flowctl, tmp):
    src = write(tmp, "flow.yaml", ONE)
    fx = write(tmp, "fixture.json", json.dumps([[["a/in", {"k": "k%d" % i}] for i in range(20000)]]))
    p = subprocess.run(f"'{flowctl}' preview --source '{src}' --fixture '{fx}' | head -n 1",
                       shell=True, capture_output=True, text=True, timeout=60)
    assert p.stdout == '{"k":"k0","up":"K0"}\n' and p.stderr == "", (p.stdout, p.stderr)


def test_catalog_errors(flowctl, tmp):
    rc, out, err = preview(flowctl, tmp, [], "--name", "x", catalog="collections: {a: 1}\n")
    assert rc == 2 and "catalog build failed" in err, (rc, err)


if __name__ == "__main__":
    main([
        test_outputs_per_transaction_in_key_order,
        test_synthetic_publish_times,
        test_only_derivation_needs_no_name,
        test_choosing_the_derivation_errors,
        test_fixture_errors,
        test_lambda_error,
        test_directory_mode,
        test_closed_stdout_is_quiet,
        test_catalog_errors,
    ])
