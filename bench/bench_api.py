"""Benchmark of the web-shop API: orders created per second over HTTP, and SQL queries per order.

Starts a real Odoo server on the database, then creates orders of 1, 10 and 50 lines:

  click_collect   POST /api/click_collect/v1/orders (lines by variant id and EAN; the order is
                  confirmed and enters the flow), one request per order, plus its share of the
                  scheduled job that reserves the goods afterwards
  Odoo plain      JSON-2 API: POST /json/2/sale.order/create, then .../action_confirm,
                  two requests per order

and prints, per size, the orders per second (sequential requests from one client, the two ways'
orders in turn, so that both meet the same load of the machine) and the median SQL queries per
order, read from the server's own request log (the query count Odoo logs for
every HTTP request). Times vary between runs on a shared machine; query counts do not.

Run it with ``./run bench`` (after the flow benchmark, on its database), or directly:
  python bench/bench_api.py -c ODOO_CONF -d DATABASE [--orders 20]
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import report
import requests

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tests import new_test_user

SIZES = (1, 10, 50)
API = "/api/click_collect/v1"
LOG_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d+) - (?P<queries>\d+) ')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--orders", type=int, default=20, help="orders created per size and per way")
    return parser.parse_args()


def setup_data(env):
    """A store with stock, 50 products with EANs, a web shop with its technical user, API keys."""
    company = env.company
    company.stock_text_confirmation = False
    store = env["stock.warehouse"].search([("code", "=", "BAPI")])
    if not store:
        partner = env["res.partner"].create({"name": "Bench API Store", "city": "Brussels"})
        store = env["stock.warehouse"].create({"name": "Bench API Store", "code": "BAPI", "partner_id": partner.id,
                                               "cc_is_store": True})
    products = env["product.product"].search([("default_code", "=like", "BAPI-%")], order="id")
    if len(products) < max(SIZES):
        products = env["product.product"].create([
            {"name": f"Bench API product {i}", "default_code": f"BAPI-{i:03d}", "type": "consu",
             "is_storable": True, "list_price": 5 + i, "barcode": f"2990001{i:05d}0"}
            for i in range(max(SIZES))
        ])
    for product in products:
        env["stock.quant"]._update_available_quantity(product, store.lot_stock_id, 100000)
    user = env["res.users"].search([("login", "=", "bench_webshop_api")]) or new_test_user(
        env, "bench_webshop_api", groups="click_collect_api.group_web_shop_api")
    if not env["click_collect.web.shop"].search([("code", "=", "BAPI")]):
        env["click_collect.web.shop"].create({
            "name": "Bench API Shop", "code": "BAPI", "user_id": user.id, "default_store_id": store.id,
        })
    shop_key = env["res.users.apikeys"].with_user(user).sudo()._generate(None, "bench", None)
    admin = env.ref("base.user_admin")
    admin_key = env["res.users.apikeys"].with_user(admin).sudo()._generate(None, "bench", None)
    customer = env["res.partner"].create({"name": "Bench API Customer", "email": "bench.api@example.com"})
    env.cr.commit()
    return {"store": store.code, "products": [(p.id, p.barcode) for p in products], "shop_key": shop_key,
            "admin_key": admin_key, "customer_id": customer.id, "warehouse_id": store.id}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, log_path, extra=()):
    port = free_port()
    odoo_bin = os.path.join(os.path.dirname(odoo.tools.config.root_path), "odoo-bin")
    proc = subprocess.Popen(
        [sys.executable, odoo_bin, "-c", args.config, "-d", args.database,
         f"--db-filter=^{args.database}$", f"--http-port={port}", "--http-interface=127.0.0.1",
         "--max-cron-threads=0", "--log-level=warn", "--log-handler=werkzeug:INFO", f"--logfile={log_path}", *extra],
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the Odoo server stopped; see {log_path}")
        try:
            if requests.get(url + "/web/health", timeout=2).status_code == 200:
                return proc, url
        except requests.RequestException:
            pass
        time.sleep(0.5)
    proc.kill()
    sys.exit(f"the Odoo server did not answer in time; see {log_path}")


class Way:
    """One way of creating orders: timed from the client, queries read from the server's log."""

    def __init__(self, url, key, log_path):
        self.url = url
        self.log_path = log_path
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {key}", "Content-Type": "application/json"})

    def post(self, path, body):
        response = self.session.post(self.url + path, json=body, timeout=300)
        if response.status_code >= 300:
            sys.exit(f"{path} answered {response.status_code}: {response.text[:500]}")
        return response.json()

    def log_offset(self):
        return os.path.getsize(self.log_path)

    def queries_since(self, offset, expected_requests):
        return queries_logged(self.log_path, offset, expected_requests, (API, "/json/2/"))


def queries_logged(log_path, offset, expected_requests, paths):
    """Queries of the requests to ``paths`` (prefixes) that the server logged in ``log_path``
    since ``offset`` (waits for the log lines of ``expected_requests`` requests)."""
    deadline = time.time() + 10
    while True:
        with open(log_path, encoding="utf-8", errors="replace") as log:
            log.seek(offset)
            counts = [int(m["queries"]) for m in LOG_LINE.finditer(log.read()) if m["path"].startswith(paths)]
        if len(counts) >= expected_requests or time.time() > deadline:
            return sum(counts)
        time.sleep(0.05)


