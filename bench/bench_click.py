"""Benchmark of the clerk's click: the whole HTTP request of each flow button, beside Odoo's
plain button doing the same stock work, and the cost of what the click leaves to the
scheduled jobs (customer email and SMS, web-shop webhooks).

Starts a real Odoo server on the database (no cron worker: the jobs run afterwards, measured on
their own), a mail server, an SMS service and a web shop's webhook receiver on 127.0.0.1, then
a store clerk clicks, one order at a time, over JSON-RPC as the web client does:

  accept      action_cc_transition (cc_target accepted)   vs  action_confirm of a quotation
  ready       action_cc_transition (cc_target ready)      vs  action_confirm of a quotation
  hand over   action_cc_hand_over(pickup code)            vs  button_validate of its delivery
  ship        the Ship wizard (save, then Ship)           vs  the delivery's tracking number saved,
                                                              then button_validate

Each row is the median wall-clock time of the whole request (as the client waits for it,
everything after commit included) and its SQL queries, read from the server's own request log;
the clerk's and the plain button's clicks alternate, so that both meet the same load of the
machine. Then the customer-message job and the webhook job run over what the clicks queued:
their cost per message, beside Odoo's own cost of sending an order confirmation email and an SMS.

Run it with ``./run bench``, or directly:
  python bench/bench_click.py -c ODOO_CONF -d DATABASE [--samples 20]
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import report
import requests
from bench_api import queries_logged, start_server

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry
from odoo.tests import new_test_user

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
from sms_service import SmsService
from smtp_server import SmtpServer

PASSWORD = "bench-click-1"  # a bench user's password, on a bench database


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--samples", type=int, default=20, help="clicks per button and way")
    return parser.parse_args()


class WebhookSink:
    """A web shop's webhook endpoint on 127.0.0.1 that takes everything."""

    def __init__(self):
        self.count = 0
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sink.count += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def setup_data(env, samples, webhook_url, sms_url):
    """A store with stock, its clerk, a web shop with a webhook, and the orders each button
    clicks on: web orders (pickup and ship) and plain quotations / deliveries."""
    env["ir.config_parameter"].set_param("sms.endpoint", sms_url)
    company = env.company
    company.stock_text_confirmation = False
    store = env["stock.warehouse"].search([("code", "=", "BCLK")])
    if not store:
        partner = env["res.partner"].create({"name": "Bench Click Store", "city": "Brussels"})
        store = env["stock.warehouse"].create({"name": "Bench Click Store", "code": "BCLK",
                                               "partner_id": partner.id, "cc_is_store": True})
    product = env["product.product"].create({"name": "Bench click product", "type": "consu",
                                             "is_storable": True, "list_price": 20})
    env["stock.quant"]._update_available_quantity(product, store.lot_stock_id, 100000)
    customer = env["res.partner"].create({"name": "Bench Click Customer", "email": "bench.click@example.com",
                                          "phone": "+32470000001", "street": "Rue Neuve 1", "city": "Brussels",
                                          "zip": "1000", "country_id": env.ref("base.be").id})
    if not env["res.users"].search([("login", "=", "bench_clerk")]):
        new_test_user(env, "bench_clerk", password=PASSWORD,
                      groups="click_collect.group_store_user,stock.group_stock_user",
                      cc_store_ids=[Command.set(store.ids)])
    seller = env["res.users"].search([("login", "=", "bench_seller")]) or new_test_user(
        env, "bench_seller", password=PASSWORD, groups="sales_team.group_sale_salesman,stock.group_stock_user")
    shop_user = new_test_user(env, f"bench_click_shop_{time.time_ns()}", groups="click_collect_api.group_web_shop_api")
    shop = env["click_collect.web.shop"].create({
        "name": "Bench Click Shop", "code": f"BCLK{time.time_ns() % 100000}", "default_store_id": store.id,
        "user_id": shop_user.id, "webhook_url": webhook_url, "webhook_secret": "bench-click-secret",
    })
    n = samples + 3  # three warm-up clicks per button

    def web_orders(fulfilment):
        orders = env["sale.order"].create([{
            "partner_id": customer.id, "cc_fulfilment": fulfilment, "cc_store_id": store.id,
            "cc_web_shop_id": shop.id, "cc_payment_method": "pay_at_store",
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
        } for _i in range(n)])
        orders.action_confirm()
        return orders

    to_accept = web_orders("pickup")
    to_ready = web_orders("pickup")
    to_ready._cc_transition("accepted")
    to_ready._cc_transition("preparing")
    to_hand = web_orders("pickup")
    for state in ("accepted", "preparing", "ready"):
        to_hand._cc_transition(state)
    for order in to_hand:
        order._cc_register_payment(order.amount_total, f"TILL-{order.name}", method="pay_at_store")
    to_ship = web_orders("ship")
    to_ship.cc_payment_method = "transfer"
    for order in to_ship:
        order._cc_register_payment(order.amount_total, f"BANK-{order.name}", method="transfer")
    for state in ("accepted", "preparing"):
        to_ship._cc_transition(state)
    quotations = env["sale.order"].create([{
        "partner_id": customer.id, "warehouse_id": store.id, "user_id": seller.id,
        "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
    } for _i in range(2 * n)])
    deliveries = env["sale.order"].create([{
        "partner_id": customer.id, "warehouse_id": store.id, "user_id": seller.id,
        "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
    } for _i in range(2 * n)])
    deliveries.action_confirm()
    pickings = deliveries.picking_ids
    pickings.action_assign()
    # the messages and webhooks of the setup and of the database are left out of the measures
    env["click_collect.notification"].search([("state", "=", "pending")]).write({"state": "done"})
    env["click_collect.webhook.delivery"].search([("state", "=", "pending")]).sudo().write({"state": "done"})
    env["mail.mail"].search([("state", "=", "outgoing")]).write({"state": "cancel"})
    env["sms.sms"].search([("state", "=", "outgoing")]).write({"state": "canceled"})
    env.cr.commit()
    return {
        "accept": to_accept.ids, "ready": to_ready.ids,
        "hand": [(o.id, o.cc_pickup_code) for o in to_hand],
        "ship": to_ship.ids, "quotations": quotations.ids, "pickings": pickings.ids,
        "plain_orders": deliveries.ids,
    }


