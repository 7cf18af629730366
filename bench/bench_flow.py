"""Benchmark of the Click & Collect flow at a realistic size.

Fills a database with web orders (10,000 by default), then measures, per operation, the median
wall-clock time and the SQL query count, beside Odoo's plain way of doing the same work:

  scan lookup   sale.order._cc_lookup (number or barcode)  vs  search([('name', '=', number)])
  accept        _cc_transition('accepted')                 vs  action_confirm()
  hand over     _cc_transition('collected')                vs  validating the delivery picking

Run it with ``./run bench`` (a fresh database), or directly:
  python bench/bench_flow.py -c ODOO_CONF -d DATABASE [--orders 10000] [--samples 40]
Times vary between runs on a shared machine; query counts do not.
"""

import argparse
import statistics
import sys
import time

import report

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tests import new_test_user


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--batch", type=int, default=250)
    return parser.parse_args()


class Bench:
    def __init__(self, registry, samples):
        self.registry = registry
        self.samples = samples
        self.rows = []

    def measure(self, env, label, func, items):
        """Run func(item) for each item in its own savepoint-free step; time and count queries."""
        times, queries = [], []
        for item in items:
            env.invalidate_all()
            before = env.cr.sql_log_count
            start = time.perf_counter()
            func(item)
            env.flush_all()
            times.append((time.perf_counter() - start) * 1000)
            queries.append(env.cr.sql_log_count - before)
        return {"label": label, "median_ms": statistics.median(times), "queries": statistics.median(queries),
                "max_queries": max(queries)}

    def row(self, name, ours, plain):
        self.rows.append((name, ours, plain))


def setup_data(env, count, batch):
    Quant = env["stock.quant"]
    company = env.company
    company.stock_text_confirmation = False
    partner = env["res.partner"].create({"name": "Bench Store", "city": "Brussels"})
    store = env["stock.warehouse"].search([("code", "=", "BNCH")]) or env["stock.warehouse"].create(
        {"name": "Bench Store", "code": "BNCH", "partner_id": partner.id, "cc_is_store": True})
    products = env["product.product"].create([
        {"name": f"Bench product {i}", "type": "consu", "is_storable": True, "list_price": 10 + i,
         "barcode": f"29{i:011d}"} for i in range(5)
    ])
    for product in products:
        Quant._update_available_quantity(product, store.lot_stock_id, count * 3)
    customers = env["res.partner"].create([
        {"name": f"Bench customer {i}", "email": f"c{i}@example.com"} for i in range(50)
    ])
    user = new_test_user(env, "bench_manager", groups="click_collect.group_manager,sales_team.group_sale_manager",
                         cc_store_ids=[Command.set(store.ids)])
    env.cr.commit()
    created = 0
    start = time.perf_counter()
    while created < count:
        size = min(batch, count - created)
        orders = env["sale.order"].create([
            {
                "partner_id": customers[(created + i) % 50].id,
                "cc_fulfilment": "pickup",
                "cc_store_id": store.id,
                "cc_payment_method": "pay_at_store",
                "order_line": [Command.create({"product_id": products[(created + i) % 5].id, "product_uom_qty": 1})],
            }
            for i in range(size)
        ])
        orders.action_confirm()
        env.cr.commit()
        env.invalidate_all()
        created += size
        elapsed = time.perf_counter() - start
        print(f"\r  {created}/{count} web orders ({elapsed:.0f} s)", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return store, products, customers, user


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    bench = Bench(registry, args.samples)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        print(f"Filling {args.database} with {args.orders} web orders...", file=sys.stderr)
        store, products, customers, user = setup_data(env, args.orders, args.batch)

        uenv = env(user=user.id, su=False)
        Order = uenv["sale.order"]
        n = args.samples
        pool = Order.search([("cc_store_id", "=", store.id), ("cc_state", "=", "new")], limit=4 * n, order="id desc")
        names = pool.mapped("name")

        # scan lookup
        ours = bench.measure(uenv, "_cc_lookup", lambda name: Order._cc_lookup(name, store=store), names[:n])
        plain = bench.measure(uenv, "search name", lambda name: Order.search([("name", "=", name)]), names[:n])
        bench.row("scan lookup", ours, plain)

        # accept vs action_confirm
        to_accept = pool[:n]
        ours = bench.measure(uenv, "_cc_transition(accepted)", lambda o: o._cc_transition("accepted"), to_accept)
        drafts = Order.create([
            {"partner_id": customers[i % 50].id,
             "order_line": [Command.create({"product_id": products[i % 5].id, "product_uom_qty": 1})]}
            for i in range(n)
        ])
        cr.commit()
        plain = bench.measure(uenv, "action_confirm", lambda o: o.action_confirm(), drafts)
        bench.row("accept", ours, plain)
        cr.commit()

        # hand over vs validating the picking
        to_hand = pool[n:2 * n]
        for order in to_hand:
            order._cc_transition("accepted")
            order._cc_transition("preparing")
            order._cc_transition("ready")
            order._cc_register_payment(order.amount_total, f"TILL-{order.name}", method="pay_at_store")
        cr.commit()
        ours = bench.measure(uenv, "_cc_transition(collected)", lambda o: o._cc_transition("collected"), to_hand)
        pickings = pool[2 * n:3 * n].picking_ids
        plain = bench.measure(
            uenv, "picking.button_validate",
            lambda p: p.with_context(skip_sms=True, skip_backorder=True).button_validate(), pickings,
        )
        bench.row("hand over", ours, plain)
        cr.rollback()

    total = registry.cursor()
    with total as cr:
        cr.execute("SELECT count(*) FROM sale_order WHERE cc_fulfilment IS NOT NULL")
        web_orders = cr.fetchone()[0]
    print()
    print(f"click_collect benchmark: {web_orders} web orders in the database, {args.samples} samples per operation")
    print()
    print("| operation | click_collect | median ms | queries | Odoo plain | median ms | queries | time ratio |")
    print("|---|---|---:|---:|---|---:|---:|---:|")
    for name, ours, plain in bench.rows:
        ratio = ours["median_ms"] / plain["median_ms"] if plain["median_ms"] else float("nan")
        print(f"| {name} | `{ours['label']}` | {ours['median_ms']:.1f} | {ours['queries']:.0f} | "
              f"`{plain['label']}` | {plain['median_ms']:.1f} | {plain['queries']:.0f} | {ratio:.2f} |")
        report.record("flow", name, samples=args.samples, note=f"{web_orders} web orders",
                      ours=(ours["label"], ours["median_ms"], ours["queries"]),
                      plain=(plain["label"], plain["median_ms"], plain["queries"]))


if __name__ == "__main__":
    main()
