"""Customer messages leave after the transaction commits; their link opens the tracking page."""

import re
import time

import requests


def test_ready_message_sent_after_commit_and_its_link(client, odoo_server, sms_service):
    admin = client("admin", "admin")
    # a new order of the demo customer and products, so that the demo orders stay as they are
    customer = admin.call("res.partner", "search", [("email", "=", "noah.claes@example.com")], limit=1)
    product = admin.call("product.product", "search", [("barcode", "=", "5412345000013")], limit=1)
    store = admin.call("stock.warehouse", "search", [("code", "=", "GHE")], limit=1)
    order_id = admin.call("sale.order", "create", {
        "partner_id": customer[0], "cc_fulfilment": "pickup", "cc_store_id": store[0],
        "cc_payment_method": "pay_at_store", "order_line": [(0, 0, {"product_id": product[0], "product_uom_qty": 1})],
    })
    admin.call("sale.order", "action_confirm", [order_id])
    for target in ("accepted", "preparing", "ready"):
        admin.call("sale.order", "action_cc_transition", [order_id], context={"cc_target": target})
    # the RPC answered once its transaction committed; the message was posted right after, and
    # Odoo's mail and SMS queues hand the email to the mail server and the SMS to the SMS service
    deadline = time.time() + 60
    while True:
        notifications = admin.call("click_collect.notification", "search_read", [
            ("order_id", "=", order_id), ("step", "=", "ready"),
        ], ["state", "email_result", "sms_result", "message_ids"])
        if (notifications[0]["email_result"], notifications[0]["sms_result"]) == ("sent", "sent") \
                or time.time() > deadline:
            break
        time.sleep(1)
    assert [(n["state"], n["email_result"], n["sms_result"]) for n in notifications] == [("done", "sent", "sent")]
    order = admin.call("sale.order", "read", [order_id], ["name", "cc_pickup_code", "access_token"])[0]
    sms = sms_service.messages_about(order["name"])
    assert len([m for m in sms if order["cc_pickup_code"] in m["content"]]) == 1, "the ready SMS, once"
    messages = admin.call("mail.message", "read", notifications[0]["message_ids"], ["body", "message_type"])
    email = next(m for m in messages if m["message_type"] == "comment")
    assert order["cc_pickup_code"] in email["body"]
    link = re.search(r'href="[^"]*(/order/track/\d+\?access_token=[^"]+)"', email["body"]).group(1)
    page = requests.get(odoo_server + link.replace("&amp;", "&"), timeout=60)
    assert page.status_code == 200
    assert order["name"] in page.text and order["cc_pickup_code"] in page.text
    wrong = requests.get(f"{odoo_server}/order/track/{order_id}?access_token=x{order['access_token']}", timeout=60)
    assert wrong.status_code == 404
    assert order["name"] not in wrong.text
