"""Two Odoo servers on one database, behind a small reverse proxy, as a chain runs the product
when one server is not enough.

Each server has its two HTTP workers, its cron worker and its websocket server. For
``CC_NODES_SECONDS`` seconds (30 by default), web-shop clients create orders through the proxy
(each request to the next server in turn) while the Ghent store moves them on; a point of sale
connected to the first server's websocket (where a proxy sends ``/websocket``) hears of an order
accepted on the second. Afterwards: no order, timeline step, customer message or webhook is
doubled or lost, and no scheduled job ran on both servers at once.

The servers run on a database of their own (a copy of the end-to-end database made by
``./run test``).
"""

import itertools
import json
import logging
import os
import queue
import re
import threading
import time
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
import websocket

from conftest import (
    WEBHOOK_SECRET,
    OdooClient,
    RpcError,
    WebhookReceiver,
    WebShopApi,
    run_for,
    start_odoo,
    stop_odoo,
    wait_until,
)

_logger = logging.getLogger(__name__)
NODES_DB = os.environ.get("CC_E2E_NODES_DB", "cc_e2e_nodes")
SECONDS = int(os.environ.get("CC_NODES_SECONDS", "30"))
CLIENTS = 8
STORE_HANDS = 2
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length"}
# Odoo's log lines of a scheduled job (odoo.addons.base.models.ir_cron at INFO)
JOB_LINE = re.compile(r"^(?P<at>\S+ \S+) (?P<pid>\d+) INFO \S+ odoo\.addons\.base\.models\.ir_cron: "
                      r"Job '(?P<name>.*)' \((?P<id>\d+)\) (?P<what>starting|fully done|partially done|failed)")


class Proxy:
    """A reverse proxy on 127.0.0.1: each request goes to the next server in turn, with the
    X-Forwarded headers a proxy sets (the servers run in proxy mode)."""

    def __init__(self, upstreams):
        self.upstreams = upstreams
        self.counts = [0] * len(upstreams)
        self.lock = threading.Lock()
        self.turn = itertools.count()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with proxy.lock:
                    index = next(proxy.turn) % len(proxy.upstreams)
                    proxy.counts[index] += 1
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                headers.update({"X-Forwarded-For": self.client_address[0], "X-Forwarded-Proto": "http",
                                "X-Forwarded-Host": self.headers.get("Host", "")})
                answer = requests.request(self.command, proxy.upstreams[index] + self.path, headers=headers,
                                          data=body, allow_redirects=False, timeout=300, stream=True)
                content = answer.raw.read(decode_content=False)
                self.send_response(answer.status_code)
                for name, value in answer.raw.headers.items():
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = forward

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def _product_in_ghent(admin):
    """A product with plenty of stock in the Ghent store; its EAN."""
    ean = f"56{uuid.uuid4().int % 10**11:011d}"
    product = admin.call("product.product", "create", {
        "name": f"Two servers mug {ean}", "type": "consu", "is_storable": True, "list_price": 12, "barcode": ean,
    })
    store = admin.call("stock.warehouse", "search_read", [("code", "=", "GHE")], ["lot_stock_id"])[0]
    quant = admin.call("stock.quant", "create", {
        "product_id": product, "location_id": store["lot_stock_id"][0], "inventory_quantity": 100000,
    }, context={"inventory_mode": True})
    admin.call("stock.quant", "action_apply_inventory", [quant], context={"inventory_mode": True})
    return ean


def _client(url, login):
    return OdooClient(url, login, login, db=NODES_DB)


def _open_pos(admin):
    """The Ghent store's point of sale, opened; the token of its bus channel."""
    config = admin.call("pos.config", "search_read", [("name", "=", "Ghent Store POS")], ["access_token"])[0]
    admin.call("pos.config", "open_ui", [config["id"]])
    session = admin.call("pos.session", "search", [("config_id", "=", config["id"]), ("state", "!=", "closed")])
    if admin.call("pos.session", "read", session, ["state"])[0]["state"] == "opening_control":
        admin.call("pos.session", "set_opening_control", session, 0, "")
    return config["access_token"]


