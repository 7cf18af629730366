"""Benchmark of cash-on-delivery reconciliation.

Fills the database with web orders awaiting their cash (shipped, delivered by the courier,
invoiced, the courier owing the cash), imports a remittance statement with one line per order
and reconciles it: time and SQL queries, for two sizes, to show that the queries do not grow
line by line.

Run with ``./run bench cod`` or directly:
  python bench/bench_cod.py -c ODOO_CONF -d DATABASE [--sizes 1000 10000]
"""

import argparse
import base64
import time

import odoo
from odoo import Command, api, sql_db
from odoo.modules.registry import Registry


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--batch", type=int, default=500)
    return parser.parse_args()


def awaiting_orders(env, carrier, store, product, partner, *, count, batch):
    """``count`` COD orders awaiting their cash, made the way the flow makes them, in batches."""
    done = env["sale.order"]
    while len(done) < count:
        size = min(batch, count - len(done))
        orders = env["sale.order"].create([{
            "partner_id": partner.id, "cc_fulfilment": "ship", "cc_store_id": store.id,
            "cc_payment_method": "cod", "carrier_id": carrier.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
        } for _ in range(size)])
        orders.action_confirm()
        orders._cc_transition("accepted")
        orders._cc_transition("preparing")
        for order in orders:
            order.cc_tracking_ref = f"COD{order.id:09d}"
        orders.cc_courier_name = carrier.name
        orders._cc_transition("shipped")
        orders._cc_transition("awaiting_cod", channel="webhook")
        env.cr.commit()
        env.invalidate_all()
        done |= orders
        print(f"\r  {len(done)}/{count} orders awaiting their cash", end="", flush=True)
    print()
    return done


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        env.company.stock_text_confirmation = False
        store = env["stock.warehouse"].search([("code", "=", "BCOD")]) or env["stock.warehouse"].create(
            {"name": "Bench COD Store", "code": "BCOD", "cc_is_store": True})
        fee_product = env["product.product"].create({"name": "Bench courier fee", "type": "service"})
        carrier = env["delivery.carrier"].create({
            "name": "Bench COD courier", "delivery_type": "fixed", "product_id": fee_product.id,
            "allow_cash_on_delivery": True,
        })
        product = env["product.product"].create({"name": "Bench COD product", "type": "consu",
                                                 "is_storable": True, "list_price": 20})
        env["stock.quant"]._update_available_quantity(product, store.lot_stock_id, sum(args.sizes) * 2)
        partner = env["res.partner"].create({"name": "Bench COD customer", "email": "cod@example.com"})
        bank = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1)
        for size in args.sizes:
            orders = awaiting_orders(env, carrier, store, product, partner, count=size, batch=args.batch)
            csv = "tracking_number,order_number,cod_amount,fee\n" + "".join(
                f"{order.cc_tracking_ref},,{order.amount_total:.2f},0.50\n" for order in orders)
            wizard = env["click_collect.cod.import"].create({
                "carrier_id": carrier.id, "name": f"BENCH-{size}-{time.time():.0f}", "journal_id": bank.id,
                "file": base64.b64encode(csv.encode()),
            })
            start, queries = time.perf_counter(), sql_db.sql_counter
            statement = env["click_collect.cod.statement"].browse(wizard.action_import()["res_id"])
            import_time, import_queries = time.perf_counter() - start, sql_db.sql_counter - queries
            env.flush_all()
            env.invalidate_all()
            start, queries = time.perf_counter(), sql_db.sql_counter
            statement.action_reconcile()
            env.flush_all()
            elapsed, spent = time.perf_counter() - start, sql_db.sql_counter - queries
            done = env["sale.order"].search_count([("id", "in", orders.ids), ("cc_state", "=", "done")])
            rows.append((size, import_time, import_queries, elapsed, spent, done))
            cr.commit()

    print()
    print("click_collect cash-on-delivery benchmark")
    print()
    print("| lines | import: s | queries | reconcile: s | queries | queries per line | orders done |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, import_time, import_queries, elapsed, spent, done in rows:
        print(f"| {size} | {import_time:.1f} | {import_queries} | {elapsed:.1f} | {spent} "
              f"| {spent / size:.3f} | {done} |")


if __name__ == "__main__":
    main()
