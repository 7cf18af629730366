"""Two people, two courier callbacks or two web-shop requests act on the same order at the same
moment, over HTTP, in parallel transactions: exactly one wins, the other is told (or given the
winner's answer), and nothing happens twice (stock, payment, courier event, order, timeline)."""

import threading
import uuid

from conftest import RpcError, WebShopApi, ghn_carrier, new_ship_order, wait_for_state


def _ready_order(admin, store_code="GHE", targets=("accepted", "preparing", "ready")):
    """A pay-at-store order of a store that does not ask for the pickup code, moved to the last
    of ``targets`` (ready by default)."""
    store = admin.call("stock.warehouse", "search", [("code", "=", store_code)])[0]
    customer = admin.call("res.partner", "search", [("email", "=", "noah.claes@example.com")])[0]
    product = admin.call("product.product", "search", [("barcode", "=", "5412345000037")])[0]
    order = admin.call("sale.order", "create", {
        "partner_id": customer, "cc_fulfilment": "pickup", "cc_store_id": store, "cc_payment_method": "pay_at_store",
        "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 1}]],
    })
    admin.call("sale.order", "action_confirm", [order])
    for target in targets:
        admin.call("sale.order", "action_cc_transition", [order], context={"cc_target": target})
    return order, product, store


def _two_at_once(client, order, target):
    """The Ghent store user and an administrator move ``order`` to ``target`` at the same moment:
    one wins, the other is told, one line on the timeline."""
    people = [client("cc_store"), client("admin", "admin")]
    results, errors = _race([
        lambda user=user: user.call("sale.order", "action_cc_transition", [order], context={"cc_target": target})
        for user in people
    ])
    assert len(results) == 1 and len(errors) == 1, (results, [str(e) for e in errors])
    assert "cannot become" in str(errors[0]) or "changed" in str(errors[0])
    events = people[1].call("click_collect.event", "search_read",
                            [("order_id", "=", order), ("to_state", "=", target)], ["id"])
    assert len(events) == 1, "one line on the timeline"


def test_two_accepts_at_once(client):
    admin = client("admin", "admin")
    order, _product, _store = _ready_order(admin, targets=())
    _two_at_once(client, order, "accepted")
    messages = admin.call("click_collect.notification", "search_read",
                          [("order_id", "=", order), ("step", "=", "accepted")], ["id"])
    assert len(messages) == 1, "the customer is told once"


