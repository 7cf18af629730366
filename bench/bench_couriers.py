"""Benchmark of the courier status sync.

- Polling 1,000 open shipments per courier (GHN: one call per shipment, its API has no batch
  status, made 8 at once; DHL Express: one tracking call per batch of 200): time, SQL queries,
  calls made; for GHN also 1,000 shipments whose status did not change, GHN answering in 0.2 s
  a call.
- Status callbacks: events received and applied per second (checks, storage, processing; the
  HTTP layer aside), and queries per event.

The couriers are the project's test servers on 127.0.0.1. Run with ``./run bench couriers``.
"""

import argparse
import json
import time

import report

import odoo
from odoo import Command, api, sql_db
from odoo.modules.registry import Registry

# what a call to GHN's status API takes (its servers are far from most shops)
GHN_LATENCY = 0.2
# the polling job's interval (click_collect's ir_cron_poll_shipments: every hour), in seconds
POLL_INTERVAL = 3600


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--shipments", type=int, default=1000)
    parser.add_argument("--events", type=int, default=500)
    return parser.parse_args()


def shipped_orders(env, carrier, store, count, prefix):
    partner = env["res.partner"].create({"name": f"Bench {prefix}", "street": "Main 1", "city": "Ghent",
                                         "phone": "1", "country_id": env.ref("base.be").id})
    product = env["product.product"].create({"name": f"Bench {prefix}", "type": "consu", "is_storable": True})
    env["stock.quant"]._update_available_quantity(product, store.lot_stock_id, count * 2)
    orders = env["sale.order"].create([{
        "partner_id": partner.id, "cc_fulfilment": "ship", "cc_store_id": store.id, "cc_payment_method": "transfer",
        "carrier_id": carrier.id, "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
    } for _ in range(count)])
    orders.action_confirm()
    # cash on delivery: accepted unpaid, and "delivered" makes them wait for the remittance
    orders.write({"cc_payment_method": "cod"})
    orders._cc_transition("accepted")
    orders._cc_transition("preparing")
    for order in orders:
        order.write({"cc_tracking_ref": f"{prefix}{order.id:08d}", "cc_courier_name": carrier.name})
    orders._cc_transition("shipped")
    env.cr.commit()
    return orders


def timed_poll(env, server):
    """One polling run of every open shipment: (seconds, SQL queries, calls to ``server``)."""
    calls = len(server.requests)
    env.invalidate_all()
    queries = sql_db.sql_counter
    start = time.perf_counter()
    env["delivery.carrier"]._cc_cron_poll_shipments()
    return time.perf_counter() - start, sql_db.sql_counter - queries, len(server.requests) - calls


def poll_unmoved(env, ghn_server, orders):
    """Shipments on their way: polled once (status recorded), then again, GHN answering in
    GHN_LATENCY a call as its API does: nothing moves. Returns the report's row."""
    for code in orders.mapped("cc_tracking_ref"):
        ghn_server.orders[code] = {"status": "delivering", "cod_amount": 10, "payload": {}, "log": []}
    env["delivery.carrier"]._cc_cron_poll_shipments()
    ghn_server.latency = GHN_LATENCY
    elapsed, queries, calls = timed_poll(env, ghn_server)
    ghn_server.latency = 0.0
    return (f"poll {len(orders)} GHN shipments that did not move, GHN answering in {GHN_LATENCY} s",
            len(orders), elapsed, queries, calls, 0)


def plain_validate_and_invoice(env, store, count):
    """Odoo's plain way for as many orders: their deliveries validated together, then the
    orders invoiced (one invoice per order, as each cash-on-delivery parcel is paid on its own)
    and posted together, and the cash registered on each invoice with Odoo's *Register Payment*
    (what a polled shipment that reached "delivered" costs the flow: its tracking, the order's
    step, its invoice, the cash the courier owes). Returns (seconds, SQL queries)."""
    partner = env["res.partner"].create({"name": "Bench plain invoicing", "city": "Ghent"})
    product = env["product.product"].create({"name": "Bench plain", "type": "consu", "is_storable": True,
                                             "invoice_policy": "delivery", "list_price": 10})
    env["stock.quant"]._update_available_quantity(product, store.lot_stock_id, count * 2)
    orders = env["sale.order"].create([{
        "partner_id": partner.id, "warehouse_id": store.id,
        "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
    } for _ in range(count)])
    orders.action_confirm()
    env.flush_all()
    env.invalidate_all()
    queries = sql_db.sql_counter
    start = time.perf_counter()
    orders.picking_ids.with_context(skip_sms=True, skip_backorder=True).button_validate()
    invoices = orders._create_invoices(grouped=True)
    invoices.action_post()
    env["account.payment.register"].with_context(active_model="account.move", active_ids=invoices.ids).create(
        {"group_payment": False}).action_create_payments()
    env.flush_all()
    return time.perf_counter() - start, sql_db.sql_counter - queries


