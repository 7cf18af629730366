"""A GHN (Giao Hang Nhanh) API v2 server on 127.0.0.1, with the public request and answer shapes."""

import hashlib
import hmac
import itertools
import json
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import requests

from odoo.addons.delivery_courier_base.tests.fake_server import PDF_LABEL, FaultyServer

REQUIRED_CREATE = ("to_name", "to_phone", "to_address", "weight", "service_type_id", "payment_type_id",
                   "required_note", "items")


class FakeGhn(FaultyServer):
    def __init__(self, token="ghn-test-token", shop_id="885", port=0):
        super().__init__(port)
        self.token = token
        self.shop_id = str(shop_id)
        self.orders = {}  # order_code -> {"status", "cod_amount", "payload", "log"}
        self.print_tokens = {}
        self._codes = (f"GHN{n:06d}" for n in itertools.count(1))

    def _json(self, status, code, message, data=None):
        return status, json.dumps({"code": code, "message": message, "data": data}).encode(), "application/json"

    def handle(self, method, path, headers, body):  # noqa: PLR0911, PLR0912 (one route a branch)
        url = urlparse(path)
        if url.path == "/a5/public-api/printA5":
            token = parse_qs(url.query).get("token", [""])[0]
            if token not in self.print_tokens:
                return 404, b"unknown token", "text/plain"
            return 200, PDF_LABEL, "application/pdf"
        if headers.get("Token") != self.token:
            return self._json(401, 401, "Token is not valid")
        if headers.get("ShopId") != self.shop_id:
            return self._json(400, 400, "ShopId is not valid")
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return self._json(400, 400, "Invalid JSON")
        route = url.path.removeprefix("/shiip/public-api")
        if route == "/v2/shop/all":
            return self._json(200, 200, "Success", {"last_offset": 0, "shops": [{"_id": int(self.shop_id)}]})
        if route == "/v2/shipping-order/fee":
            weight = int(payload.get("weight") or 0)
            return self._json(200, 200, "Success", {"total": 22000 + 10 * weight, "service_fee": 22000,
                                                    "cod_fee": 0})
        if route == "/v2/shipping-order/create":
            missing = [key for key in REQUIRED_CREATE if not payload.get(key)]
            if missing:
                return self._json(400, 400, f"{missing[0]} is required")
            code = next(self._codes)
            self.orders[code] = {"status": "ready_to_pick", "cod_amount": payload.get("cod_amount", 0),
                                 "payload": payload, "log": [("ready_to_pick", _now())]}
            return self._json(200, 200, "Success", {
                "order_code": code, "sort_code": "19-000-00", "trans_type": "truck",
                "total_fee": 33000, "expected_delivery_time": _now(),
            })
        if route == "/v2/shipping-order/detail":
            order = self.orders.get(payload.get("order_code"))
            if not order:
                return self._json(400, 400, "Order not found")
            return self._json(200, 200, "Success", {
                "order_code": payload["order_code"], "status": order["status"],
                "cod_amount": order["cod_amount"], "is_cod_collected": order["status"] == "delivered",
                "is_cod_transferred": bool(order.get("cod_transfer_date")),
                "cod_transfer_date": order.get("cod_transfer_date"),
                "log": [{"status": status, "updated_date": date} for status, date in order["log"]],
            })
        if route in ("/v2/switch-status/cancel", "/v2/switch-status/return"):
            status = "cancel" if route.endswith("cancel") else "waiting_to_return"
            result = []
            for code in payload.get("order_codes") or []:
                ok = code in self.orders and self.orders[code]["status"] in (
                    ("ready_to_pick", "picking") if status == "cancel" else ("delivering", "delivery_fail", "storing"))
                if ok:
                    self.set_status(code, status)
                result.append({"order_code": code, "result": ok, "message": "OK" if ok else "Not allowed"})
            return self._json(200, 200, "Success", result)
        if route == "/v2/a5/gen-token":
            token = hashlib.sha1(json.dumps(payload).encode()).hexdigest()
            self.print_tokens[token] = payload.get("order_codes")
            return self._json(200, 200, "Success", {"token": token})
        return self._json(404, 404, "Not found")

    # --- what the carrier does on its side

    def set_status(self, code, status):
        self.orders[code]["status"] = status
        self.orders[code]["log"].append((status, _now()))

    def pay_out_cod(self, code, when="2026-11-20T09:44:09.556Z", amount=None):
        """GHN transfers the cash it collected for a shipment to the shop (``amount``: what it
        collected, when it differs from what it was asked)."""
        self.orders[code]["cod_transfer_date"] = when
        if amount is not None:
            self.orders[code]["cod_amount"] = amount

    def webhook_payload(self, code, status, kind="switch_status"):
        order = self.orders[code]
        return {
            "CODAmount": order["cod_amount"], "CODTransferDate": order.get("cod_transfer_date"),
            "ClientOrderCode": order["payload"].get("client_order_code", ""),
            "Description": status, "OrderCode": code, "PaymentType": order["payload"].get("payment_type_id"),
            "Reason": "", "ReasonCode": "", "ShopID": int(self.shop_id), "Status": status,
            "Time": _now(), "TotalFee": 33000, "Type": kind, "Weight": order["payload"].get("weight"),
        }

    def send_webhook(self, url, code, status, *, secret=None, hmac_secret=None, kind="switch_status",
                     timestamp=None, payload=None):
        """Move a shipment to ``status`` and call the shop's webhook as GHN does (JSON POST).

        GHN's callbacks are not signed: the shop protects its URL with a shared secret header
        (``secret``), and with an HMAC-SHA256 of the body where it configured one.
        """
        if code in self.orders:
            self.set_status(code, status)
        body = json.dumps(payload or self.webhook_payload(code, status, kind)).encode()
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Webhook-Token"] = secret
        if hmac_secret:
            stamp = str(int(timestamp if timestamp is not None else time.time()))
            headers["X-Webhook-Timestamp"] = stamp
            headers["X-Webhook-Signature"] = sign(hmac_secret, stamp, body)
        return requests.post(url, data=body, headers=headers, timeout=30)


def sign(secret, timestamp, body):
    """HMAC-SHA256 of "<timestamp>.<body>" with the secret, in hex."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _now():
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