class Client:
    """A user of the web client: a session, JSON-RPC calls; queries read from the server log."""

    def __init__(self, url, log_path, db, login):
        self.url, self.log_path = url, log_path
        self.session = requests.Session()
        self.rpc("/web/session/authenticate", {"db": db, "login": login, "password": PASSWORD})

    def rpc(self, path, params):
        response = self.session.post(self.url + path, json={"jsonrpc": "2.0", "method": "call", "params": params},
                                     timeout=300)
        answer = response.json()
        if response.status_code != 200 or answer.get("error"):
            sys.exit(f"{path} failed: {str(answer.get('error'))[:800]}")
        return answer["result"]

    def call(self, model, method, args, kwargs=None, button=False):
        return self.rpc(f"/web/dataset/{'call_button' if button else 'call_kw'}/{model}/{method}",
                        {"model": model, "method": method, "args": args, "kwargs": kwargs or {}})

    def queries_since(self, offset, expected_requests):
        return queries_logged(self.log_path, offset, expected_requests, ("/web/dataset/",))


def measure(sides, samples):
    """Median time and queries of each side's click: sides are (client, click, items). The
    sides' samples alternate (ours, plain, ours, ...) so that both meet the same load of the
    machine."""
    for _client, click, items in sides:
        for item in items[:3]:  # warm the server's caches
            click(item)
    times, queries = [[] for _side in sides], [[] for _side in sides]
    for index in range(3, 3 + samples):
        for side, (client, click, items) in enumerate(sides):
            offset = os.path.getsize(client.log_path)
            start = time.perf_counter()
            requests_made = click(items[index])
            times[side].append((time.perf_counter() - start) * 1000)
            queries[side].append(client.queries_since(offset, requests_made))
    return [(statistics.median(t), statistics.median(q)) for t, q in zip(times, queries, strict=True)]


