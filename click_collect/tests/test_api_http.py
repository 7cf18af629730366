import json

from odoo.tests import tagged

from odoo.addons.click_collect.tools.api_contract import API_PREFIX, MAX_BODY

from .common_api import ClickCollectApiCommon, chunk, post_part_of_a_body


@tagged("post_install", "-at_install")
class TestApiHttp(ClickCollectApiCommon):
    """What the API answers at the HTTP level, before a route looks at the body."""

    def _post_part(self, path, headers, sent):
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json", **headers}
        status, answer_headers, body = post_part_of_a_body(self, API_PREFIX + path, headers, sent)
        self.assertEqual(answer_headers.get("Content-Type"), "application/json; charset=utf-8")
        return status, json.loads(body)["error"]["code"]

    def test_oversized_body_is_refused_before_it_is_read(self):
        """Replays a client announcing a body of 100 MB to the API (it would be read up to
        Odoo's 128 MiB limit, then refused): answered 413 at once, from its Content-Length,
        while the client has sent one byte of it."""
        order = self._shop_order()
        for path in ("/orders", f"/orders/{order.name}/payments", f"/orders/{order.name}/cancel"):
            with self.subTest(path=path):
                self.assertEqual(self._post_part(path, {"Content-Length": str(100 * 1024 * 1024)}, b"{"),
                                 (413, "payload_too_large"))
        # form bodies, which Odoo reads before the route runs, too
        self.assertEqual(self._post_part("/orders", {"Content-Type": "application/x-www-form-urlencoded",
                                                     "Content-Length": str(MAX_BODY + 1)}, b"a="),
                         (413, "payload_too_large"))
        self.assertEqual(self._counts()["sale.order"], self._counts()["sale.order"])

    def test_body_without_length_is_refused_before_it_is_read(self):
        """Replays a client sending an endless body in chunks (no Content-Length: its size is
        known only once it has all been read): answered 411 after its first chunk."""
        self.assertEqual(self._post_part("/orders", {"Transfer-Encoding": "chunked"}, chunk(b"{" * 4096)),
                         (411, "length_required"))
        # also when it announces a small length beside its chunks
        self.assertEqual(self._post_part("/orders", {"Transfer-Encoding": "chunked", "Content-Length": "2"},
                                         chunk(b"{}")), (411, "length_required"))

    def test_a_body_within_the_limit_is_taken(self):
        body = json.dumps(self._order_body(note="x" * 9000)).encode()
        self.assertLess(len(body), MAX_BODY)
        status, _headers, answer = post_part_of_a_body(
            self, API_PREFIX + "/orders",
            {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json",
             "Content-Length": str(len(body))}, body)
        self.assertEqual(status, 201, answer)

    def test_wrong_method_answer_says_which_methods_the_route_takes(self):
        """Replays schemathesis' finding: a 405 without the Allow header RFC 9110 requires, so
        that a client cannot learn the methods a route takes."""
        order = self._shop_order()
        for method, path, allowed in (
            ("DELETE", "/orders", "GET, POST"),
            ("PUT", f"/orders/{order.name}", "GET"),
            ("GET", f"/orders/{order.name}/cancel", "POST"),
            ("PATCH", f"/orders/{order.name}/payments", "POST"),
            ("POST", "/openapi.json", "GET"),
        ):
            with self.subTest(method=method, path=path):
                response = self._call(method, path, key=self.key)
                self.assertApiError(response, 405, "method_not_allowed")
                self.assertEqual(response.headers.get("Allow"), allowed)
        document = self._call("GET", "/openapi.json", key=False).json()
        answer = document["paths"]["/orders"]["post"]["responses"]["405"]
        self.assertTrue(answer["headers"]["Allow"]["required"], "the document says so too")