def polling_goal(name, items, elapsed, queries, plain):
    """Shipments that did not move: a fixed number of queries, and 10,000 polled within the
    polling interval. Shipments that moved: at most what Odoo's own way costs for them."""
    if plain:
        return report.ratio_goal(
            "at most the time and queries of Odoo validating, invoicing and registering the payment of as many "
            "orders", (elapsed, queries), plain, at_most=1.0)
    if "did not move" not in name:
        return None
    projected = elapsed / items * 10000
    return report.goal(
        f"a fixed number of queries, and 10,000 shipments polled within the polling interval ({POLL_INTERVAL // 60} "
        "min)", queries < items / 10 and projected < POLL_INTERVAL,
        f"{queries} queries for {items}; 10,000 in about {projected / 60:.0f} min")


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    # the addon is importable once Odoo knows its addons path
    from odoo.addons.delivery_dhl_express.tests.dhl_server import FakeDhl
    from odoo.addons.delivery_ghn.tests.ghn_server import FakeGhn

    ghn_server, dhl_server = FakeGhn().start(), FakeDhl().start()
    rows = []
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            env.company.stock_text_confirmation = False
            store = env["stock.warehouse"].search([("code", "=", "BCS")]) or env["stock.warehouse"].create(
                {"name": "Bench Courier Store", "code": "BCS", "cc_is_store": True})
            product = env["product.product"].create({"name": "Bench courier fee", "type": "service"})
            ghn, dhl = env["delivery.carrier"].create([
                {"name": "Bench GHN", "delivery_type": "ghn", "product_id": product.id,
                 "courier_endpoint_url": ghn_server.url, "ghn_token": "ghn-test-token", "ghn_shop_id": "885",
                 "allow_cash_on_delivery": True, "cc_webhook_secret": "bench-token"},
                {"name": "Bench DHL", "delivery_type": "dhl_express", "product_id": product.id,
                 "courier_endpoint_url": dhl_server.url, "dhl_express_username": "dhl-user",
                 "dhl_express_password": "dhl-pass", "dhl_express_account": "950000000"},
            ])
            for carrier, prefix, register in (
                (ghn, "GHNB", lambda code: ghn_server.orders.__setitem__(code, {
                    "status": "delivered", "cod_amount": 10, "payload": {}, "log": []})),
                (dhl, "77", lambda code: dhl_server.shipments.__setitem__(code, {"events": ["SD", "PU", "OK"]})),
            ):
                orders = shipped_orders(env, carrier, store, args.shipments, prefix)
                server = ghn_server if carrier == ghn else dhl_server
                if carrier == ghn:
                    rows.append(poll_unmoved(env, ghn_server, orders))
                for code in orders.mapped("cc_tracking_ref"):
                    register(code)
                elapsed, queries, calls = timed_poll(env, server)
                moved = env["sale.order"].search_count([("id", "in", orders.ids), ("cc_state", "=", "awaiting_cod")])
                rows.append((f"poll {args.shipments} {carrier.name.split()[-1]} shipments", args.shipments,
                             elapsed, queries, calls, moved))

            # status callbacks: receive + apply
            orders = shipped_orders(env, ghn, store, args.events, "GHNW")
            for code in orders.mapped("cc_tracking_ref"):
                ghn_server.orders[code] = {"status": "delivering", "cod_amount": 10, "payload": {}, "log": []}
            Event = env["click_collect.courier.event"]
            bodies = [json.dumps(ghn_server.webhook_payload(code, "delivered")).encode()
                      for code in orders.mapped("cc_tracking_ref")]
            headers = {"X-Webhook-Token": "bench-token"}
            queries = sql_db.sql_counter
            start = time.perf_counter()
            for body in bodies:
                Event._cc_receive(ghn, headers, body)
            Event._cc_cron_process(limit=len(bodies))
            elapsed = time.perf_counter() - start
            moved = env["sale.order"].search_count([("id", "in", orders.ids), ("cc_state", "=", "awaiting_cod")])
            rows.append((f"{args.events} status callbacks", args.events, elapsed, sql_db.sql_counter - queries, 0,
                         moved))
            plain = plain_validate_and_invoice(env, store, args.shipments)
            cr.rollback()
    finally:
        ghn_server.stop()
        dhl_server.stop()

    print()
    print("click_collect courier benchmark")
    print()
    print("| operation | seconds | per second | SQL queries | per item | courier calls | orders moved |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, items, elapsed, queries, calls, moved in rows:
        print(f"| {name} | {elapsed:.1f} | {items / elapsed:.0f} | {queries} | {queries / items:.1f} "
              f"| {calls} | {moved} |")
        compared = moved and items == args.shipments  # polled shipments that moved
        report.record("couriers", name, samples=1, note=f"{queries / items:.1f} queries per item",
                      ours=("_cc_cron_poll_shipments" if name.startswith("poll") else "_cc_receive + _cc_cron_process",
                            elapsed * 1000, queries),
                      # beside Odoo validating, invoicing and registering the payment of as many
                      plain=("button_validate + _create_invoices + action_post + payment.register",
                             plain[0] * 1000, plain[1]) if compared else None,
                      goal=polling_goal(name, items, elapsed, queries, plain if compared else None))
    print()
    print(f"Odoo's plain way for {args.shipments} orders (deliveries validated together, orders invoiced one "
          f"invoice each and posted together, payments registered): {plain[0]:.1f} s, {plain[1]} SQL queries, "
          f"{plain[1] / args.shipments:.1f} per order")


if __name__ == "__main__":
    main()
