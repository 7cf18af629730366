"""Benchmark of receiving a return, by order size.

For collected Click & Collect orders of 1 and 10 lines: the median time and query count of a
store clerk receiving every line back at the store that handed it over
(``sale.order._cc_receive_return``: checks, Odoo's return of the delivery, the return record, the
timeline, the refund asked of the back office, the customer's message queued), beside Odoo's
plain return of the same delivery (``stock.return.picking`` then ``button_validate``).

Run with ``./run bench`` (a fresh database), or directly:
  python bench/bench_returns.py -c ODOO_CONF -d DATABASE [--samples 5]
"""

import argparse

import report
from bench_turnover import measure

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tests import new_test_user

SIZES = (1, 10)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--samples", type=int, default=5)
    return parser.parse_args()


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        env.company.stock_text_confirmation = False
        partner = env["res.partner"].create({"name": "Bench returning customer", "email": "bench-ret@example.com"})
        store = env["stock.warehouse"].create({"name": "Bench Return Store", "code": "BRS", "cc_is_store": True})
        products = env["product.product"].create([
            {"name": f"Bench return product {i}", "type": "consu", "is_storable": True, "list_price": 5}
            for i in range(max(SIZES))
        ])
        for product in products:
            env["stock.quant"]._update_available_quantity(product, store.lot_stock_id, 10000)
        clerk = new_test_user(env, "bench_returns", groups="click_collect.group_store_user,stock.group_stock_user",
                              cc_store_ids=[Command.set(store.ids)])
        uenv = env(user=clerk.id, su=False)
        reason = env.ref("click_collect.return_reason_size")

        def make(size, web=True):
            vals = {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": p.id, "product_uom_qty": 1}) for p in products[:size]],
            }
            if web:
                vals.update({"cc_fulfilment": "pickup", "cc_store_id": store.id, "cc_payment_method": "pay_at_store"})
            else:
                vals["warehouse_id"] = store.id
            order = env["sale.order"].create(vals)
            order.action_confirm()
            if web:
                for target in ("accepted", "preparing", "ready"):
                    order._cc_transition(target)
                order._cc_register_payment(order.amount_total, f"TILL-{order.name}", method="pay_at_store")
                order._cc_transition("collected")
            else:
                order.picking_ids.with_context(skip_sms=True, skip_backorder=True).button_validate()
            return order

        def receive(order):
            lines = [{"sale_line_id": line.id, "quantity": 1, "condition": "sellable"} for line in order.order_line]
            order.with_env(uenv)._cc_receive_return(store, lines, reason=reason)

        def plain_return(order):
            delivery = order.picking_ids.with_env(uenv)
            wizard = uenv["stock.return.picking"].with_context(active_id=delivery.id, active_model="stock.picking") \
                .create({"picking_id": delivery.id})
            for line in wizard.product_return_moves:
                line.write({"quantity": line.move_id.quantity, "to_refund": True})
            returned = wizard._create_return()
            returned.move_ids.picked = True
            returned.with_context(skip_sms=True, skip_backorder=True).button_validate()

        for size in SIZES:
            samples = {}
            for key, web, func in (("ours", True, receive), ("plain", False, plain_return)):
                orders = [make(size, web) for _ in range(args.samples + 1)]
                func(orders[0])  # warm-up
                samples[key] = measure(uenv, func, orders[1:])
            rows.append((size, samples))
        cr.rollback()
    report_rows(rows, args.samples)


def report_rows(rows, samples_count):
    print()
    print(f"click_collect return benchmark: {samples_count} samples per size")
    print()
    print("| lines | receive a return: ms | queries | Odoo plain return of the delivery: ms | queries |")
    print("|---:|---:|---:|---:|---:|")
    for size, samples in rows:
        (o_ms, o_q), (p_ms, p_q) = samples["ours"], samples["plain"]
        print(f"| {size} | {o_ms:.0f} | {o_q:.0f} | {p_ms:.0f} | {p_q:.0f} |")
        lines = f"{size} line{'s' if size > 1 else ''}"
        report.record("returns", f"receive a return, {lines}", samples=samples_count,
                      ours=("_cc_receive_return", o_ms, o_q),
                      plain=("stock.return.picking + button_validate", p_ms, p_q))


if __name__ == "__main__":
    main()
