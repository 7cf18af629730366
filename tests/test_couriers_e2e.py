"""A courier over real HTTP both ways: the store ships through the GHN test server, which then
calls the running Odoo back with signed status callbacks; Odoo's job applies them after commit."""

import time

import pytest

from odoo.addons.click_collect.tests.couriers.ghn_server import FakeGhn


@pytest.fixture
def ghn_server():
    server = FakeGhn().start()
    yield server
    server.stop()


def _wait_for_state(admin, order_id, state, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        current = admin.call("sale.order", "read", [order_id], ["cc_state"])[0]["cc_state"]
        if current == state:
            return current
        time.sleep(1)
    return current


def _new_ship_order(admin):
    """A paid ship-from-store order of the central warehouse, being prepared."""
    store = admin.call("stock.warehouse", "search", [("code", "=", "CEN")])[0]
    customer = admin.call("res.partner", "search", [("email", "=", "anna.peeters@example.com")])[0]
    product = admin.call("product.product", "search", [("barcode", "=", "5412345000013")])[0]
    order = admin.call("sale.order", "create", {
        "partner_id": customer, "cc_fulfilment": "ship", "cc_store_id": store, "cc_payment_method": "transfer",
        "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 1}]],
    })
    admin.call("sale.order", "action_confirm", [order])
    payment = admin.call("click_collect.payment.register", "create", {"order_id": order, "reference": "E2E-BANK"})
    admin.call("click_collect.payment.register", "action_register", [payment])
    for target in ("accepted", "preparing"):
        admin.call("sale.order", "action_cc_transition", [order], context={"cc_target": target})
    return order


def test_ship_then_courier_callbacks(client, odoo_server, ghn_server):
    admin = client("admin", "admin")
    product = admin.call("product.product", "create", {"name": "GHN e2e fee", "type": "service"})
    carrier = admin.call("delivery.carrier", "create", {
        "name": "GHN e2e", "delivery_type": "cc_ghn", "product_id": product,
        "cc_endpoint_url": ghn_server.url, "cc_ghn_token": "ghn-test-token", "cc_ghn_shop_id": "885",
        "cc_timeout": 5, "cc_retries": 1, "allow_cash_on_delivery": True,
        "cc_webhook_secret": "e2e-token", "cc_webhook_hmac_secret": "e2e-key",
    })
    order = {"id": _new_ship_order(admin)}
    wizard = admin.call("click_collect.ship", "create", {"order_id": order["id"], "carrier_id": carrier})
    admin.call("click_collect.ship", "action_ship", [wizard])
    shipped = admin.call("sale.order", "read", [order["id"]], ["cc_state", "cc_tracking_ref"])[0]
    assert shipped["cc_state"] == "shipped"
    code = shipped["cc_tracking_ref"]
    assert code in ghn_server.orders

    hook = f"{odoo_server}/click_collect/courier/{carrier}/webhook"
    delivered = ghn_server.webhook_payload(code, "delivered")
    refused = ghn_server.send_webhook(hook, code, "delivered", secret="e2e-token", hmac_secret="wrong-key",
                                      payload=delivered)
    assert refused.status_code == 401
    answer = ghn_server.send_webhook(hook, code, "delivered", secret="e2e-token", hmac_secret="e2e-key",
                                     payload=delivered)
    assert answer.status_code == 200 and answer.json() == {"status": "accepted"}
    assert _wait_for_state(admin, order["id"], "delivered") == "delivered"
    replay = ghn_server.send_webhook(hook, code, "delivered", secret="e2e-token", hmac_secret="e2e-key",
                                     payload=delivered)
    assert replay.status_code == 200 and replay.json() == {"status": "duplicate"}
    events = admin.call("click_collect.courier.event", "search_read", [("tracking_ref", "=", code)], ["state"])
    assert [e["state"] for e in events] == ["done"]
    timeline = admin.call("click_collect.event", "search_read",
                          [("order_id", "=", order["id"]), ("to_state", "=", "delivered")], ["channel"])
    assert [e["channel"] for e in timeline] == ["webhook"]
