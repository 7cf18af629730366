"""What a click leaves to the scheduled jobs (the customer's email and SMS, the web shop's
webhook) is committed with the click: a server that stops between the commit and the sending
sends it when a server starts again, once.

These tests start servers of their own on a database of their own (a copy of the end-to-end
database made by ``./run test``), which they may stop at any moment.
"""

import os
import time

from conftest import (
    WEBHOOK_SECRET,
    OdooClient,
    WebhookReceiver,
    WebShopApi,
    start_odoo,
    stop_odoo,
    wait_until,
)

NODES_DB = os.environ.get("CC_E2E_NODES_DB", "cc_e2e_nodes")
# the cron worker is woken after the commit of a click; it polls anyway every minute or so
WAKE_UP_SECONDS = 30


def _admin(url):
    return OdooClient(url, "admin", "admin", db=NODES_DB)


def _new_order(url, key):
    """A new Click & Collect order sent by the demo web shop through its API, for the Ghent
    store (where the demo store user works), of a customer of its own: an email address and a
    phone number that no other test uses (the mail server and the SMS service are shared).

    :return: the order's number and what identifies it in the messages and the webhooks
    """
    ref = f"OUTBOX-{time.time_ns()}"
    digits = f"{time.time_ns() % 10 ** 6:06d}"
    answer = WebShopApi(url, key).request("POST", "/orders", {
        "external_ref": ref, "fulfilment": "pickup", "store": "GHE",
        "customer": {"name": "Olivia Outbox", "email": f"{ref.lower()}@example.com", "phone": f"+32 470 {digits}"},
        "payment": {"method": "pay_at_store", "paid": False},
        "lines": [{"ean": "5412345000013", "qty": 1}],
    })
    assert answer.status_code == 201, answer.text
    return answer.json()["order_no"], {"email": f"{ref.lower()}@example.com", "phone": digits, "ref": ref}


def _received(who, smtp_server, sms_service, receiver):
    """What the order's customer and its web shop received: emails, SMS, and status webhooks
    "accepted" (the order's only customer message so far is the "accepted" one)."""
    emails = smtp_server.received(who["email"])
    with sms_service.lock:
        texts = [sms for sms in sms_service.received if sms["number"].endswith(who["phone"])]
    hooks = [h for h in receiver.events() if f'"external_ref":"{who["ref"]}"'.encode() in h["body"]
             and b'"status":"accepted"' in h["body"]]
    return emails, texts, hooks


def test_a_server_stopped_after_the_click_loses_nothing(smtp_server, sms_service):
    """A store clerk accepts an order on a server without cron worker, which is then killed;
    another server starts, where a clerk accepts another order: each customer gets the email
    and the SMS, the web shop its webhook, each once, within seconds of that click."""
    receiver = WebhookReceiver()
    first, url, _log = start_odoo(NODES_DB, "e2e-outbox-first.log", smtp_port=smtp_server.port,
                                  workers=0, cron_threads=0, killable=True)
    try:
        admin = _admin(url)
        admin.call("ir.config_parameter", "set_param", "sms.endpoint", sms_service.url)
        shop = admin.call("click_collect.web.shop", "search", [("code", "=", "DEMO")], limit=1)
        admin.call("click_collect.web.shop", "write", shop, {"webhook_url": receiver.url,
                                                             "webhook_secret": WEBHOOK_SECRET})
        key = admin.call("click_collect.web.shop", "action_new_api_key", shop)["context"]["default_key"]
        name, who = _new_order(url, key)
        order_id = admin.call("sale.order", "search", [("name", "=", name)])[0]
        clerk = OdooClient(url, "cc_store", "cc_store", db=NODES_DB)
        clerk._post("/web/dataset/call_button/sale.order/action_cc_transition", {
            "model": "sale.order", "method": "action_cc_transition", "args": [[order_id]],
            "kwargs": {"context": {"cc_target": "accepted"}},
        })
        # committed with the click: the messages and the webhook, queued; nothing sent yet
        messages = admin.call("click_collect.notification", "search_read",
                              [("order_id", "=", order_id), ("step", "=", "accepted")], ["state"])
        assert [m["state"] for m in messages] == ["pending"]
        hooks = admin.call("click_collect.webhook.delivery", "search_read", [("order_id", "=", order_id)], ["state"])
        assert [h["state"] for h in hooks] == ["pending", "pending"], "new (at the confirmation) and accepted"
        time.sleep(2)
        assert _received(who, smtp_server, sms_service, receiver) == ([], [], [])
    finally:
        stop_odoo(first, kill=True)

    second, url, log = start_odoo(NODES_DB, "e2e-outbox-second.log", smtp_port=smtp_server.port)
    try:
        # another order is accepted on the server started again: the cron worker is woken
        # after that commit (not at its next poll, a minute later) and sends both orders'
        name_b, who_b = _new_order(url, key)
        clerk = OdooClient(url, "cc_store", "cc_store", db=NODES_DB)
        order_b = _admin(url).call("sale.order", "search", [("name", "=", name_b)])[0]
        clerk._post("/web/dataset/call_button/sale.order/action_cc_transition", {
            "model": "sale.order", "method": "action_cc_transition", "args": [[order_b]],
            "kwargs": {"context": {"cc_target": "accepted"}},
        })
        sent = wait_until(lambda: all(_received(who, smtp_server, sms_service, receiver))
                          and all(_received(who_b, smtp_server, sms_service, receiver)), timeout=WAKE_UP_SECONDS)
        assert sent, f"sent within {WAKE_UP_SECONDS} s of the click (see {log})"
        time.sleep(3)  # nothing comes twice
        for someone in (who, who_b):
            emails, texts, hooks = _received(someone, smtp_server, sms_service, receiver)
            assert (len(emails), len(texts), len(hooks)) == (1, 1, 1), someone
        messages = _admin(url).call("click_collect.notification", "search_read",
                                    [("order_id", "in", [order_id, order_b]), ("step", "=", "accepted")], ["state"])
        assert [m["state"] for m in messages] == ["done", "done"]
    finally:
        stop_odoo(second)
