"""A bounded load on the running server (two HTTP workers and a cron worker).

For ``CC_LOAD_SECONDS`` seconds (60 by default), 20 web-shop clients create orders over the API
and follow them, a store moves the orders on in the web client and ships some through the GHN
test courier, and the courier posts its signed status callbacks. Afterwards: every order a client
was told about exists exactly once, every change is on its order's timeline, every customer
message was taken by the mail server and the SMS service, and no request got a 5xx.
"""

import logging
import os
import queue
import threading
import uuid

import requests

from conftest import RpcError, WebShopApi, cron_id, ghn_carrier, run_cron, run_for, wait_for_state, wait_until

_logger = logging.getLogger(__name__)
CLIENTS = 20
STORE_HANDS = 3
SECONDS = int(os.environ.get("CC_LOAD_SECONDS", "60"))
EAN = "5499999000017"


class Load:
    """What every thread did, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = []        # (who, HTTP status) of every request
        self.created = {}         # external ref -> order number, as the API answered
        self.moved = {}           # order number -> states the store moved it to
        self.delivered = set()    # order numbers whose "delivered" callback the courier sent
        self.refusals = []        # clear refusals (4xx / user errors), kept for the report
        self.ship_queue = queue.Queue()
        self.pickup_queue = queue.Queue()
        self.deliver_queue = queue.Queue()
        self.stop = threading.Event()
        self.crashes = []         # exceptions that ended a thread (an HTTP error of the web client)

    def thread(self, target, *args):
        def run():
            try:
                target(self, *args)
            except Exception as error:  # any failure ends the thread: reported by the test
                with self.lock:
                    self.crashes.append(f"{target.__name__}: {error!r}")
        return threading.Thread(target=run)

    def status(self, who, code):
        with self.lock:
            self.statuses.append((who, code))


def _prepare(admin, ghn_server):
    """A product with plenty of stock in the Ghent store and the central warehouse; a GHN carrier."""
    product = admin.call("product.product", "search", [("barcode", "=", EAN)])
    if not product:
        product = [admin.call("product.product", "create", {
            "name": "Load test mug", "type": "consu", "is_storable": True, "list_price": 9, "barcode": EAN,
            "weight": 0.4,
        })]
    stores = admin.call("stock.warehouse", "search_read", [("code", "in", ["GHE", "CEN"])], ["lot_stock_id"])
    for store in stores:
        quant = admin.call("stock.quant", "create", {
            "product_id": product[0], "location_id": store["lot_stock_id"][0], "inventory_quantity": 100000,
        }, context={"inventory_mode": True})
        admin.call("stock.quant", "action_apply_inventory", [quant], context={"inventory_mode": True})
    return ghn_carrier(admin, ghn_server, f"GHN load {uuid.uuid4().hex[:4]}")


def _body(ref, n):
    ship = n % 2 == 0
    return {
        "external_ref": ref, "fulfilment": "ship" if ship else "pickup", "store": "CEN" if ship else "GHE",
        "customer": {"name": f"Load Customer {n % 7}", "email": f"load.{n % 7}@example.com",
                     "phone": "+32 470 00 00 07", "street": "Loadstraat 7", "city": "Ghent", "zip": "9000",
                     "country_code": "BE"},
        "payment": {"method": "online", "paid": True, "reference": f"PSP-{ref}"} if ship
        else {"method": "pay_at_store"},
        "lines": [{"ean": EAN, "qty": 1 + n % 3}],
        "note": "<script>alert('load')</script> leave at the door",
    }


def _web_shop_client(load, web_shop, number):
    """Create an order, read it back, list the recent ones; again until the time is up. A request
    that times out is sent again with its Idempotency-Key."""
    api = WebShopApi(web_shop["url"], web_shop["key"])
    n = 0
    while not load.stop.is_set():
        n += 1
        ref = f"LOAD-{number:02d}-{n:04d}-{uuid.uuid4().hex[:6]}"
        body = _body(ref, number + n)
        for _attempt in range(3):
            try:
                answer = api.request("POST", "/orders", body, headers={"Idempotency-Key": ref})
                break
            except requests.RequestException:
                continue
        else:
            load.status("api create", 599)
            continue
        load.status("api create", answer.status_code)
        if answer.status_code != 201:
            with load.lock:
                load.refusals.append(answer.text[:200])
            continue
        order_no = answer.json()["order_no"]
        with load.lock:
            load.created[ref] = order_no
        (load.ship_queue if body["fulfilment"] == "ship" else load.pickup_queue).put(order_no)
        followed = api.request("GET", f"/orders/{order_no}")
        load.status("api get", followed.status_code)
        listed = api.request("GET", "/orders", params={"limit": 20})
        load.status("api list", listed.status_code)


def _store(load, client, carrier):
    """The store: accept, prepare, make ready (pickup) or ship through GHN (ship)."""
    user = client("admin", "admin")

    def move(order_id, order_no, target):
        try:
            user.call("sale.order", "action_cc_transition", [order_id], context={"cc_target": target})
        except RpcError as error:
            with load.lock:
                load.refusals.append(f"{order_no} -> {target}: {error}")
            return False
        with load.lock:
            load.moved.setdefault(order_no, []).append(target)
        return True

    while not load.stop.is_set():
        for source, last in ((load.ship_queue, "shipped"), (load.pickup_queue, "ready")):
            try:
                order_no = source.get(timeout=0.5)
            except queue.Empty:
                continue
            order_id = user.call("sale.order", "search", [("name", "=", order_no)])[0]
            if not (move(order_id, order_no, "accepted") and move(order_id, order_no, "preparing")):
                continue
            if last == "ready":
                move(order_id, order_no, "ready")
                continue
            wizard = user.call("click_collect.ship", "create", {"order_id": order_id, "carrier_id": carrier})
            try:
                user.call("click_collect.ship", "action_ship", [wizard])
            except RpcError as error:
                with load.lock:
                    load.refusals.append(f"{order_no} ship: {error}")
                continue
            with load.lock:
                load.moved.setdefault(order_no, []).append("shipped")
            code = user.call("sale.order", "read", [order_id], ["cc_tracking_ref"])[0]["cc_tracking_ref"]
            load.deliver_queue.put((order_no, code))


def _courier(load, ghn_server, hook):
    """The courier: every shipment is picked up, then delivered; each callback is signed. As a
    courier does, a callback that got no answer (the connection broke) is sent again: the shop
    takes one event once."""
    while not load.stop.is_set() or not load.deliver_queue.empty():
        try:
            order_no, code = load.deliver_queue.get(timeout=0.5)
        except queue.Empty:
            continue
        for status in ("delivering", "delivered"):
            payload = ghn_server.webhook_payload(code, status)
            for attempt in range(3):
                try:
                    answer = ghn_server.send_webhook(hook, code, status, secret="e2e-token", hmac_secret="e2e-key",
                                                     payload=payload)
                    break
                except requests.ConnectionError:
                    if attempt == 2:
                        raise
                    load.status("courier callback resent", 0)
            load.status("courier callback", answer.status_code)
        with load.lock:
            load.delivered.add(order_no)


def test_twenty_web_shops_a_store_and_a_courier_for_a_minute(web_shop, client, odoo_server, ghn_server):
    admin = client("admin", "admin")
    carrier = _prepare(admin, ghn_server)
    load = Load()
    hook = f"{odoo_server}/click_collect/courier/{carrier}/webhook"
    threads = [load.thread(_web_shop_client, web_shop, n) for n in range(CLIENTS)]
    threads += [load.thread(_store, client, carrier) for _ in range(STORE_HANDS)]
    threads.append(load.thread(_courier, ghn_server, hook))
    run_for(threads, SECONDS, load.stop)
    assert not load.crashes, load.crashes

    _logger.info("load: %s requests, %s orders created, %s moved by the store, %s delivered, %s refusals %s",
                 len(load.statuses), len(load.created), len(load.moved), len(load.delivered), len(load.refusals),
                 load.refusals[:3])
    # no 5xx, and the load was real
    errors = [(who, code) for who, code in load.statuses if code >= 500]
    assert not errors, errors
    assert len(load.created) >= CLIENTS, (len(load.created), load.refusals[:5])
    assert load.delivered, ("no shipment went through", load.refusals[:5])

    # every order a client was told about exists exactly once, with the number it was told
    refs = list(load.created)
    orders = admin.call("sale.order", "search_read", [("cc_external_ref", "in", refs)], ["name", "cc_external_ref"])
    assert len(orders) == len(refs), "one order per request"
    assert {o["cc_external_ref"]: o["name"] for o in orders} == load.created

    # every change is on its order's timeline, in the order it happened
    by_name = {o["name"]: o["id"] for o in orders}
    for order_no in load.delivered:
        assert wait_for_state(admin, by_name[order_no], "delivered") == "delivered", order_no
    events = admin.call("click_collect.event", "search_read", [("order_id", "in", list(by_name.values()))],
                        ["order_id", "to_state", "channel"], order="id")
    timeline = {}
    for event in events:
        timeline.setdefault(event["order_id"][0], []).append((event["to_state"], event["channel"]))
    for order_no, order_id in by_name.items():
        states = [state for state, _channel in timeline.get(order_id, [])]
        expected = ["new", *load.moved.get(order_no, [])]
        if order_no in load.delivered:
            expected.append("delivered")
        assert states == expected, (order_no, timeline.get(order_id))
    for order_no in load.delivered:
        assert timeline[by_name[order_no]][-1] == ("delivered", "webhook")

    # every customer message of these orders was posted once and answered: the mail server and
    # the SMS service took each one, including the answers that came while another job was
    # changing the same message (recorded by the answer job, and by the retry job)
    retry_job = cron_id(admin, "click_collect.ir_cron_retry_customer_emails")

    def unanswered():
        run_cron(admin, retry_job)
        messages = admin.call("click_collect.notification", "search_read",
                              [("order_id", "in", list(by_name.values()))],
                              ["order_id", "step", "state", "email_result", "sms_result"])
        return [m for m in messages
                if m["state"] == "pending" or {m["email_result"], m["sms_result"]} & {"queued", "failed"}]

    assert wait_until(lambda: not unanswered(), timeout=180), unanswered()[:5]