def clicks(clerk, seller, data):
    """(button, ours, plain): each a (label, click(item) -> requests made, items)."""
    ctx = {"lang": "en_US", "tz": "Europe/Brussels"}

    def transition(target):
        def click(order_id):
            clerk.call("sale.order", "action_cc_transition", [[order_id]],
                       {"context": dict(ctx, cc_target=target)}, button=True)
            return 1
        return click

    def hand_over(item):
        order_id, code = item
        result = clerk.call("sale.order", "action_cc_hand_over", [[order_id], code], {"context": ctx})
        if not result.get("ok"):
            sys.exit(f"hand-over refused: {result}")
        return 1

    def ship(order_id):
        wizard = clerk.call("click_collect.ship", "web_save", [[], {"order_id": order_id,
                                                                    "courier_name": "Bench Courier",
                                                                    "tracking_ref": f"BC{order_id}"}],
                            {"context": dict(ctx, default_order_id=order_id), "specification": {}})
        clerk.call("click_collect.ship", "action_ship", [[wizard[0]["id"]]], {"context": ctx}, button=True)
        return 2

    def confirm(order_id):
        seller.call("sale.order", "action_confirm", [[order_id]], {"context": ctx}, button=True)
        return 1

    def validate(picking_id):
        seller.call("stock.picking", "button_validate", [[picking_id]], {"context": ctx}, button=True)
        return 1

    def validate_with_tracking(picking_id):
        # the tracking number typed on the delivery, then Validate: the web client saves first
        seller.call("stock.picking", "web_save", [[picking_id], {"carrier_tracking_ref": f"PT{picking_id}"}],
                    {"context": ctx, "specification": {}})
        return validate(picking_id) + 1

    quotations, pickings = data["quotations"], data["pickings"]
    half = len(quotations) // 2
    return [
        ("accept", ("action_cc_transition(accepted)", transition("accepted"), data["accept"]),
         ("action_confirm", confirm, quotations[:half])),
        ("ready", ("action_cc_transition(ready)", transition("ready"), data["ready"]),
         ("action_confirm", confirm, quotations[half:])),
        ("hand over", ("action_cc_hand_over", hand_over, data["hand"]),
         ("button_validate", validate, pickings[:half])),
        ("ship", ("Ship wizard: web_save + action_ship", ship, data["ship"]),
         ("web_save + button_validate", validate_with_tracking, pickings[half:])),
    ]


