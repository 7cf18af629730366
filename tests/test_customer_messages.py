"""Customer messages leave after the transaction commits; their link opens the tracking page,
the only page that shows the pickup code; the public "track my order" form counts wrong tries
per order, whatever the visitor's address, also when they come at once."""

import email
import email.policy
import re
import threading
import time
import uuid

import pytest
import requests
from requests.adapters import HTTPAdapter

from conftest import RpcError


class SourceAddressAdapter(HTTPAdapter):
    """Connections from another loopback address (127.x.y.z): another visitor for the server."""

    def __init__(self, source, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def visitor(address):
    session = requests.Session()
    session.mount("http://", SourceAddressAdapter(address))
    return session


def _new_ready_order(admin, email_address=None):
    """A new Click & Collect order of a demo product at the Ghent store, ready for pickup; its
    customer has ``email_address`` when given."""
    customer = admin.call("res.partner", "search", [("email", "=", "noah.claes@example.com")], limit=1)[0]
    if email_address:
        customer = admin.call("res.partner", "create", {
            "name": f"Track {email_address}", "email": email_address, "phone": "+32 470 55 66 77",
        })
    product = admin.call("product.product", "search", [("barcode", "=", "5412345000013")], limit=1)
    store = admin.call("stock.warehouse", "search", [("code", "=", "GHE")], limit=1)
    order_id = admin.call("sale.order", "create", {
        "partner_id": customer, "cc_fulfilment": "pickup", "cc_store_id": store[0],
        "cc_payment_method": "pay_at_store", "order_line": [(0, 0, {"product_id": product[0], "product_uom_qty": 1})],
    })
    admin.call("sale.order", "action_confirm", [order_id])
    for target in ("accepted", "preparing", "ready"):
        admin.call("sale.order", "action_cc_transition", [order_id], context={"cc_target": target})
    return order_id


def _html_of(raw):
    """The HTML part of an email as the mail server received it."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return message.get_body(preferencelist=("html",)).get_content()


def test_ready_message_sent_after_commit_and_its_link(client, odoo_server, sms_service, smtp_server):
    """The customer's email and SMS carry the pickup code and the link that shows it; the
    chatter's copy, which staff read, carries neither; Odoo's access token, which staff read
    too, opens the page without the code."""
    admin = client("admin", "admin")
    order_id = _new_ready_order(admin)
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
    order = admin.call("sale.order", "read", [order_id], ["name", "access_token"])[0]
    # what the customer received: the code in the SMS, the link in the email
    ready_sms = [m for m in sms_service.messages_about(order["name"]) if "Pickup code:" in m["content"]]
    assert len(ready_sms) == 1, "the ready SMS, once"
    code = re.search(r"Pickup code: (\d{6})", ready_sms[0]["content"]).group(1)
    emails = [_html_of(data) for _sender, _to, data in smtp_server.received(order["name"])]
    ready_email = next(html for html in emails if "Your pickup code" in html)
    assert code in ready_email
    link = re.search(r'href="[^"]*(/order/track/\d+\?token=[^"&]+)"', ready_email).group(1)
    token = link.split("token=")[1]
    # what staff read: the chatter's copy masks both; the code itself is no field they read
    copies = admin.call("mail.message", "read", notifications[0]["message_ids"], ["body", "message_type"])
    assert len(copies) == 2, "the email and the SMS"
    for copy in copies:
        assert code not in copy["body"] and token not in copy["body"], copy["body"]
        assert "\u2022" * 6 in copy["body"]
    with pytest.raises(RpcError):
        admin.call("sale.order", "read", [order_id], ["cc_pickup_code"])
    with pytest.raises(RpcError):
        admin.call("sale.order", "read", [order_id], ["cc_tracking_token"])
    # the link of the messages shows the code and its QR code
    page = requests.get(odoo_server + link, timeout=60)
    assert page.status_code == 200
    assert order["name"] in page.text and code in page.text
    assert requests.get(f"{odoo_server}/order/track/{order_id}/qr.png?token={token}", timeout=60).status_code == 200
    # Odoo's access token, which every user who reads the order reads, shows the page only
    page = requests.get(f"{odoo_server}/order/track/{order_id}?access_token={order['access_token']}", timeout=60)
    assert page.status_code == 200 and order["name"] in page.text
    assert code not in page.text
    qr = requests.get(f"{odoo_server}/order/track/{order_id}/qr.png?access_token={order['access_token']}", timeout=60)
    assert qr.status_code == 404
    wrong = requests.get(f"{odoo_server}/order/track/{order_id}?token=x{token}", timeout=60)
    assert wrong.status_code == 404
    assert order["name"] not in wrong.text


def test_wrong_tries_at_once_stop_at_the_lock(client, odoo_server):
    """Attack: many visitors (one address each) send wrong email addresses for one order at
    the same moment, hoping that all of them are compared before the first one sets the lock.
    Tries are counted one after the other, per order whatever the address: three are free, the
    fourth sets the lock, the others wait; then even the right address waits."""
    admin = client("admin", "admin")
    address = f"track.{uuid.uuid4().hex[:8]}@example.com"
    order_id = _new_ready_order(admin, address)
    name = admin.call("sale.order", "read", [order_id], ["name"])[0]["name"]
    sessions = [visitor(f"127.0.{n}.{uuid.uuid4().int % 200 + 20}") for n in range(1, 9)]
    csrf = []
    for session in sessions:
        form = session.get(f"{odoo_server}/order/track", timeout=60)
        assert form.status_code == 200
        csrf.append(re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1))
    barrier = threading.Barrier(len(sessions))
    answers = []

    def wrong_try(session, token, n):
        barrier.wait(timeout=60)
        answer = session.post(f"{odoo_server}/order/track", data={
            "csrf_token": token, "order": name, "contact": f"someone.{n}@else.com",
        }, timeout=120, allow_redirects=False)
        answers.append((answer.status_code, "No order matches" in answer.text))

    threads = [threading.Thread(target=wrong_try, args=(session, token, n))
               for n, (session, token) in enumerate(zip(sessions, csrf, strict=True))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert len(answers) == len(sessions), answers
    compared = [answer for answer in answers if answer == (200, True)]
    assert len(compared) == 4, f"three free tries and the one that sets the lock: {answers}"
    assert sorted(status for status, _matched in answers) == [200] * 4 + [429] * 4, answers
    # the right address, from yet another address: the order waits
    late = visitor("127.0.99.99")
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      late.get(f"{odoo_server}/order/track", timeout=60).text).group(1)
    answer = late.post(f"{odoo_server}/order/track", data={"csrf_token": token, "order": name, "contact": address},
                       timeout=60, allow_redirects=False)
    assert answer.status_code == 429
    assert "/order/track/" not in answer.headers.get("Location", "")
