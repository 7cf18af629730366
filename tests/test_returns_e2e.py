"""A customer sends goods of a collected web order back: the web shop announces the return over
the API, the store receives it on its return screen (JSON-RPC, as the web client does), the back
office pays the customer back; the web shop hears each step through its signed webhooks and
reads the return in the order's answer."""

import time
import uuid

from test_api_e2e import JACKET_EAN, _move, _order_body, _order_id, _verified

from conftest import API_PREFIX, ghn_carrier, wait_for_state


def _returns_events(receiver, secret, order_no, types):
    """The return webhooks of ``order_no``, once every type in ``types`` arrived."""
    def arrived(received):
        got = {e.get("type") for e in _verified(received, secret) if e["order_no"] == order_no}
        return set(types) <= got

    received = receiver.wait_for(arrived)
    return [e for e in _verified(received, secret) if e["order_no"] == order_no and e.get("type") in types]


def test_announced_return_received_at_the_store_then_refunded(web_shop, client):
    api, receiver, secret = web_shop["api"], web_shop["receiver"], web_shop["secret"]
    admin = client("admin", "admin")
    run = uuid.uuid4().hex[:6].upper()
    created = api.request("POST", "/orders", _order_body(
        f"RET-{run}", "pickup", "GHE", "online", [{"ean": JACKET_EAN, "qty": 2}], paid=True,
        reference=f"PSP-{run}",
    ))
    assert created.status_code == 201, created.text
    order_no = created.json()["order_no"]
    order_id = _order_id(admin, order_no)

    # the Ghent store (which does not ask for the pickup code) prepares it and hands it over
    store_user = client("cc_store")
    _move(store_user, admin, order_no, "accepted", "preparing", "ready", "collected")
    assert api.request("GET", f"/orders/{order_no}").json()["status"] == "collected"

    # the customer starts a return in the web shop: one jacket, by post to Ghent
    announced = api.request("POST", f"/orders/{order_no}/returns", {
        "lines": [{"ean": JACKET_EAN, "qty": 1}], "reason": "does not fit", "note": "Sleeves too short",
        "external_ref": f"RMA-{run}", "store": "GHE", "courier": "bpost", "tracking_ref": f"3232{run}",
    })
    assert announced.status_code == 201, announced.text
    [ret] = announced.json()["returns"]
    [sold] = admin.call("sale.order.line", "search_read", [("order_id", "=", order_id), ("product_id.barcode", "=",
                                                          JACKET_EAN)], ["price_total", "product_uom_qty"])
    unit = round(sold["price_total"] / sold["product_uom_qty"], 2)
    assert (ret["status"], ret["external_ref"], ret["refund_amount"]) == ("requested", f"RMA-{run}", unit)
    assert (ret["courier"], ret["tracking_ref"]) == ("bpost", f"3232{run}")
    # the same return announced twice is refused
    again = api.request("POST", f"/orders/{order_no}/returns", {
        "lines": [{"ean": JACKET_EAN, "qty": 1}], "external_ref": f"RMA-{run}", "store": "GHE",
    })
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate_external_ref"

    # the parcel arrives at Ghent: the clerk scans its tracking number on the return screen,
    # which picks up the announced return, and receives the jacket damaged
    wizard = store_user.call("click_collect.return.receive", "create", {"code": f"3232{run}"})
    store_user.call("click_collect.return.receive", "action_find", [wizard])
    found = store_user.call("click_collect.return.receive", "read", [wizard], ["return_id", "line_ids"])[0]
    assert found["return_id"][1].startswith(ret["return_no"]), found
    [line] = found["line_ids"]
    store_user.call("click_collect.return.receive.line", "write", [line], {"condition": "damaged"})
    opened = store_user.call("click_collect.return.receive", "action_receive", [wizard])
    return_id = opened["res_id"]

    [received] = _returns_events(receiver, secret, order_no, {"order.return_received"})
    assert received["return_status"] == "partial"
    assert (received["return"]["status"], received["return"]["lines"][0]["condition"]) == ("received", "damaged")

    # the back office pays the customer back through the payment provider and says so
    manager = client("cc_manager")
    manager.call("click_collect.return", "action_cc_mark_refunded", [return_id], f"PSP-REFUND-{run}")
    [refunded] = _returns_events(receiver, secret, order_no, {"order.refunded"})
    assert (refunded["return"]["status"], refunded["return"]["refund_reference"]) == \
        ("refunded", f"PSP-REFUND-{run}")

    answer = api.request("GET", f"/orders/{order_no}").json()
    assert answer["return_status"] == "partial"
    assert [(r["status"], r["refund_amount"]) for r in answer["returns"]] == [("refunded", unit)]
    # the webhooks reach the web shop once each, and the back office sees them delivered
    deadline = time.time() + 30
    while True:
        states = admin.call("click_collect.webhook.delivery", "search_read",
                            [("order_id", "=", order_id), ("event_id.return_id", "=", return_id)], ["state"])
        if {d["state"] for d in states} == {"done"} or time.time() > deadline:
            break
        time.sleep(0.2)
    assert [d["state"] for d in states] == ["done", "done"]


