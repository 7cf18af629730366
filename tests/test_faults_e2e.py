"""Faults over real connections: the mail server refuses the customer emails, the SMS service
fails, the web shop's webhook endpoint is down. The flow goes on, the failure shows on the
order, the retry delivers each message exactly once."""

import time

import pytest

from conftest import cron_id, run_cron, wait_until


def _ready_order(admin):
    customer = admin.call("res.partner", "search", [("email", "=", "noah.claes@example.com")], limit=1)[0]
    product = admin.call("product.product", "search", [("barcode", "=", "5412345000013")], limit=1)[0]
    store = admin.call("stock.warehouse", "search", [("code", "=", "GHE")], limit=1)[0]
    order_id = admin.call("sale.order", "create", {
        "partner_id": customer, "cc_fulfilment": "pickup", "cc_store_id": store,
        "cc_payment_method": "pay_at_store", "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 1})],
    })
    admin.call("sale.order", "action_confirm", [order_id])
    for target in ("accepted", "preparing", "ready"):
        admin.call("sale.order", "action_cc_transition", [order_id], context={"cc_target": target})
    return order_id


def _emails(admin, order_id):
    return admin.call("click_collect.notification", "search_read", [
        ("order_id", "=", order_id), ("email_result", "!=", "off"),
    ], ["step", "state", "email_result", "error", "email_retry_count"], order="id")


@pytest.mark.parametrize("refusal", ["greeting", "rcpt"])
def test_mail_server_refuses_then_accepts(client, smtp_server, refusal):
    admin = client("admin", "admin")
    retry_cron = cron_id(admin, "click_collect.ir_cron_retry_customer_emails")
    smtp_server.refuse(refusal)
    refusals = smtp_server.refusals
    try:
        order_id = _ready_order(admin)
        # each email is tried as soon as its message is posted after the commit (or, when a
        # scheduled job posted it, by the mail queue that job runs)
        assert wait_until(lambda: _emails(admin, order_id) and all(
            n["email_result"] == "failed" for n in _emails(admin, order_id))), _emails(admin, order_id)
    finally:
        smtp_server.accept()
    header = f"X-Odoo-Objects: sale.order-{order_id}"
    # the flow went on; each email the mail server refused shows failed, with its reason
    order = admin.call("sale.order", "read", [order_id], ["cc_state", "message_ids"])[0]
    assert order["cc_state"] == "ready"
    assert smtp_server.refusals > refusals
    emails = _emails(admin, order_id)
    assert emails and {n["step"] for n in emails} >= {"accepted", "ready"}
    for notification in emails:
        assert (notification["state"], notification["email_result"]) == ("failed", "failed"), notification
        assert ("421" if refusal == "greeting" else "451") in notification["error"]
        assert "sent again automatically" in notification["error"]
    notes = admin.call("mail.message", "search_read", [
        ("model", "=", "sale.order"), ("res_id", "=", order_id), ("message_type", "=", "notification"),
    ], ["body"])
    assert any("could not be sent" in note["body"] for note in notes), "said in the order's chatter"
    assert not smtp_server.received(header)

    # the mail server is back: the scheduled job queues them again; the mail queue sends them
    run_cron(admin, retry_cron)
    expected = len(emails)
    assert wait_until(lambda: len(smtp_server.received(header)) >= expected), "the retried emails arrive"
    assert wait_until(lambda: all(n["email_result"] == "sent" for n in _emails(admin, order_id)))
    for notification in _emails(admin, order_id):
        # at least one retry (the cron worker may have run the job too while the server refused)
        assert (notification["state"], notification["error"]) == ("done", False)
        assert notification["email_retry_count"] >= 1
    # nothing more goes out: one email per message, also when the jobs run again
    run_cron(admin, retry_cron)
    run_cron(admin, cron_id(admin, "mail.ir_cron_mail_scheduler_action"))
    assert len(smtp_server.received(header)) == expected


