"""The demo database shows every part of the flow (what `./run demo` serves)."""

PICKUP_STATES = {"new", "accepted", "preparing", "in_transit", "ready", "collected", "expired", "cancelled"}
SHIP_STATES = {"new", "accepted", "preparing", "shipped", "failed", "returned", "delivered",
               "awaiting_cod", "done", "cancelled"}


def test_demo_has_every_state_of_both_fulfilments(client):
    admin = client("admin", "admin")
    groups = admin.call("sale.order", "read_group", [("cc_fulfilment", "!=", False)],
                        ["cc_fulfilment", "cc_state"], ["cc_fulfilment", "cc_state"], lazy=False)
    seen = {(g["cc_fulfilment"], g["cc_state"]) for g in groups}
    assert {("pickup", s) for s in PICKUP_STATES} <= seen
    assert {("ship", s) for s in SHIP_STATES} <= seen


def test_demo_has_stores_web_shop_products_and_users(client):
    admin = client("admin", "admin")
    stores = admin.call("stock.warehouse", "search_read", [("cc_is_store", "=", True)], ["code"])
    assert {"BRU", "GHE", "CEN"} <= {s["code"] for s in stores}
    shops = admin.call("click_collect.web.shop", "search_read", [], ["code", "turnover_store_id"])
    assert any(s["code"] == "DEMO" and s["turnover_store_id"] for s in shops)
    products = admin.call("product.product", "search_read", [("barcode", "like", "5412345%")], ["barcode"])
    assert len(products) >= 4
    for login in ("cc_manager", "cc_store_mgr", "cc_store"):
        assert client(login).uid


def test_every_demo_order_has_a_timeline(client):
    admin = client("admin", "admin")
    orders = admin.call("sale.order", "search_read", [("cc_fulfilment", "!=", False)], ["cc_state", "cc_event_ids"])
    for order in orders:
        events = admin.call("click_collect.event", "read", order["cc_event_ids"], ["to_state"])
        assert order["cc_state"] in {e["to_state"] for e in events}
        assert "new" in {e["to_state"] for e in events}
