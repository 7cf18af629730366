"""A web shop speaks to the API over real HTTP while the stores move its orders on.

The web shop creates orders by variant id and by EAN, follows them, registers a transfer and
cancels one; the stores move them through the flow in the web client; the web shop's own HTTP
server on 127.0.0.1 receives the signed status webhooks.
"""

import hashlib
import hmac
import json
import time
import uuid

import requests

SNEAKER_EAN = "5412345000013"
JACKET_EAN = "5412345000020"


def _variant_id(admin, default_code):
    return admin.call("product.product", "search", [("default_code", "=", default_code)])[0]


def _order_body(ref, fulfilment, store, method, lines, *, paid=False, reference=None):
    return {
        "external_ref": ref,
        "fulfilment": fulfilment,
        "store": store,
        "customer": {"name": "Eva E2E", "email": f"eva.{ref.lower()}@example.com", "phone": "+32 470 00 00 01",
                     "street": "Teststraat 1", "city": "Ghent", "zip": "9000", "country_code": "BE"},
        "payment": {"method": method, "paid": paid, "reference": reference},
        "lines": lines,
        "note": "end-to-end",
    }


def _order_id(admin, order_no):
    return admin.call("sale.order", "search", [("name", "=", order_no)])[0]


def _move(user, admin, order_no, *targets):
    order_id = _order_id(admin, order_no)
    for target in targets:
        user.call("sale.order", "action_cc_transition", [order_id], context={"cc_target": target})


