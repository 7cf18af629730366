"""A courier over real HTTP both ways: the store ships through the GHN test server, which then
calls the running Odoo back with signed status callbacks; Odoo's job applies them after commit."""

from conftest import ghn_carrier, new_ship_order, wait_for_state


def test_ship_then_courier_callbacks(client, odoo_server, ghn_server):
    admin = client("admin", "admin")
    carrier = ghn_carrier(admin, ghn_server, "GHN e2e")
    order = {"id": new_ship_order(admin)}
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
    assert wait_for_state(admin, order["id"], "delivered") == "delivered"
    replay = ghn_server.send_webhook(hook, code, "delivered", secret="e2e-token", hmac_secret="e2e-key",
                                     payload=delivered)
    assert replay.status_code == 200 and replay.json() == {"status": "duplicate"}
    events = admin.call("click_collect.courier.event", "search_read",
                        [("carrier_id", "=", carrier), ("tracking_ref", "=", code)], ["state"])
    assert [e["state"] for e in events] == ["done"]
    timeline = admin.call("click_collect.event", "search_read",
                          [("order_id", "=", order["id"]), ("to_state", "=", "delivered")], ["channel"])
    assert [e["channel"] for e in timeline] == ["webhook"]
