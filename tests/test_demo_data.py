"""The demo database shows every part of the flow (what `./run demo` serves)."""

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def test_demo_shows_the_tills_the_counter_and_the_courier_cash(client):
    """Demo files, loaded once: the stores' tills, a point of sale per shop with its cashiers,
    a wrong pickup code refused at the Brussels counter, a cash-on-delivery order awaiting its
    cash and the courier's remittance that names it."""
    admin = client("admin", "admin")
    stores = admin.call("stock.warehouse", "search_read", [("code", "in", ["BRU", "GHE", "CEN"])],
                        ["cc_cash_journal_id", "cc_bank_journal_id"])
    assert len(stores) == 3 and all(s["cc_cash_journal_id"] and s["cc_bank_journal_id"] for s in stores)
    tills = admin.call("pos.config", "search_read", [("name", "in", ["Brussels Store POS", "Ghent Store POS"])],
                       ["picking_type_id", "payment_method_ids"])
    assert len(tills) == 2 and all(len(t["payment_method_ids"]) == 2 for t in tills)
    for login in ("cc_store_mgr", "cc_store"):
        user = admin.call("res.users", "search_read", [("login", "=", login)], ["id"])[0]
        assert admin.call("res.users", "has_group", [user["id"]], "point_of_sale.group_pos_user")
    refused = admin.call("click_collect.event", "search_count",
                         [("channel", "=", "scan"), ("refused", "=", True), ("store_id.code", "=", "BRU"),
                          ("to_state", "=", "collected")])
    assert refused >= 1
    awaiting = admin.call("sale.order", "search_read", [("cc_state", "=", "awaiting_cod")], ["cc_tracking_ref"])
    lines = admin.call("click_collect.cod.statement.line", "search_read",
                       [("statement_id.name", "=", "REMIT-0001")], ["tracking_ref", "amount"])
    assert {line["tracking_ref"] for line in lines} == {awaiting[0]["cc_tracking_ref"], "TRK99999999"}
    assert all(line["amount"] > 0 for line in lines)


def test_demo_shows_a_customer_waiting_at_the_curb(client):
    """A ready order whose customer said from its page that they are here, at a store with
    curbside bays."""
    admin = client("admin", "admin")
    here = admin.call("sale.order", "search_read", [("cc_state", "=", "ready"), ("cc_arrival", "=", "arrived")],
                      ["cc_store_id", "cc_arrival_note"])
    assert here and all(order["cc_arrival_note"] for order in here)
    store = admin.call("stock.warehouse", "read", [here[0]["cc_store_id"][0]], ["cc_curbside", "cc_curbside_bays"])[0]
    assert store["cc_curbside"] and store["cc_curbside_bays"]


def test_demo_shows_late_orders_in_every_store(client):
    """A busy hour: each store has web orders past its service level (late, in red) beside
    others; Brussels sets its own service levels, the other stores take the company's."""
    admin = client("admin", "admin")
    for code in ("BRU", "GHE", "CEN"):
        late = admin.call("sale.order", "search_read",
                          [("cc_store_id.code", "=", code), ("cc_sla_state", "=", "late")], ["cc_state"])
        assert late, f"no late web order at {code}"
        assert {o["cc_state"] for o in late} <= {"new", "accepted", "preparing", "in_transit"}
    for code in ("BRU", "GHE"):  # their orders ready for pickup wait for days: on time
        others = admin.call("sale.order", "search_count", [
            ("cc_store_id.code", "=", code), ("cc_sla_state", "in", ["due_soon", "on_time"])])
        assert others, f"every open web order of {code} is late"
    brussels = admin.call("stock.warehouse", "search_read", [("code", "=", "BRU")],
                          ["cc_accept_minutes", "cc_ready_hours"])[0]
    assert (brussels["cc_accept_minutes"], brussels["cc_ready_hours"]) == (20, 2.0)