def _signed(secret, header, body, tolerance=300):
    """The check the README gives web shops: the signature of "<t>.<body>", less than
    ``tolerance`` seconds old."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        stamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(parts.get("v1", ""), expected) and abs(time.time() - stamp) <= tolerance


def _verified(received, secret):
    """The webhooks whose signature is right, as dicts."""
    return [json.loads(hook["body"]) for hook in received
            if _signed(secret, hook["headers"].get("X-Click-Collect-Signature", ""), hook["body"])]


def _statuses(events, order_no):
    return [e["status"] for e in events if e["order_no"] == order_no]


def _create_orders(api, admin, run):
    """The web shop sends three orders: by variant id and EAN, by EAN, and a transfer."""
    pickup_body = _order_body(
        f"E2E-{run}-1", "pickup", "GHE", "pay_at_store",
        [{"variant_id": _variant_id(admin, "CC-BACKPACK"), "qty": 1}, {"ean": JACKET_EAN, "qty": 2}],
    )
    pickup = api.request("POST", "/orders", pickup_body, headers={"Idempotency-Key": f"e2e-{run}-1"})
    assert pickup.status_code == 201, pickup.text
    pickup = pickup.json()
    assert (pickup["status"], pickup["status_code"], pickup["store"]) == ("new", 1, "GHE")
    assert [line["ean"] for line in pickup["lines"]] == ["5412345000037", JACKET_EAN]
    # the web shop retries the same request: the same answer, no second order
    again = api.request("POST", "/orders", pickup_body, headers={"Idempotency-Key": f"e2e-{run}-1"})
    assert again.status_code == 201 and again.json()["order_no"] == pickup["order_no"]
    assert len(admin.call("sale.order", "search", [("cc_external_ref", "=", f"E2E-{run}-1")])) == 1

    ship = api.request("POST", "/orders", _order_body(
        f"E2E-{run}-2", "ship", "CEN", "online", [{"ean": SNEAKER_EAN, "qty": 1}], paid=True,
        reference=f"PSP-{run}",
    ))
    assert ship.status_code == 201, ship.text
    ship = ship.json()
    assert ship["paid"] is True

    # a transfer order waits for its money, which the web shop reports
    transfer = api.request("POST", "/orders", _order_body(
        f"E2E-{run}-3", "pickup", "GHE", "transfer", [{"ean": SNEAKER_EAN, "qty": 1}],
    )).json()
    assert transfer["paid"] is False
    paid = api.request("POST", f"/orders/{transfer['order_no']}/payments",
                       {"amount": transfer["amount_total"], "reference": f"BANK-{run}", "method": "transfer"})
    assert paid.status_code == 201, paid.text
    assert paid.json()["paid"] is True
    return pickup, ship, transfer


def _follow(api, pickup, ship, transfer, run):
    followed = api.request("GET", f"/orders/{pickup['order_no']}").json()
    assert (followed["status"], followed["status_code"]) == ("ready", 5)
    assert [t["status"] for t in followed["timeline"]] == ["new", "accepted", "preparing", "ready"]
    assert {t["store"] for t in followed["timeline"]} == {"GHE"}
    shipped = api.request("GET", f"/orders/{ship['order_no']}").json()
    assert (shipped["status"], shipped["carrier"], shipped["tracking_ref"]) == ("shipped", "bpost", f"TRK{run}")
    for status in ("ready", "5"):
        listed = api.request("GET", "/orders", params={"status": status, "limit": 200}).json()
        assert pickup["order_no"] in {o["order_no"] for o in listed["orders"]}
        assert {o["status"] for o in listed["orders"]} == {"ready"}
    everything = api.request("GET", "/orders", params={"status": "All", "updated_since": pickup["updated_at"]})
    assert {pickup["order_no"], ship["order_no"], transfer["order_no"]} <= {
        o["order_no"] for o in everything.json()["orders"]}


def _check_webhooks(receiver, secret, expected):
    """Every change of state reached the web shop, signed with its secret."""
    def complete(received):
        events = _verified(received, secret)
        return all(sorted(_statuses(events, no)) == sorted(states) for no, states in expected.items())

    received = receiver.wait_for(complete)
    events = _verified(received, secret)
    assert len(events) == len(received), "every webhook is signed with the web shop's secret"
    for order_no, states in expected.items():
        assert sorted(_statuses(events, order_no)) == sorted(states), (order_no, events)
    assert len({e["event_id"] for e in events}) == len(events), "each event has its own id"
    for hook in received:
        payload = json.loads(hook["body"])
        assert hook["headers"]["X-Click-Collect-Event-Id"] == payload["event_id"]


def test_web_shop_follows_its_orders_through_the_flow(web_shop, client):
    api = web_shop["api"]
    admin = client("admin", "admin")
    run = uuid.uuid4().hex[:6].upper()
    doc = api.session.get(api.base + "/openapi.json", timeout=30).json()
    assert doc["openapi"].startswith("3.1")

    pickup, ship, transfer = _create_orders(api, admin, run)

    # the Ghent store user prepares the pickup order and accepts the paid transfer order
    store_user = client("cc_store")
    _move(store_user, admin, pickup["order_no"], "accepted", "preparing", "ready")
    _move(store_user, admin, transfer["order_no"], "accepted")
    # the web-order manager ships the online order
    manager = client("cc_manager")
    _move(manager, admin, ship["order_no"], "accepted", "preparing")
    wizard = manager.call("click_collect.ship", "create", {
        "order_id": _order_id(admin, ship["order_no"]), "courier_name": "bpost", "tracking_ref": f"TRK{run}",
    })
    manager.call("click_collect.ship", "action_ship", [wizard])

    _follow(api, pickup, ship, transfer, run)

    # the web shop cancels the transfer order; a shipped order cannot be cancelled any more
    cancelled = api.request("POST", f"/orders/{transfer['order_no']}/cancel", {"reason": "customer asked"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    refused = api.request("POST", f"/orders/{ship['order_no']}/cancel")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "invalid_transition"

    # an order of no web shop is not the web shop's business
    other = admin.call("sale.order", "search", [("cc_web_shop_id", "=", False), ("cc_fulfilment", "!=", False)],
                       limit=1)
    other_name = admin.call("sale.order", "read", other, ["name"])[0]["name"]
    missing = api.request("GET", f"/orders/{other_name}")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "order_not_found", "message": "Order could not be found"}}

    expected = {
        pickup["order_no"]: ["new", "accepted", "preparing", "ready"],
        ship["order_no"]: ["new", "accepted", "preparing", "shipped"],
        transfer["order_no"]: ["new", "accepted", "cancelled"],
    }
    _check_webhooks(web_shop["receiver"], web_shop["secret"], expected)

    # the back office sees them delivered (the server records it just after the web shop answered)
    deadline = time.time() + 30
    while True:
        states = {d["state"] for d in admin.call("click_collect.webhook.delivery", "search_read",
                                                 [("order_id.name", "in", list(expected))], ["state"])}
        if states == {"done"} or time.time() > deadline:
            break
        time.sleep(0.2)
    assert states == {"done"}


def test_api_refuses_without_a_key_and_answers_json(web_shop):
    base = web_shop["api"].base
    no_key = requests.get(base + "/orders", timeout=30)
    assert no_key.status_code == 401
    assert no_key.json()["error"]["code"] == "unauthorized"
    wrong = requests.get(base + "/orders", headers={"Authorization": "Bearer nope"}, timeout=30)
    assert wrong.status_code == 401
    unknown_store = web_shop["api"].request("POST", "/orders", _order_body(
        "E2E-BAD", "pickup", "NOWHERE", "pay_at_store", [{"ean": SNEAKER_EAN, "qty": 1}]))
    assert unknown_store.status_code == 422
    assert unknown_store.json()["error"]["code"] == "unknown_store"
