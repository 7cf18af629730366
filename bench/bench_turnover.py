"""Benchmark of the hand-over with a turnover store, by order size.

For orders of 1, 10 and 100 lines: the median time and query count of handing a ready
Click & Collect order over (``_cc_transition('collected')``) for a web shop with a turnover
store (an inter-warehouse transfer store -> turnover store, then the delivery from the turnover
store) and without one, beside Odoo's plain validation of the same delivery.

Run with ``./run bench`` (a fresh database), or directly:
  python bench/bench_turnover.py -c ODOO_CONF -d DATABASE [--samples 5]
"""

import argparse
import statistics
import time

import report

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tests import new_test_user

SIZES = (1, 10, 100)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--samples", type=int, default=5)
    return parser.parse_args()


def measure(env, func, items):
    times, queries = [], []
    for item in items:
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        func(item)
        env.flush_all()
        times.append((time.perf_counter() - start) * 1000)
        queries.append(env.cr.sql_log_count - before)
    return statistics.median(times), statistics.median(queries)


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        env.company.stock_text_confirmation = False
        partner = env["res.partner"].create({"name": "Bench customer", "email": "bench@example.com"})
        store, turnover = env["stock.warehouse"].create([
            {"name": "Bench Hand-over Store", "code": "BHS", "cc_is_store": True},
            {"name": "Bench Turnover Store", "code": "BTS", "cc_is_store": True},
        ])
        shops = env["click_collect.web.shop"].create([
            {"name": "Bench shop", "code": "BSHOP"},
            {"name": "Bench turnover shop", "code": "BTURN", "turnover_store_id": turnover.id},
        ])
        products = env["product.product"].create([
            {"name": f"Bench hand-over product {i}", "type": "consu", "is_storable": True, "list_price": 5}
            for i in range(max(SIZES))
        ])
        for product in products:
            env["stock.quant"]._update_available_quantity(product, store.lot_stock_id, 10000)
        user = new_test_user(env, "bench_turnover", groups="click_collect.group_manager,sales_team.group_sale_manager",
                             cc_store_ids=[Command.set((store | turnover).ids)])
        uenv = env(user=user.id, su=False)

        def make(size, shop=None, web=True):
            vals = {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 1}) for p in products[:size]],
            }
            if web:
                vals.update({"cc_fulfilment": "pickup", "cc_store_id": store.id, "cc_payment_method": "pay_at_store",
                             "cc_web_shop_id": shop.id})
            else:
                vals["warehouse_id"] = store.id
            # the web shop's API creates web orders (flow fields are not for a store user)
            order = env["sale.order"].create(vals)
            order.action_confirm()
            if web:
                for target in ("accepted", "preparing", "ready"):
                    order._cc_transition(target)
                order._cc_register_payment(order.amount_total, f"TILL-{order.name}", method="pay_at_store")
            return order

        for size in SIZES:
            samples = {}
            for key, shop in (("turnover", shops[1]), ("no turnover", shops[0])):
                orders = [make(size, shop) for _ in range(args.samples + 1)]
                orders[0].with_env(uenv)._cc_transition("collected")  # warm-up
                samples[key] = measure(uenv, lambda o: o.with_env(uenv)._cc_transition("collected"), orders[1:])
            plain_orders = [make(size, web=False) for _ in range(args.samples + 1)]

            def validate(order):
                order.with_env(uenv).picking_ids.with_context(skip_sms=True, skip_backorder=True).button_validate()
            validate(plain_orders[0])
            samples["plain"] = measure(uenv, validate, plain_orders[1:])
            rows.append((size, samples))
        cr.rollback()

    print()
    print(f"click_collect hand-over benchmark: {args.samples} samples per size")
    print()
    print("| lines | hand-over, turnover store: ms | queries | hand-over, no turnover: ms | queries "
          "| Odoo plain `button_validate`: ms | queries |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, samples in rows:
        (t_ms, t_q), (n_ms, n_q), (p_ms, p_q) = samples["turnover"], samples["no turnover"], samples["plain"]
        print(f"| {size} | {t_ms:.0f} | {t_q:.0f} | {n_ms:.0f} | {n_q:.0f} | {p_ms:.0f} | {p_q:.0f} |")
        lines = f"{size} line{'s' if size > 1 else ''}"
        plain = ("picking.button_validate", p_ms, p_q)
        report.record("turnover", f"hand over, {lines}, turnover store", samples=args.samples,
                      ours=("_cc_transition(collected)", t_ms, t_q), plain=plain,
                      goal=report.ratio_goal("at most 2.2x the time and queries of Odoo's plain validation",
                                             (t_ms, t_q), (p_ms, p_q), at_most=2.2))
        report.record("turnover", f"hand over, {lines}, no turnover store", samples=args.samples,
                      ours=("_cc_transition(collected)", n_ms, n_q), plain=plain)


if __name__ == "__main__":
    main()