class PosListener:
    """The point of sale's connection to a server's bus (its websocket), as the POS keeps it
    open: what the server sends on the POS's channel."""

    def __init__(self, gevent_port, channel):
        url = f"ws://127.0.0.1:{gevent_port}/websocket?version=19.0-2"
        # a server busy with the load may take a while to answer the handshake; reading then
        # wakes every 5 s to see whether the listener was closed
        self.ws = websocket.create_connection(url, timeout=30, origin=f"http://127.0.0.1:{gevent_port}")
        self.ws.settimeout(5)
        self.ws.send(json.dumps({"event_name": "subscribe", "data": {"channels": [channel], "last": 0}}))
        self.received = queue.Queue()
        self.closed = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while not self.closed:
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except (websocket.WebSocketException, OSError):
                return
            for notification in json.loads(frame or "[]"):
                self.received.put(notification["message"])

    def wait_for(self, predicate, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                message = self.received.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                break
            if predicate(message):
                return message
        return None

    def close(self):
        self.closed = True
        self.ws.close()


def _jobs_run(log_paths):
    """Every run of a scheduled job in the servers' logs: (job id, name, start, end, log)."""
    runs = []
    for log_path in log_paths:
        started = {}
        with open(log_path) as log:
            for line in log:
                found = JOB_LINE.match(line)
                if not found:
                    continue
                at = datetime.strptime(found["at"], "%Y-%m-%d %H:%M:%S,%f")
                if found["what"] == "starting":
                    started[found["pid"]] = at
                elif found["pid"] in started:
                    runs.append((int(found["id"]), found["name"], started.pop(found["pid"]), at, log_path))
    return runs


class Load:
    """What the web shops and the store did through the proxy, under one lock."""

    def __init__(self, proxy_url, key, ean):
        self.proxy_url, self.key, self.ean = proxy_url, key, ean
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.todo = queue.Queue()
        self.answers = []    # HTTP status of every order created
        self.created = {}    # external ref -> order number
        self.moved = {}      # order number -> states the store moved it to
        self.refusals = []

    def run(self, seconds):
        threads = [threading.Thread(target=self.web_shop, args=(n,)) for n in range(CLIENTS)]
        threads += [threading.Thread(target=self.store_hand) for _ in range(STORE_HANDS)]
        run_for(threads, seconds, self.stop)

    def web_shop(self, number):
        api, n = WebShopApi(self.proxy_url, self.key), 0
        while not self.stop.is_set():
            n += 1
            ref = f"NODES-{number:02d}-{n:04d}-{uuid.uuid4().hex[:6]}"
            answer = api.request("POST", "/orders", {
                "external_ref": ref, "fulfilment": "pickup", "store": "GHE",
                "customer": {"name": f"Nina Nodes {ref}", "email": f"{ref.lower()}@example.com",
                             "phone": f"+32 470 {number:02d}{n:04d}"},
                "payment": {"method": "pay_at_store"},
                "lines": [{"ean": self.ean, "qty": 1}],
            }, headers={"Idempotency-Key": ref})
            with self.lock:
                self.answers.append(answer.status_code)
                if answer.status_code == 201:
                    self.created[ref] = answer.json()["order_no"]
                    self.todo.put(self.created[ref])

    def store_hand(self):
        """The Ghent store moves each new order on: accepted, preparing, ready."""
        clerk = _client(self.proxy_url, "cc_store")
        while not self.stop.is_set() or not self.todo.empty():
            try:
                order_no = self.todo.get(timeout=0.5)
            except queue.Empty:
                continue
            order_id = clerk.call("sale.order", "search", [("name", "=", order_no)])[0]
            for target in ("accepted", "preparing", "ready"):
                try:
                    clerk.call("sale.order", "action_cc_transition", [order_id], context={"cc_target": target})
                except RpcError as error:
                    with self.lock:
                        self.refusals.append(f"{order_no} -> {target}: {error}")
                    break
                with self.lock:
                    self.moved.setdefault(order_no, []).append(target)


def _check_pos_hears_the_other_server(listener, channel, second_url, key, ean):
    """A point of sale connected to the first server hears of an order accepted on the second."""
    order_no = WebShopApi(second_url, key).request("POST", "/orders", {
        "external_ref": f"NODES-POS-{uuid.uuid4().hex[:6]}", "fulfilment": "pickup", "store": "GHE",
        "customer": {"name": "Paula Pos", "email": "paula.pos@example.com"},
        "payment": {"method": "pay_at_store"}, "lines": [{"ean": ean, "qty": 1}],
    }).json()["order_no"]
    clerk = _client(second_url, "cc_store")
    order_id = clerk.call("sale.order", "search", [("name", "=", order_no)])[0]
    clerk.call("sale.order", "action_cc_transition", [order_id], context={"cc_target": "accepted"})
    heard = listener.wait_for(lambda m: m.get("type") == f"{channel}-CLICK_COLLECT_ORDERS"
                              and order_id in m["payload"]["order_ids"], timeout=15)
    assert heard, "the point of sale on the first server heard of the order accepted on the second"


def _check_everything_once(admin, load, smtp_server, receiver):
    """Every order once, every step once on its timeline, every customer email and webhook once."""
    orders = admin.call("sale.order", "search_read", [("cc_external_ref", "in", list(load.created))],
                        ["name", "cc_external_ref"])
    assert {o["cc_external_ref"]: o["name"] for o in orders} == load.created, "one order per 201"
    assert not admin.call("sale.order", "search_count", [("cc_reservation_pending", "=", True)]), \
        "every order's goods reserved"
    by_id = {o["id"]: o for o in orders}
    events = admin.call("click_collect.event", "search_read", [("order_id", "in", list(by_id))],
                        ["order_id", "to_state"], order="id")
    timeline = {}
    for event in events:
        timeline.setdefault(by_id[event["order_id"][0]]["name"], []).append(event["to_state"])
    for name in load.created.values():
        assert timeline[name] == ["new", *load.moved.get(name, [])], (name, timeline[name])

    def unsent():
        messages = admin.call("click_collect.notification", "search_read", [("order_id", "in", list(by_id))],
                              ["state", "email_result"])
        return [m for m in messages if m["state"] == "pending" or m["email_result"] == "queued"]
    assert wait_until(lambda: not unsent(), timeout=180), unsent()[:5]
    groups = admin.call("click_collect.notification", "read_group", [("order_id", "in", list(by_id))],
                        ["order_id"], ["order_id", "step"], lazy=False)
    assert all(group["__count"] == 1 for group in groups), "one message per order and step"
    emails = {}
    for message in admin.call("click_collect.notification", "search_read",
                              [("order_id", "in", list(by_id)), ("email_result", "=", "sent")], ["order_id"]):
        emails[message["order_id"][0]] = emails.get(message["order_id"][0], 0) + 1
    assert emails, "customer emails were sent"
    for order_id, count in emails.items():
        address = f"{by_id[order_id]['cc_external_ref'].lower()}@example.com"
        assert len(smtp_server.received(address)) == count, address

    assert wait_until(lambda: all(d["state"] == "done" for d in admin.call(
        "click_collect.webhook.delivery", "search_read", [("order_id", "in", list(by_id))], ["state"])),
        timeout=120)
    deliveries = admin.call("click_collect.webhook.delivery", "search_read", [("order_id", "in", list(by_id))],
                            ["event_uid"])
    assert len(deliveries) >= len(events), "a webhook per step"
    received = [h["headers"].get("X-Click-Collect-Event-Id") for h in receiver.events()]
    for delivery in deliveries:
        assert received.count(delivery["event_uid"]) == 1, delivery


def _check_jobs_never_ran_twice_at_once(log_paths):
    """No scheduled job ran on both servers at once; both cron workers ran jobs."""
    runs = _jobs_run(log_paths)
    assert {log for *_run, log in runs} == set(log_paths), "each server's cron worker ran jobs"
    by_job = {}
    for job_id, name, start, end, _log in runs:
        by_job.setdefault((job_id, name), []).append((start, end))
    for job, intervals in by_job.items():
        intervals.sort()
        for (_start, end), (next_start, _end) in itertools.pairwise(intervals):
            assert next_start >= end, (job, "ran twice at once")
    _logger.info("two servers: %s runs of %s scheduled jobs (%s on the first server, %s on the second)", len(runs),
                 len(by_job), *(sum(1 for *_run, log in runs if log == path) for path in log_paths))


def test_two_servers_one_database_behind_a_proxy(smtp_server, sms_service):
    options = ("--proxy-mode", "--log-handler=odoo.addons.base.models.ir_cron:INFO")
    first, first_url, first_log = start_odoo(NODES_DB, "e2e-node-first.log", smtp_port=smtp_server.port,
                                             options=options)
    second = proxy = listener = None
    receiver = WebhookReceiver()
    try:
        second, second_url, second_log = start_odoo(NODES_DB, "e2e-node-second.log", smtp_port=smtp_server.port,
                                                    options=options)
        proxy = Proxy([first_url, second_url])
        admin = _client(proxy.url, "admin")
        admin.call("ir.config_parameter", "set_param", "sms.endpoint", sms_service.url)
        shop = admin.call("click_collect.web.shop", "search", [("code", "=", "DEMO")], limit=1)
        admin.call("click_collect.web.shop", "write", shop, {"webhook_url": receiver.url,
                                                             "webhook_secret": WEBHOOK_SECRET})
        key = admin.call("click_collect.web.shop", "action_new_api_key", shop)["context"]["default_key"]
        channel = _open_pos(admin)
        listener = PosListener(first.gevent_port, channel)
        ean = _product_in_ghent(admin)

        load = Load(proxy.url, key, ean)
        load.run(SECONDS)
        _logger.info("two servers: %s requests through the proxy in %s s (%s on the first server, %s on the "
                     "second), %s orders created, %s moved on", sum(proxy.counts), SECONDS, *proxy.counts,
                     len(load.created), len(load.moved))
        assert set(load.answers) == {201}, load.answers
        assert not load.refusals, load.refusals[:5]
        assert len(load.created) >= CLIENTS and min(proxy.counts) > 0.4 * sum(proxy.counts), proxy.counts

        _check_pos_hears_the_other_server(listener, channel, second_url, key, ean)
        _check_everything_once(admin, load, smtp_server, receiver)
    finally:
        if listener:
            listener.close()
        if proxy:
            proxy.stop()
        receiver.server.shutdown()
        receiver.server.server_close()
        if second:
            stop_odoo(second)
        stop_odoo(first)
    _check_jobs_never_ran_twice_at_once([first_log, second_log])
