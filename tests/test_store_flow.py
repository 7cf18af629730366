"""A store user works through the web client over real HTTP: only their store, one door."""

import pytest

from conftest import RpcError


def _order(admin, store_code, state, operator="="):
    ids = admin.call("sale.order", "search", [
        ("cc_store_id.code", operator, store_code), ("cc_state", "=", state),
    ], limit=1)
    assert ids, f"demo data has an order in {state} at a store {operator} {store_code}"
    return admin.call("sale.order", "read", ids, ["name", "cc_state", "cc_store_id"])[0]


def test_store_user_sees_only_own_store(client):
    store_user = client("cc_store")  # Ghent
    orders = store_user.call("sale.order", "search_read", [("cc_fulfilment", "!=", False)], ["cc_store_id"])
    assert orders
    assert {o["cc_store_id"][1] for o in orders} == {"Ghent Store"}


def test_store_user_moves_own_order_and_is_refused_another(client):
    admin = client("admin", "admin")
    ghent = _order(admin, "GHE", "accepted")
    other_store = _order(admin, "GHE", "accepted", operator="!=")
    store_user = client("cc_store")
    store_user.call("sale.order", "action_cc_transition", [ghent["id"]], context={"cc_target": "preparing"})
    assert admin.call("sale.order", "read", [ghent["id"]], ["cc_state"])[0]["cc_state"] == "preparing"
    events = admin.call("click_collect.event", "search_read",
                        [("order_id", "=", ghent["id"]), ("to_state", "=", "preparing")], ["user_id", "channel"])
    assert events[0]["user_id"][0] == store_user.uid
    with pytest.raises(RpcError):
        store_user.call("sale.order", "action_cc_transition", [other_store["id"]], context={"cc_target": "preparing"})
    assert admin.call("sale.order", "read", [other_store["id"]], ["cc_state"])[0]["cc_state"] == "accepted"


def test_refused_transition_message(client):
    admin = client("admin", "admin")
    new_transfer = admin.call("sale.order", "search_read", [
        ("cc_state", "=", "new"), ("cc_payment_method", "=", "transfer"), ("cc_payment_state", "!=", "paid"),
    ], ["name"], limit=1)[0]
    with pytest.raises(RpcError) as error:
        admin.call("sale.order", "action_cc_transition", [new_transfer["id"]], context={"cc_target": "accepted"})
    assert error.value.name == "odoo.exceptions.UserError"
    assert new_transfer["name"] in str(error.value)
    assert "Bank transfer" in str(error.value)


def test_delivery_scan_screen(client):
    admin = client("admin", "admin")
    ready = _order(admin, "GHE", "ready")
    store_user = client("cc_store")
    unknown = store_user.call("click_collect.scan", "create", {"mode": "delivery", "code": "NO-SUCH-ORDER"})
    with pytest.raises(RpcError) as error:
        store_user.call("click_collect.scan", "action_do", [unknown])
    assert "Order could not be found" in str(error.value)
    other = _order(admin, "GHE", "ready", operator="!=")
    scan = store_user.call("click_collect.scan", "create", {"mode": "delivery", "code": other["name"]})
    with pytest.raises(RpcError) as error:
        store_user.call("click_collect.scan", "action_do", [scan])
    assert "another store" in str(error.value)
    # the Ghent order waits for its payment at the counter, then is handed over
    state = admin.call("sale.order", "read", [ready["id"]], ["cc_payment_state", "amount_total"])[0]
    if state["cc_payment_state"] != "paid":
        wizard = store_user.call("click_collect.payment.register", "create", {
            "order_id": ready["id"], "reference": "TILL-E2E", "method": "pay_at_store",
        })
        store_user.call("click_collect.payment.register", "action_register", [wizard])
    scan = store_user.call("click_collect.scan", "create", {"mode": "delivery", "code": ready["name"]})
    action = store_user.call("click_collect.scan", "action_do", [scan])
    assert ready["name"] in action["context"]["default_done_message"]
    assert admin.call("sale.order", "read", [ready["id"]], ["cc_state"])[0]["cc_state"] == "collected"
