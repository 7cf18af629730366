"""Hostile input over HTTP: malformed bodies and headers on the courier webhook, the web-shop API
and the "track my order" form get a clear 4xx answer, never a 5xx nor a traceback; text sent
with markup or SQL is stored as it came and shown escaped on the tracking page and in the
order's chatter. (The API is also fuzzed from its OpenAPI document: test_api_schema.py.)"""

import hashlib
import hmac
import json
import re
import time

import pytest
import requests

SCRIPT = "<script>alert('cc')</script>"
IMG = '<img src=x onerror="alert(1)">'
SQL = "'; DROP TABLE sale_order; --"
HOSTILE = [SCRIPT, IMG, SQL, "\" onmouseover=\"alert(1)", "{{ 7*7 }} ${7*7} %(x)s"]


def _deep(depth=100_000):
    return b"[" * depth + b"]" * depth


def _assert_clean_refusal(response, statuses=None):
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    if statuses:
        assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text
    assert "error" in response.json()


# ---------------------------------------------------------------- courier webhook

@pytest.fixture(scope="module")
def courier_hook(client, odoo_server):
    admin = client("admin", "admin")
    product = admin.call("product.product", "create", {"name": "GHN hostile fee", "type": "service"})
    carrier = admin.call("delivery.carrier", "create", {
        "name": "GHN hostile", "delivery_type": "ghn", "product_id": product,
        "courier_endpoint_url": "http://127.0.0.1:9", "ghn_token": "t", "ghn_shop_id": "1",
        "cc_webhook_secret": "hostile-token", "cc_webhook_hmac_secret": "hostile-key",
    })
    return {"url": f"{odoo_server}/click_collect/courier/{carrier}/webhook", "admin": admin, "carrier": carrier}


