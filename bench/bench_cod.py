"""Benchmark of cash-on-delivery reconciliation.

Fills the database with web orders awaiting their cash (shipped, delivered by the courier,
invoiced, the courier owing the cash), imports a remittance statement with one line per order
and reconciles it: time and SQL queries, for two sizes, to show that the queries do not grow
line by line. Odoo's plain equivalent: one customer payment registered over as many open
invoices of one partner (``account.payment.register``, grouped).

Run with ``./run bench cod`` or directly:
  python bench/bench_cod.py -c ODOO_CONF -d DATABASE [--sizes 100 10000]
"""

import argparse
import base64
import time

import report

import odoo
from odoo import Command, api, sql_db
from odoo.modules.registry import Registry

# the goal: a statement of this many lines imported and reconciled within this time
COD_GOAL_LINES, COD_GOAL_SECONDS = 10000, 30


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10000])
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
        # the customer messages of the setup stay queued for the scheduled job: they are not
        # what is measured, and sending them would double the setup's time
        env.cr.postcommit.clear()
        env.cr.commit()
        env.invalidate_all()
        done |= orders
        print(f"\r  {len(done)}/{count} orders awaiting their cash", end="", flush=True)
    print()
    return done


def open_invoices(env, partner, product, count, batch):
    """``count`` posted customer invoices of one partner, for the plain equivalent."""
    invoices = env["account.move"]
    while len(invoices) < count:
        size = min(batch, count - len(invoices))
        moves = env["account.move"].create([{
            "move_type": "out_invoice", "partner_id": partner.id,
            "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 1, "price_unit": 20})],
        } for _ in range(size)])
        moves.action_post()
        env.cr.commit()
        env.invalidate_all()
        invoices |= moves
        print(f"\r  {len(invoices)}/{count} open invoices", end="", flush=True)
    print()
    return invoices


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
            cr.commit()

            invoices = open_invoices(env, carrier._cc_remitting_partner(), product, size, args.batch)
            start, queries = time.perf_counter(), sql_db.sql_counter
            register = env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoices.ids,
            ).create({"group_payment": True, "journal_id": bank.id})
            register.action_create_payments()
            env.flush_all()
            plain_time, plain_queries = time.perf_counter() - start, sql_db.sql_counter - queries
            paid = env["account.move"].search_count([("id", "in", invoices.ids), ("payment_state", "!=", "not_paid")])
            rows.append((size, import_time, import_queries, elapsed, spent, done, plain_time, plain_queries, paid))
            cr.commit()

    print()
    print("click_collect cash-on-delivery benchmark")
    print()
    print("| lines | import: s | queries | reconcile: s | queries | queries per line | orders done "
          "| plain payment.register: s | queries | invoices paid |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, import_time, import_queries, elapsed, spent, done, plain_time, plain_queries, paid in rows:
        print(f"| {size} | {import_time:.1f} | {import_queries} | {elapsed:.1f} | {spent} "
              f"| {spent / size:.3f} | {done} | {plain_time:.1f} | {plain_queries} | {paid} |")
        report.record("cod", f"import a {size}-line remittance statement", note=f"{size} orders awaiting",
                      ours=("cod.import action_import", import_time * 1000, import_queries))
        total = import_time + elapsed
        report.record("cod", f"reconcile a {size}-line statement", note=f"{done} orders done",
                      ours=("statement.action_reconcile", elapsed * 1000, spent),
                      plain=("payment.register, grouped", plain_time * 1000, plain_queries),
                      goal=report.goal("a 10,000-line statement imported and reconciled in under 30 s",
                                       total < COD_GOAL_SECONDS, f"{total:.1f} s in all")
                      if size == COD_GOAL_LINES else None)


if __name__ == "__main__":
    main()
