import json
import random
import threading
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import ConcurrencyError
from odoo.tests import HttpCase, mute_logger, new_test_user

from odoo.addons.click_collect.tests.common import ClickCollectCommon
from odoo.addons.click_collect_api.models.click_collect_api import ClickCollectApi
from odoo.addons.click_collect_api.tools.api_contract import API_PREFIX


class WebShopReceiver:
    """A web shop's webhook endpoint: a real HTTP server on 127.0.0.1 that keeps what it gets.

    ``status`` is the HTTP status it answers (500 plays a failing shop), ``answer`` the body.
    """

    def __init__(self):
        self.received = []
        self.status = 200
        self.answer = b"ok"
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/click-collect"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class ClickCollectApiCommon(ClickCollectCommon, HttpCase):
    """Two web shops with their technical users and API keys, spoken to over real HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = WebShopReceiver()
        cls.addClassCleanup(cls.receiver.stop)
        cls.team = cls.env["crm.team"].create({"name": "CC Test Web Team"})
        cls.shop_user, cls.other_shop_user = (
            new_test_user(cls.env, login, groups="click_collect_api.group_web_shop_api")
            for login in ("cc_test_shop_api", "cc_test_other_shop_api")
        )
        Shop = cls.env["click_collect.web.shop"]
        cls.shop = Shop.create({
            "name": "CC Test Web Shop", "code": "CCTWS", "user_id": cls.shop_user.id,
            "team_id": cls.team.id, "pricelist_id": cls.pricelist.id, "default_store_id": cls.store_a.id,
            "webhook_url": cls.receiver.url, "webhook_secret": "test-secret",
        })
        cls.other_shop = Shop.create({
            "name": "CC Other Web Shop", "code": "CCOWS", "user_id": cls.other_shop_user.id,
            "default_store_id": cls.store_b.id,
        })
        cls.key = cls._api_key(cls.shop_user)
        cls.other_key = cls._api_key(cls.other_shop_user)

    @classmethod
    def _api_key(cls, user):
        return cls.env["res.users.apikeys"].with_user(user)._generate(
            None, "test", fields.Datetime.now() + timedelta(days=1),
        )

    def _fresh_webhooks(self):
        """The web shop's endpoint answers 200 and heard nothing yet; deliveries queued before
        the test (demo data) are not this test's business."""
        self.receiver.received.clear()
        self.receiver.status = 200
        self.Delivery = self.env["click_collect.webhook.delivery"]
        self.Delivery.search([("state", "=", "pending")]).write({"state": "failed"})

    def _call(self, method, path, body=None, *, key=None, headers=None, params=None, raw=None):
        """Call the API over HTTP as the test web shop (or with ``key``; ``key=False``: no key)."""
        headers = dict(headers or {})
        key = self.key if key is None else key
        if key:
            headers["Authorization"] = f"Bearer {key}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            headers.setdefault("Content-Type", "application/json")
        return self.url_open(API_PREFIX + path, data=data, headers=headers, params=params, method=method,
                             timeout=60)

    def _rpc(self, login, model, method, *args, **kwargs):
        """Call ``model.method`` over JSON-RPC as the web client does, logged in as ``login``
        (password: the login): any public method, any arguments, any context.

        :return: (result, None) or (None, the name of the error's exception)
        """
        self.authenticate(login, login)
        payload = self.build_rpc_payload({"model": model, "method": method, "args": list(args), "kwargs": kwargs})
        with mute_logger("odoo.http"):
            response = self.url_open(f"/web/dataset/call_kw/{model}/{method}", data=json.dumps(payload),
                                     headers={"Content-Type": "application/json"}, timeout=60)
        self.logout()
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        if "error" in body:
            return None, body["error"]["data"]["name"]
        return body["result"], None

    def _order_body(self, **overrides):
        body = {
            "external_ref": "WEB-1",
            "fulfilment": "pickup",
            "store": self.store_a.code,
            "customer": {
                "name": "Api Customer", "email": "api.customer@example.com", "phone": "+32470111222",
                "street": "Api Street 1", "city": "Brussels", "zip": "1000", "country_code": "BE",
            },
            "payment": {"method": "pay_at_store", "paid": False},
            "lines": [
                {"variant_id": self.product_1.id, "qty": 2},
                {"ean": self.product_2.barcode, "qty": 1},
            ],
            "note": "Leave it at the counter",
        }
        body.update(overrides)
        return body

    def _create(self, **overrides):
        response = self._call("POST", "/orders", self._order_body(**overrides))
        self.assertEqual(response.status_code, 201, response.text)
        return response.json()

    def _db_order(self, order_no):
        return self.env["sale.order"].search([("name", "=", order_no)])

    def assertApiError(self, response, status, code, message=None):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        body = response.json()
        self.assertEqual(list(body), ["error"])
        self.assertEqual(body["error"]["code"], code, body)
        self.assertTrue(body["error"]["message"])
        self.assertNotIn("Traceback", response.text)
        if message:
            self.assertEqual(body["error"]["message"], message)
        return body["error"]

    def _shop_order(self, fulfilment="pickup", *, shop=None, **kwargs):
        """A web order of a web shop, built in Python (not through the API)."""
        order = self._order(fulfilment, **kwargs)
        order.write({"cc_web_shop_id": (shop or self.shop).id, "cc_external_ref": f"PY-{order.id}"})
        return order

    @contextmanager
    def _concurrent_changes(self, method, times):
        """``click_collect.api.<method>`` meets a concurrent change ``times`` times, then runs;
        Odoo's waits between tries are cut to nothing. Yields the list of the calls."""
        real = getattr(ClickCollectApi, method)
        calls = []

        def change(api, *args, **kwargs):
            calls.append(args)
            if len(calls) <= times:
                raise ConcurrencyError("a row it writes was changed by another request meanwhile")
            return real(api, *args, **kwargs)

        with patch.object(ClickCollectApi, method, change), \
                patch.object(random, "uniform", return_value=0), \
                mute_logger("odoo.service.model", "odoo.addons.click_collect_api.models.ir_http", "odoo.http"):
            yield calls

    def _counts(self):
        return {
            model: self.env[model].search_count([])
            for model in ("sale.order", "sale.order.line", "res.partner", "payment.transaction",
                          "click_collect.api.request")
        }