def ours(way, data, size, ref):
    lines = [{"variant_id": pid, "qty": 1} if i % 2 == 0 else {"ean": ean, "qty": 1}
             for i, (pid, ean) in enumerate(data["products"][:size])]
    way.post(f"{API}/orders", {
        "external_ref": ref, "fulfilment": "pickup", "store": data["store"],
        "customer": {"name": "Bench API Customer", "email": "bench.api@example.com"},
        "payment": {"method": "pay_at_store"}, "lines": lines,
    })
    return 1


def plain(way, data, size, ref):
    ids = way.post("/json/2/sale.order/create", {"vals_list": [{
        "partner_id": data["customer_id"], "client_order_ref": ref, "warehouse_id": data["warehouse_id"],
        "order_line": [Command.create({"product_id": pid, "product_uom_qty": 1})
                       for pid, _ean in data["products"][:size]],
    }]})
    way.post("/json/2/sale.order/action_confirm", {"ids": ids})
    return 2


def measure(sides, data, size, *, count):
    """Orders per second, median time and queries of each side: sides are (way, func, tag).
    The sides' orders alternate (ours, plain, ours, ...) so that both meet the same load of the
    machine."""
    for way, func, tag in sides:
        for i in range(3):  # warm the server's caches
            func(way, data, size, f"{tag}-warm-{size}-{i}-{time.time_ns()}")
    times, queries = [[] for _side in sides], [[] for _side in sides]
    for i in range(count):
        for side, (way, func, tag) in enumerate(sides):
            offset = way.log_offset()
            start = time.perf_counter()
            requests_made = func(way, data, size, f"{tag}-{size}-{i}-{time.time_ns()}")
            times[side].append(time.perf_counter() - start)
            queries[side].append(way.queries_since(offset, requests_made))
    return [{"per_second": count / sum(t), "median_ms": statistics.median(t) * 1000, "queries": statistics.median(q)}
            for t, q in zip(times, queries, strict=True)]


def with_reservation_job(args, result):
    """Add to the API's figures its reservation job's share: orders are confirmed without
    reserving and the scheduled job reserves them (Odoo's plain confirmation reserves at once).
    The job runs here, over every order the API just created, timed and counted per order."""
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        Order = env["sale.order"]
        pending = Order.search_count([("cc_reservation_pending", "=", True), ("state", "=", "sale")])
        queries, start = cr.sql_log_count, time.perf_counter()
        Order._cc_cron_reserve()
        cr.flush()
        seconds, queries = time.perf_counter() - start, cr.sql_log_count - queries
        cr.commit()
    if not pending:
        return result
    per_order_ms = seconds * 1000 / pending
    return {"per_second": 1000 / (1000 / result["per_second"] + per_order_ms),
            "median_ms": result["median_ms"] + per_order_ms,
            "queries": result["queries"] + queries / pending,
            "job_ms": per_order_ms, "job_queries": queries / pending}


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        data = setup_data(env)
    log_dir = tempfile.mkdtemp(prefix="bench-api-")
    log_path = os.path.join(log_dir, "server.log")
    proc, url = start_server(args, log_path)
    try:
        rows = []
        for size in SIZES:
            print(f"  {size} line(s)...", file=sys.stderr, flush=True)
            api_way = Way(url, data["shop_key"], log_path)
            plain_way = Way(url, data["admin_key"], log_path)
            mine, theirs = measure([(api_way, ours, "api"), (plain_way, plain, "plain")], data, size,
                                   count=args.orders)
            rows.append((size, with_reservation_job(args, mine), theirs))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print()
    print(f"Orders created over HTTP, {args.orders} per size and way, one client, sequential requests; "
          "the API's figures include its reservation job's share per order (run after the requests):")
    print()
    print("| lines | click_collect API orders/s | median ms | queries/order "
          "| Odoo JSON-2 create + action_confirm orders/s | median ms | queries/order |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, mine, theirs in rows:
        print(f"| {size} | {mine['per_second']:.1f} | {mine['median_ms']:.0f} | {mine['queries']:.0f} "
              f"| {theirs['per_second']:.1f} | {theirs['median_ms']:.0f} | {theirs['queries']:.0f} |")
        if "job_queries" in mine:
            print(f"|   | of which the reservation job: {mine['job_ms']:.1f} ms, "
                  f"{mine['job_queries']:.0f} queries | | | | | |")
        report.record("api", f"create an order of {size} line{'s' if size > 1 else ''} over HTTP",
                      samples=args.orders, ours=("POST /orders", mine["median_ms"], mine["queries"]),
                      plain=("JSON-2 create + action_confirm", theirs["median_ms"], theirs["queries"]),
                      goal=report.ratio_goal(
                          "at least 1.3x the orders per second of JSON-2 create + confirm, with fewer queries",
                          (mine["median_ms"], mine["queries"]), (theirs["median_ms"], theirs["queries"]),
                          at_least_faster=1.3))


if __name__ == "__main__":
    main()