def _post_hook(url, body, *, token="hostile-token", key="hostile-key", stamp=None, signature=None, headers=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = str(int(time.time())) if stamp is None else stamp
    sent = {"Content-Type": "application/json"}
    if token is not None:
        sent["X-Webhook-Token"] = token
    sent["X-Webhook-Timestamp"] = stamp
    sent["X-Webhook-Signature"] = signature or hmac.new(
        key.encode(), stamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    sent.update(headers or {})
    return requests.post(url, data=raw, headers=sent, timeout=60)


GOOD = {"OrderCode": "GHN-HOSTILE-1", "Status": "delivered", "Type": "switch_status", "Time": "now"}
MALFORMED_BODIES = [
    ("empty", b"", 400),
    ("not JSON", b"{OrderCode: 1", 400),
    ("invalid UTF-8", b'{"OrderCode": "\xff\xfe", "Status": "delivered"}', 400),
    ("UTF-16", json.dumps(GOOD).encode("utf-16"), 400),
    ("deeply nested", _deep(), 400),
    ("nested in a field", b'{"OrderCode": "A", "Status": ' + _deep(50_000) + b"}", 400),
    ("a list", b"[1, 2, 3]", 400),
    ("a number", b"42", 400),
    ("null", b"null", 400),
    ("a string", b'"OrderCode"', 400),
    ("OrderCode a number", json.dumps({**GOOD, "OrderCode": 12345}).encode(), 400),
    ("Status a list", json.dumps({**GOOD, "Status": ["delivered"]}).encode(), 400),
    ("Status an object", json.dumps({**GOOD, "Status": {"$gt": ""}}).encode(), 400),
    ("OrderCode blank", json.dumps({**GOOD, "OrderCode": "   "}).encode(), 400),
    ("NUL in OrderCode", json.dumps({**GOOD, "OrderCode": "GHN\u0000X"}).encode(), 400),
    ("lone surrogate", b'{"OrderCode": "GHN\\ud800", "Status": "delivered"}', 400),
    ("oversized", b'{"OrderCode": "' + b"A" * (300 * 1024) + b'", "Status": "delivered"}', 413),
]


@pytest.mark.parametrize(("name", "body", "status"), MALFORMED_BODIES, ids=[case[0] for case in MALFORMED_BODIES])
def test_courier_webhook_malformed_bodies(courier_hook, name, body, status):
    _assert_clean_refusal(_post_hook(courier_hook["url"], body), {status})


SIGNATURE_CASES = [
    ("no token", {"token": None}),
    ("wrong token", {"token": "guess"}),
    ("non-ASCII token", {"headers": {"X-Webhook-Token": "h\u00f6stile-token"}}),
    ("latin-1 bytes in token", {"headers": {"X-Webhook-Token": b"\xff\xfe".decode("latin-1")}}),
    ("non-ASCII signature", {"signature": "\u00e9" * 64}),
    ("wrong signature", {"signature": "0" * 64}),
    ("unicode digits in timestamp", {"stamp": "\u00b2\u00b3"}),
    ("huge timestamp", {"stamp": "9" * 5000}),
    ("negative timestamp", {"stamp": "-1"}),
    ("stale timestamp", {"stamp": str(int(time.time()) - 86400)}),
    ("wrong key", {"key": "not-the-key"}),
]


@pytest.mark.parametrize(("name", "kwargs"), SIGNATURE_CASES, ids=[case[0] for case in SIGNATURE_CASES])
def test_courier_webhook_bad_credentials(courier_hook, name, kwargs):
    _assert_clean_refusal(_post_hook(courier_hook["url"], GOOD, **kwargs), {401})


def test_courier_webhook_unknown_carrier_and_methods(odoo_server, courier_hook):
    _assert_clean_refusal(requests.post(f"{odoo_server}/click_collect/courier/2147483647/webhook", data=b"{}",
                                        timeout=60), {404})
    answer = requests.get(courier_hook["url"], timeout=60)
    assert answer.status_code < 500 and "Traceback" not in answer.text


def test_courier_webhook_hostile_text_is_stored_as_text(courier_hook):
    admin = courier_hook["admin"]
    for index, text in enumerate(HOSTILE):
        answer = _post_hook(courier_hook["url"], {"OrderCode": f"{text}-{index}", "Status": text, "Time": "t"})
        assert (answer.status_code, answer.json()) == (200, {"status": "accepted"})
    events = admin.call("click_collect.courier.event", "search_read", [("carrier_id", "=", courier_hook["carrier"])],
                        ["tracking_ref", "status"])
    assert {event["status"] for event in events} >= set(HOSTILE), "stored as they came"
    assert admin.call("sale.order", "search_count", []) > 0, "the tables are all there"


# ---------------------------------------------------------------- web-shop API

def _order_body(**overrides):
    body = {
        "external_ref": f"E2E-HOSTILE-{time.time_ns()}", "fulfilment": "pickup", "store": "GHE",
        "customer": {"name": "Hostile Customer", "email": "hostile@example.com", "street": "Main 1",
                     "city": "Ghent", "zip": "9000"},
        "payment": {"method": "pay_at_store"}, "lines": [{"ean": "5412345000013", "qty": 1}],
    }
    body.update(overrides)
    return body


API_MALFORMED = [
    ("invalid UTF-8", b'{"external_ref": "\xc3\x28"}'),
    ("deeply nested", _deep()),
    ("nested customer", b'{"customer": ' + _deep(50_000) + b"}"),
    ("a list", b"[]"),
    ("customer a list", json.dumps(_order_body(customer=["x"])).encode()),
    ("lines an object", json.dumps(_order_body(lines={"ean": "5412345000013"})).encode()),
    ("qty a string", json.dumps(_order_body(lines=[{"ean": "5412345000013", "qty": "1; DROP TABLE"}])).encode()),
    ("qty infinite", json.dumps(_order_body(lines=[{"ean": "5412345000013", "qty": 1e400}])).encode()),
    ("variant_id huge", json.dumps(_order_body(lines=[{"variant_id": 10 ** 30, "qty": 1}])).encode()),
    ("NUL in name", json.dumps(_order_body(customer={"name": "A\u0000B", "email": "n@example.com"})).encode()),
    ("lone surrogate in name", json.dumps(_order_body()).replace("Hostile Customer", "\\ud800").encode()),
    ("lone surrogate in note", json.dumps(_order_body(note="x")).replace('"x"', '"\\udfff"').encode()),
    ("oversized note", json.dumps(_order_body(note="n" * 10_001)).encode()),
    ("oversized body", json.dumps(_order_body(note="n" * (3 * 1024 * 1024))).encode()),
    ("name an object", json.dumps(_order_body(customer={"name": {"$ne": 1}, "email": "o@example.com"})).encode()),
    ("paid a string", json.dumps(_order_body(payment={"method": "online", "paid": "true"})).encode()),
]


@pytest.mark.parametrize(("name", "body"), API_MALFORMED, ids=[case[0] for case in API_MALFORMED])
def test_api_malformed_bodies(web_shop, name, body):
    answer = web_shop["api"].session.post(web_shop["api"].base + "/orders", data=body, timeout=120,
                                          headers={"Content-Type": "application/json"})
    _assert_clean_refusal(answer)


def test_api_hostile_headers_and_paths(web_shop):
    api = web_shop["api"]
    for key in ("a\x01b", "k" * 300):
        _assert_clean_refusal(api.request("POST", "/orders", _order_body(), headers={"Idempotency-Key": key}), {400})
    for path in ("/orders/%00", "/orders/" + "S" * 5000, "/orders/%27%20OR%201%3D1--", "/orders/%ED%A0%80"):
        _assert_clean_refusal(api.request("GET", path), {404})
    for query in ("?status=%00", "?updated_since=%00", "?limit=" + "9" * 5000, "?offset=-1"):
        _assert_clean_refusal(api.request("GET", "/orders" + query), {400})
    wrong_key = requests.get(api.base + "/orders", headers={"Authorization": "Bearer \u00e9\u00e9"}, timeout=60)
    _assert_clean_refusal(wrong_key, {401})


def _page(url):
    page = requests.get(url, timeout=60)
    assert page.status_code == 200
    return page.text


def test_hostile_text_is_escaped_on_the_tracking_page_and_in_the_chatter(client, web_shop, odoo_server):
    admin = client("admin", "admin")
    api = web_shop["api"]
    name = f"{SCRIPT} {IMG}"
    created = api.request("POST", "/orders", _order_body(
        external_ref=f"{SQL}{time.time_ns()}", note=f"{SCRIPT} {IMG} {SQL}", fulfilment="ship", store="CEN",
        payment={"method": "transfer"},
        customer={"name": name, "email": f"hostile.{time.time_ns()}@example.com", "street": IMG, "city": SCRIPT,
                  "zip": "9000", "phone": SQL},
    ))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["external_ref"].startswith(SQL), "stored as it came"
    order = admin.call("sale.order", "search_read", [("name", "=", body["order_no"])],
                       ["id", "partner_id"])[0]
    assert admin.call("res.partner", "read", [order["partner_id"][0]], ["name"])[0]["name"] == name
    admin.call("sale.order", "get_portal_url", [order["id"]])  # gives the order its access token
    token = admin.call("sale.order", "read", [order["id"]], ["access_token"])[0]["access_token"]
    html = _page(f"{odoo_server}/order/track/{order['id']}?access_token={token}")
    for raw in (SCRIPT, IMG, "<script>alert"):
        assert raw not in html, f"{raw} is not in the page as markup"
    assert "&lt;script&gt;alert(" in html, "the customer's name and address are shown as text"
    assert not re.search(r"<img[^>]*onerror", html)

    # the web shop cancels with a hostile reason: on the timeline and in the chatter
    cancelled = api.request("POST", f"/orders/{body['order_no']}/cancel", {"reason": f"{IMG} {SCRIPT}"})
    assert cancelled.status_code == 200, cancelled.text
    messages = admin.call("mail.message", "search_read", [("model", "=", "sale.order"), ("res_id", "=", order["id"])],
                          ["body"])
    bodies = " ".join(message["body"] for message in messages)
    assert "&lt;script&gt;" in bodies, "the note and the reason are in the chatter, as text"
    assert "<script" not in bodies and not re.search(r"<img[^>]*onerror", bodies)
    events = admin.call("click_collect.event", "search_read", [("order_id", "=", order["id"])], ["note"])
    assert any(event["note"] and IMG in event["note"] for event in events), "the timeline keeps the text"


def test_track_form_hostile_input(odoo_server):
    session = requests.Session()
    form = session.get(f"{odoo_server}/order/track", timeout=60)
    assert form.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    for order_ref, contact in (
        ("S\x00001", "a@b.c"),
        ("' OR '1'='1", "' OR '1'='1"),
        ("S" * 100_000, "x" * 100_000),
        (SCRIPT, IMG),
    ):
        answer = session.post(f"{odoo_server}/order/track", data={
            "csrf_token": csrf, "order": order_ref, "contact": contact,
        }, timeout=60, allow_redirects=False)
        assert answer.status_code in (200, 429), (answer.status_code, answer.text[:300])
        assert "Traceback" not in answer.text
        assert "/order/track/" not in answer.headers.get("Location", ""), "no order opens"
        assert SCRIPT not in answer.text and IMG not in answer.text