def _race(calls):
    """Run the calls at the same moment; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        barrier.wait()
        try:
            results.append(call())
        except RpcError as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results, errors


def test_two_hand_overs_at_once(client):
    admin = client("admin", "admin")
    order, product, store = _ready_order(admin)
    payment = admin.call("click_collect.payment.register", "create", {"order_id": order, "reference": "RACE-TILL"})
    admin.call("click_collect.payment.register", "action_register", [payment])
    on_hand = admin.call("product.product", "read", [product], ["qty_available"],
                         context={"warehouse_id": store})[0]["qty_available"]
    _two_at_once(client, order, "collected")
    after = admin.call("product.product", "read", [product], ["qty_available"],
                       context={"warehouse_id": store})[0]["qty_available"]
    assert after == on_hand - 1, "the goods left the store once"


def test_two_payments_at_once(client):
    admin = client("admin", "admin")
    order, _product, _store = _ready_order(admin)
    cashiers = [client("cc_store"), client("admin", "admin")]
    wizards = [
        user.call("click_collect.payment.register", "create", {"order_id": order, "reference": f"RACE-{n}"})
        for n, user in enumerate(cashiers)
    ]
    results, errors = _race([
        lambda user=user, wizard=wizard: user.call("click_collect.payment.register", "action_register", [wizard])
        for user, wizard in zip(cashiers, wizards, strict=True)
    ])
    assert len(results) == 1 and len(errors) == 1, (results, [str(e) for e in errors])
    assert "paid already" in str(errors[0])
    paid = admin.call("sale.order", "read", [order], ["cc_amount_paid", "amount_total"])[0]
    assert paid["cc_amount_paid"] == paid["amount_total"], "paid once, not twice"


def test_two_deliveries_of_one_courier_event(client, odoo_server, ghn_server):
    """The courier sends the same callback twice at once (its retry crossing the first): stored
    once, applied once, one line on the timeline."""
    admin = client("admin", "admin")
    carrier = ghn_carrier(admin, ghn_server, "GHN race")
    order = new_ship_order(admin)
    wizard = admin.call("click_collect.ship", "create", {"order_id": order, "carrier_id": carrier})
    admin.call("click_collect.ship", "action_ship", [wizard])
    code = admin.call("sale.order", "read", [order], ["cc_tracking_ref"])[0]["cc_tracking_ref"]
    hook = f"{odoo_server}/click_collect/courier/{carrier}/webhook"
    payload = ghn_server.webhook_payload(code, "delivered")
    answers, _errors = _race([
        lambda: ghn_server.send_webhook(hook, code, "delivered", secret="e2e-token", hmac_secret="e2e-key",
                                        payload=payload)
    ] * 2)
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert sorted(a.json()["status"] for a in answers) == ["accepted", "duplicate"]
    assert wait_for_state(admin, order, "delivered") == "delivered"
    events = admin.call("click_collect.courier.event", "search_read",
                        [("carrier_id", "=", carrier), ("tracking_ref", "=", code)], ["state"])
    assert [e["state"] for e in events] == ["done"]
    timeline = admin.call("click_collect.event", "search_read",
                          [("order_id", "=", order), ("to_state", "=", "delivered")], ["channel"])
    assert [e["channel"] for e in timeline] == ["webhook"]


def test_two_api_creates_with_one_idempotency_key(web_shop, client):
    """The web shop's client times out and sends the order again while the first request still
    runs: one order, and both requests get its number."""
    admin = client("admin", "admin")
    ref = f"RACE-{uuid.uuid4().hex[:8].upper()}"
    body = {
        "external_ref": ref, "fulfilment": "pickup", "store": "GHE",
        "customer": {"name": "Race Customer", "email": f"{ref.lower()}@example.com"},
        "payment": {"method": "pay_at_store"}, "lines": [{"ean": "5412345000037", "qty": 1}],
    }
    apis = [WebShopApi(web_shop["url"], web_shop["key"]) for _ in range(2)]
    answers, _errors = _race([
        lambda api=api: api.request("POST", "/orders", body, headers={"Idempotency-Key": ref}) for api in apis
    ])
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    assert len({a.json()["order_no"] for a in answers}) == 1, "both answers name the same order"
    orders = admin.call("sale.order", "search_read", [("cc_external_ref", "=", ref)], ["name"])
    assert len(orders) == 1
    events = admin.call("click_collect.event", "search_read", [("order_id", "=", orders[0]["id"])], ["to_state"])
    assert [e["to_state"] for e in events] == ["new"]
    requests_kept = admin.call("click_collect.api.request", "search_read", [("key", "=", ref)], ["order_id"])
    assert [r["order_id"][0] for r in requests_kept] == [orders[0]["id"]]


def test_a_scheduled_job_never_runs_twice_at_once(client, ghn_server):
    """Two people start the courier polling job while it runs (the courier is slow): the job runs
    once; the other is told it is running. The cron worker takes the same lock."""
    admin = client("admin", "admin")
    carrier = ghn_carrier(admin, ghn_server, "GHN polled")
    order = new_ship_order(admin)
    wizard = admin.call("click_collect.ship", "create", {"order_id": order, "carrier_id": carrier})
    admin.call("click_collect.ship", "action_ship", [wizard])
    code = admin.call("sale.order", "read", [order], ["cc_tracking_ref"])[0]["cc_tracking_ref"]
    ghn_server.set_status(code, "delivered")
    cron = admin.call("ir.model.data", "check_object_reference", "click_collect", "ir_cron_poll_shipments")[1]
    ghn_server.fail("slow", times=1, delay=4)  # the job's first call to the courier takes 4 s
    before = len(ghn_server.requests)
    people = (admin, client("admin", "admin"))
    results, errors = _race([
        lambda user=user: user.call("ir.cron", "method_direct_trigger", [cron]) for user in people
    ])
    assert errors and all("already executing" in str(error) for error in errors), [str(e) for e in errors]
    assert len(results) + len(errors) == 2
    polled = [body for _method, path, body in ghn_server.requests[before:]
              if path.endswith("/shipping-order/detail") and code.encode() in body]
    assert len(polled) == len(results) <= 1, "the shipment was asked for once per run"
    if results:
        assert wait_for_state(admin, order, "delivered", timeout=30) == "delivered"