def _sms_results(admin, order_id):
    return admin.call("click_collect.notification", "search_read", [
        ("order_id", "=", order_id), ("sms_result", "!=", "off"),
    ], ["step", "state", "sms_result", "error", "sms_retry_count"], order="id")


def test_sms_service_down_then_back(client, sms_service):
    admin = client("admin", "admin")
    retry_cron = cron_id(admin, "click_collect.ir_cron_retry_customer_emails")
    sms_service.fail()
    failures = sms_service.failures
    try:
        order_id = _ready_order(admin)
        # Odoo's SMS job (triggered as the messages are posted) finds the service down
        assert wait_until(lambda: {n["sms_result"] for n in _sms_results(admin, order_id)} == {"failed"}, timeout=90), \
            _sms_results(admin, order_id)
    finally:
        sms_service.recover()
    order = admin.call("sale.order", "read", [order_id], ["name", "cc_state"])[0]
    assert order["cc_state"] == "ready", "the flow went on"
    assert sms_service.failures > failures
    results = _sms_results(admin, order_id)
    assert {n["step"] for n in results} >= {"accepted", "ready"}
    for notification in results:
        assert notification["state"] == "failed", notification
        assert "sent again automatically" in notification["error"]
    assert not sms_service.messages_about(order["name"])

    # the service is back: the scheduled job queues them again; Odoo's SMS job sends them
    run_cron(admin, retry_cron)
    assert wait_until(lambda: all(n["sms_result"] == "sent" for n in _sms_results(admin, order_id)), timeout=90), \
        _sms_results(admin, order_id)
    for notification in _sms_results(admin, order_id):
        assert notification["sms_retry_count"] >= 1
        assert "SMS" not in (notification["error"] or "")
    expected = len(results)
    assert len(sms_service.messages_about(order["name"])) == expected, "each SMS once"
    # nothing more goes out when the jobs run again
    run_cron(admin, retry_cron)
    run_cron(admin, cron_id(admin, "sms.ir_cron_sms_scheduler_action"))
    assert len(sms_service.messages_about(order["name"])) == expected


def test_web_shop_endpoint_down_then_back(client, web_shop):
    admin = client("admin", "admin")
    receiver, api = web_shop["receiver"], web_shop["api"]
    admin.call("click_collect.web.shop", "write", [web_shop["shop_id"]],
               {"webhook_url": "http://127.0.0.1:9/the-web-shop-is-down"})
    try:
        created = api.request("POST", "/orders", {
            "external_ref": f"E2E-DOWN-{time.time_ns()}", "fulfilment": "pickup",
            "customer": {"name": "Lena Down", "email": "lena.down@example.com"},
            "payment": {"method": "pay_at_store"}, "lines": [{"ean": "5412345000013", "qty": 1}],
        })
        assert created.status_code == 201, created.text
        order_no = created.json()["order_no"]
        deliveries = wait_until(lambda: [d for d in admin.call(
            "click_collect.webhook.delivery", "search_read", [("order_id.name", "=", order_no)],
            ["state", "attempt_count", "last_error", "next_attempt_at"],
        ) if d["attempt_count"]])
        assert deliveries, "the first attempt was made after commit"
        assert [(d["state"], d["attempt_count"]) for d in deliveries] == [("pending", 1)]
        assert deliveries[0]["last_error"] and deliveries[0]["next_attempt_at"], "the failure shows, a retry is planned"
    finally:
        admin.call("click_collect.web.shop", "write", [web_shop["shop_id"]], {"webhook_url": receiver.url})
    # the web shop is back: the retry (here replayed by hand, rather than waiting a minute) delivers once
    admin.call("click_collect.webhook.delivery", "action_replay", [d["id"] for d in deliveries])
    got = receiver.wait_for(lambda received: any(order_no.encode() in r["body"] for r in received))
    assert len([r for r in got if order_no.encode() in r["body"]]) == 1
    assert admin.call("click_collect.webhook.delivery", "read", [deliveries[0]["id"]], ["state"])[0]["state"] == "done"