def measure_jobs(registry, smtp_port, plain_order_ids):
    """What the clicks left to the jobs: the customer-message job, then Odoo's mail and SMS
    queues, over the messages the clicks queued; the webhook job over their webhooks. Beside
    them, Odoo's own way for as many orders: the order confirmation email
    (``_send_order_notification_mail``, as its asynchronous job sends it) and an SMS, sent by the
    same queues. Returns rows (label, count, ms per message, queries per message)."""
    odoo.tools.config["smtp_server"], odoo.tools.config["smtp_port"] = "127.0.0.1", smtp_port
    rows = []
    with registry.cursor() as cr:
        # as in a scheduled job (a server action): posted emails wait for the mail queue
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"mail_notify_force_send": False})

        def run(label, count, func):
            env.invalidate_all()
            before, start = cr.sql_log_count, time.perf_counter()
            func()
            env.flush_all()
            ms = (time.perf_counter() - start) * 1000
            rows.append((label, count, ms / count, (cr.sql_log_count - before) / count))

        def send_queues():
            env["mail.mail"].process_email_queue()
            env["sms.sms"]._process_queue()

        messages = env["click_collect.notification"].search_count([("state", "=", "pending")])
        run("click_collect: customer message job, email and SMS of one step", messages,
            lambda: (env["click_collect.notification"]._cron_send_pending(), send_queues()))
        hooks = env["click_collect.webhook.delivery"].search_count([("state", "=", "pending")])
        run("click_collect: webhook job, one signed webhook", hooks,
            env["click_collect.webhook.delivery"]._cron_send)
        orders = env["sale.order"].browse(plain_order_ids[:messages])

        # Odoo's confirmation email attaches the order's PDF: left out here (the flow's
        # messages attach none), which makes Odoo's way cheaper, not dearer
        template = env.ref("sale.mail_template_sale_confirmation")
        template.report_template_ids = False

        def odoo_plain():
            for order in orders:
                order._send_order_notification_mail(template, allow_deferred_sending=False)
                order._message_sms(env._("Your order %s is confirmed.", order.name),
                                   partner_ids=order.partner_id.ids, put_in_queue=True)
            send_queues()

        run("Odoo plain: order confirmation email (without its PDF) and one SMS", len(orders), odoo_plain)
        cr.rollback()
    return rows


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    smtp, sms, hooks = SmtpServer(), SmsService(), WebhookSink()
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        print("Preparing orders...", file=sys.stderr, flush=True)
        data = setup_data(env, args.samples, hooks.url, sms.url)
    log_path = os.path.join(tempfile.mkdtemp(prefix="bench-click-"), "server.log")
    server_args = argparse.Namespace(config=args.config, database=args.database)
    proc, url = start_server(server_args, log_path, extra=["--smtp=127.0.0.1", f"--smtp-port={smtp.port}"])
    try:
        clerk = Client(url, log_path, args.database, "bench_clerk")
        seller = Client(url, log_path, args.database, "bench_seller")
        rows = []
        for button, ours, plain in clicks(clerk, seller, data):
            print(f"  {button}...", file=sys.stderr, flush=True)
            mine, odoo_plain = measure([(clerk, ours[1], ours[2]), (seller, plain[1], plain[2])], args.samples)
            rows.append((button, ours[0], mine, plain[0], odoo_plain))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print()
    print(f"The clerk's click over HTTP, whole request, median of {args.samples}:")
    print()
    print("| button | click_collect | ms | queries | Odoo plain | ms | queries | time ratio | query ratio |")
    print("|---|---|---:|---:|---|---:|---:|---:|---:|")
    for button, label, (ms, queries), plain_label, (plain_ms, plain_queries) in rows:
        print(f"| {button} | `{label}` | {ms:.0f} | {queries:.0f} | `{plain_label}` | {plain_ms:.0f} "
              f"| {plain_queries:.0f} | {ms / plain_ms:.2f} | {queries / plain_queries:.2f} |")
        report.record("click", f"{button}, whole HTTP request", samples=args.samples,
                      ours=(label, ms, queries), plain=(plain_label, plain_ms, plain_queries),
                      goal=report.ratio_goal("at most 1.2x the time and queries of Odoo's plain button",
                                             (ms, queries), (plain_ms, plain_queries), at_most=1.2))
    print()
    print("What the clicks leave to the scheduled jobs, per message:")
    print()
    print("| job | messages | ms each | queries each |")
    print("|---|---:|---:|---:|")
    jobs = measure_jobs(registry, smtp.port, data["plain_orders"])
    for label, count, ms, queries in jobs:
        print(f"| {label} | {count} | {ms:.1f} | {queries:.1f} |")
    (label, count, ms, queries), _hooks, (plain_label, _count, plain_ms, plain_queries) = jobs
    report.record("click", "send one customer message (email and SMS) from the job", samples=count,
                  ours=("_cron_send_pending + mail and SMS queues", ms, queries),
                  plain=("order confirmation email (no PDF) + SMS, mail and SMS queues", plain_ms, plain_queries),
                  goal=report.ratio_goal("at most Odoo's own cost of one order confirmation email and one SMS",
                                         (ms, queries), (plain_ms, plain_queries), at_most=1.0))
    print()
    print(f"mail server got {len(smtp.messages)} emails, SMS service {len(sms.received)} SMS, "
          f"web shop {hooks.count} webhooks")
    smtp.stop()


if __name__ == "__main__":
    main()