def test_demo_shows_returns_in_both_refund_modes(client):
    """Demo files, loaded once: WEB-1008 partly returned (its jacket at Ghent, owed by the back
    office; its sneaker at the Brussels till, paid back in cash), the central store's parcel
    fully returned (its socks paid back by the web shop's provider, its sneakers damaged at the
    Brussels till, kept apart in Brussels' damaged returns location), the till's session closed
    with both refunds counted, and a return announced by post."""
    admin = client("admin", "admin")
    [partly] = admin.call("sale.order", "search_read", [("cc_external_ref", "=", "WEB-1008")],
                          ["cc_return_state", "cc_return_ids"])
    assert partly["cc_return_state"] == "partial"
    returns = admin.call("click_collect.return", "search_read", [("order_id.cc_return_state", "!=", False)],
                         ["order_id", "state", "refund_mode", "store_id", "pos_order_id", "refund_reference",
                          "line_ids"])
    seen = {(r["order_id"][0] == partly["id"], r["state"], r["refund_mode"], r["store_id"][1]) for r in returns}
    assert {(True, "received", "owed", "Ghent Store"), (True, "refunded", "till", "Brussels Store"),
            (False, "refunded", "owed", "Central Warehouse"),
            (False, "refunded", "till", "Brussels Store")} <= seen, seen
    [full] = {r["order_id"][0] for r in returns if r["refund_reference"] == "PSP-REFUND-1020"}
    assert admin.call("sale.order", "read", [full], ["cc_return_state"])[0]["cc_return_state"] == "returned"
    till = [r for r in returns if r["refund_mode"] == "till"]
    refunds = admin.call("pos.order", "search_read", [("id", "in", [r["pos_order_id"][0] for r in till])],
                         ["amount_total", "session_id"])
    assert len(refunds) == 2 and all(o["amount_total"] < 0 for o in refunds)
    [session] = admin.call("pos.session", "read", list({o["session_id"][0] for o in refunds}),
                           ["state", "config_id", "cash_register_difference"])
    assert (session["state"], session["config_id"][1], session["cash_register_difference"]) == \
        ("closed", "Brussels Store POS", 0)
    damaged = [r for r in till if r["order_id"][0] == full]
    lines = admin.call("click_collect.return.line", "read", damaged[0]["line_ids"], ["condition"])
    assert {line["condition"] for line in lines} == {"damaged"}
    kept_apart = admin.call("stock.quant", "search_read", [("location_id.name", "=", "Damaged Returns"),
                                                           ("location_id.warehouse_id.code", "=", "BRU")],
                            ["quantity"])
    assert sum(q["quantity"] for q in kept_apart) == 2
    assert admin.call("click_collect.return", "search_count",
                      [("state", "=", "requested"), ("tracking_ref", "!=", False)])


def _free_ports(count):
    """A first port of ``count`` free ports in a row on 127.0.0.1."""
    for _attempt in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            sockets = []
            for port in range(first, first + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no free ports in a row")


def test_demo_works_offline(client):
    """The demo's couriers talk to the stand-ins that ./run demo starts on 127.0.0.1
    (scripts/demo_services.py, first port 8169: SMS, GHN, DHL Express, mail), with the demo's
    credentials: "Test Connection" works without the internet."""
    admin = client("admin", "admin")
    carriers = {}
    for module, xmlid in (("delivery_ghn", "carrier_ghn_demo"), ("delivery_dhl_express", "carrier_dhl_demo")):
        res_id = admin.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", xmlid)],
                            ["res_id"])[0]["res_id"]
        carriers[xmlid] = admin.call("delivery.carrier", "read", [res_id], ["courier_endpoint_url"])[0]
    assert carriers["carrier_ghn_demo"]["courier_endpoint_url"] == "http://127.0.0.1:8170"
    assert carriers["carrier_dhl_demo"]["courier_endpoint_url"] == "http://127.0.0.1:8171"
    first = _free_ports(4)
    services = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "demo_services.py"), "--port", str(first)],
                                stdout=subprocess.PIPE, text=True)
    try:
        assert "SMS service" in services.stdout.readline()
        for offset, carrier in ((1, carriers["carrier_ghn_demo"]), (2, carriers["carrier_dhl_demo"])):
            admin.call("delivery.carrier", "write", [carrier["id"]],
                       {"courier_endpoint_url": f"http://127.0.0.1:{first + offset}"})
            answer = admin.call("delivery.carrier", "action_courier_test_connection", [carrier["id"]])
            assert answer["params"]["type"] == "success"
    finally:
        services.terminate()
        services.wait(timeout=10)
        for carrier in carriers.values():
            admin.call("delivery.carrier", "write", [carrier["id"]],
                       {"courier_endpoint_url": carrier["courier_endpoint_url"]})