def test_a_parcel_sent_back_with_the_couriers_label(web_shop, client, odoo_server, ghn_server):
    """A ship order delivered by GHN: the web shop asks for GHN's return label, gives it to the
    customer, the parcel comes back to the store that shipped it, whose clerk scans its
    tracking number and receives it."""
    api = web_shop["api"]
    admin = client("admin", "admin")
    manager = client("cc_manager")
    carrier = ghn_carrier(admin, ghn_server, "GHN e2e returns")
    run = uuid.uuid4().hex[:6].upper()
    created = api.request("POST", "/orders", _order_body(
        f"RLB-{run}", "ship", "CEN", "transfer", [{"ean": JACKET_EAN, "qty": 1}], paid=True, reference=f"BANK-{run}",
    ))
    assert created.status_code == 201, created.text
    order_no = created.json()["order_no"]
    order_id = _order_id(admin, order_no)
    _move(manager, admin, order_no, "accepted", "preparing")
    wizard = manager.call("click_collect.ship", "create", {"order_id": order_id, "carrier_id": carrier})
    manager.call("click_collect.ship", "action_ship", [wizard])
    shipped = admin.call("sale.order", "read", [order_id], ["cc_tracking_ref"])[0]["cc_tracking_ref"]
    hook = f"{odoo_server}/click_collect/courier/{carrier}/webhook"
    answer = ghn_server.send_webhook(hook, shipped, "delivered", secret="e2e-token", hmac_secret="e2e-key")
    assert answer.status_code == 200
    assert wait_for_state(admin, order_id, "delivered") == "delivered"

    announced = api.request("POST", f"/orders/{order_no}/returns", {
        "lines": [{"ean": JACKET_EAN, "qty": 1}], "reason": "does not fit", "return_label": True,
    })
    assert announced.status_code == 201, announced.text
    [ret] = announced.json()["returns"]
    booked = ghn_server.orders[ret["tracking_ref"]]["payload"]
    assert (ret["courier"], ret["store"], booked["from_name"], booked["cod_amount"]) == \
        ("GHN e2e returns", "CEN", "Eva E2E", 0)
    label = api.request("GET", ret["label_url"].removeprefix(API_PREFIX))
    assert label.status_code == 200 and label.headers["Content-Type"] == "application/pdf"
    assert label.content.startswith(b"%PDF")

    # the parcel arrives at the central store: the clerk scans the label's tracking number
    wizard = manager.call("click_collect.return.receive", "create", {"code": ret["tracking_ref"]})
    manager.call("click_collect.return.receive", "action_find", [wizard])
    found = manager.call("click_collect.return.receive", "read", [wizard], ["return_id"])[0]
    assert found["return_id"][1].startswith(ret["return_no"]), found
    manager.call("click_collect.return.receive", "action_receive", [wizard])
    answer = api.request("GET", f"/orders/{order_no}").json()
    assert [(r["status"], r["label_url"]) for r in answer["returns"]] == [("received", None)]
    assert api.request("GET", ret["label_url"].removeprefix(API_PREFIX)).status_code == 404
