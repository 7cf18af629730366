"""A courier over real HTTP both ways: the store ships through the GHN test server, which then
calls the running Odoo back with signed status callbacks; Odoo's job applies them after commit."""

import pytest

from conftest import RpcError, cron_id, ghn_carrier, new_ship_order, run_cron, wait_for_state


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


def test_cash_on_delivery_paid_out_by_the_courier(client, odoo_server, ghn_server):
    """A COD shipment delivered (signed callback), GHN pays the cash out, the web-order manager
    reads the remittances: the order is done, the courier owes nothing for it."""
    admin = client("admin", "admin")
    carrier = ghn_carrier(admin, ghn_server, "GHN e2e cod")
    order = new_ship_order(admin, method="cod")
    wizard = admin.call("click_collect.ship", "create", {"order_id": order, "carrier_id": carrier})
    admin.call("click_collect.ship", "action_ship", [wizard])
    code = admin.call("sale.order", "read", [order], ["cc_tracking_ref"])[0]["cc_tracking_ref"]
    asked = ghn_server.orders[code]["cod_amount"]
    assert asked > 0, "the cash to collect went to the courier"
    hook = f"{odoo_server}/click_collect/courier/{carrier}/webhook"
    answer = ghn_server.send_webhook(hook, code, "delivered", secret="e2e-token", hmac_secret="e2e-key")
    assert answer.status_code == 200
    assert wait_for_state(admin, order, "awaiting_cod") == "awaiting_cod"

    manager = client("cc_manager")
    nothing = manager.call("delivery.carrier", "action_cc_fetch_remittances", [carrier])
    assert nothing["tag"] == "display_notification", "GHN has paid out nothing yet"
    ghn_server.pay_out_cod(code, "2026-11-20T09:44:09Z")
    # the scheduled job reads it (run now, as the scheduler runs it)
    run_cron(admin, cron_id(admin, "click_collect_cod.ir_cron_fetch_cod_remittances"))
    statements = manager.call("click_collect.cod.statement", "search_read", [("carrier_id", "=", carrier)],
                              ["name", "state", "amount_total"])
    assert [(s["name"], s["state"]) for s in statements] == [("GHN e2e cod 2026-11-20", "done")]
    assert admin.call("sale.order", "read", [order], ["cc_state"])[0]["cc_state"] == "done"
    again = manager.call("delivery.carrier", "action_cc_fetch_remittances", [carrier])
    assert again["tag"] == "display_notification", "read once"
    store_user = client("cc_store")
    with pytest.raises(RpcError):
        store_user.call("delivery.carrier", "action_cc_fetch_remittances", [carrier])
