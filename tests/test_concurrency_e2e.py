"""Two people act on the same order at the same moment, over HTTP, in parallel transactions:
exactly one wins, the other is told, and nothing happens twice (stock, payment, timeline)."""

import threading

from conftest import RpcError


def _ready_order(admin, store_code="GHE"):
    """A paid pay-at-store order of a store that does not ask for the pickup code, ready."""
    store = admin.call("stock.warehouse", "search", [("code", "=", store_code)])[0]
    customer = admin.call("res.partner", "search", [("email", "=", "noah.claes@example.com")])[0]
    product = admin.call("product.product", "search", [("barcode", "=", "5412345000037")])[0]
    order = admin.call("sale.order", "create", {
        "partner_id": customer, "cc_fulfilment": "pickup", "cc_store_id": store, "cc_payment_method": "pay_at_store",
        "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 1}]],
    })
    admin.call("sale.order", "action_confirm", [order])
    for target in ("accepted", "preparing", "ready"):
        admin.call("sale.order", "action_cc_transition", [order], context={"cc_target": target})
    return order, product, store


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
    cashiers = [client("cc_store"), client("admin", "admin")]
    results, errors = _race([
        lambda user=user: user.call("sale.order", "action_cc_transition", [order], context={"cc_target": "collected"})
        for user in cashiers
    ])
    assert len(results) == 1 and len(errors) == 1, (results, [str(e) for e in errors])
    assert "cannot become" in str(errors[0]) or "changed" in str(errors[0])
    events = admin.call("click_collect.event", "search_read",
                        [("order_id", "=", order), ("to_state", "=", "collected")], ["id"])
    assert len(events) == 1
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
