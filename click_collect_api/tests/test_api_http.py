import json
import re

from odoo.tests import tagged

from odoo.addons.click_collect.tests.common_http import chunk, post_part_of_a_body
from odoo.addons.click_collect_api.tools.api_contract import API_PREFIX, MAX_BODY

from .common_api import ClickCollectApiCommon


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

    def test_empty_limit_or_offset_is_no_integer(self):
        """Replays schemathesis' finding: ``limit=`` (empty) was taken as the default where the
        document says integer."""
        for params in ({"limit": ""}, {"offset": ""}, {"limit": " "}):
            with self.subTest(params=params):
                self.assertApiError(self._call("GET", "/orders", params=params), 400, "invalid_parameter")
        self.assertEqual(self._call("GET", "/orders", params={"limit": "5"}).json()["limit"], 5)

    def test_status_filter_takes_exactly_what_the_document_lists(self):
        """Replays schemathesis' finding: ``status=`` (empty) was refused where the document
        allowed any string. The document lists the values; the API takes those, refuses others."""
        document = self._call("GET", "/openapi.json", key=False).json()
        parameter = next(p for p in document["paths"]["/orders"]["get"]["parameters"] if p["name"] == "status")
        listed = parameter["schema"]["enum"]
        self.assertTrue({"all", "All", "0", "ready", "5", "awaiting_cod", "12"} <= set(listed))
        for status in listed:
            with self.subTest(status=status):
                self.assertEqual(self._call("GET", "/orders", params={"status": status}).status_code, 200)
        for status in ("", "05", "ready ", "READY", "99"):
            with self.subTest(status=status):
                self.assertNotIn(status, listed)
                self.assertApiError(self._call("GET", "/orders", params={"status": status}), 400,
                                    "invalid_parameter")

    def test_text_with_nul_or_lone_surrogate_is_refused_saying_why(self):
        """Replays schemathesis' finding: a text holding NUL or half a surrogate pair was refused
        as "must be a text of at most 255 characters", which it was. The answer says what is
        wrong, and the document's pattern refuses what the API refuses."""
        body = json.dumps(self._order_body(external_ref="WEB-NUL")).replace("WEB-NUL", "WEB\\u0000NUL")
        error = self.assertApiError(self._call("POST", "/orders", raw=body), 400, "invalid_field")
        self.assertIn("external_ref", error["message"])
        self.assertIn("NUL", error["message"])
        self.assertNotIn("at most", error["message"])
        body = json.dumps(self._order_body(external_ref="WEB-SUR")).replace("Api Customer", "Api \\ud800 Customer")
        error = self.assertApiError(self._call("POST", "/orders", raw=body), 400, "invalid_field")
        self.assertIn("customer.name", error["message"])
        self.assertIn("surrogate", error["message"])
        self.assertNotIn("at most", error["message"])
        # the document says so: NUL and blank texts break its pattern, lone surrogates its words;
        # a long one says its length
        document = self._call("GET", "/openapi.json", key=False).json()
        name = document["components"]["schemas"]["Customer"]["properties"]["name"]
        pattern = re.compile(name["pattern"])
        self.assertIsNone(pattern.search("Api \x00 Customer"))
        self.assertIsNone(pattern.search(" \t\u00a0 "), "a required text is more than white space")
        self.assertTrue(pattern.search("Api Customer 😀"))
        self.assertIn("surrogate", document["info"]["description"])
        error = self.assertApiError(self._call("POST", "/orders", self._order_body(external_ref="W" * 256)),
                                    400, "invalid_field")
        self.assertIn("at most 255 characters", error["message"])

    def test_idempotency_key_takes_exactly_what_the_document_allows(self):
        """Replays schemathesis' finding: an Idempotency-Key the document allowed (any text of 1
        to 255 characters) was refused for a character Python does not print. The document
        says which keys the API takes, and the API takes those, refuses the others."""
        document = self._call("GET", "/openapi.json", key=False).json()
        parameter = document["paths"]["/orders"]["post"]["parameters"][0]
        self.assertEqual(parameter["name"], "Idempotency-Key")
        pattern = re.compile(parameter["schema"]["pattern"])
        for index, key in enumerate(("a", "order 42/retry #1", "~" * 255)):
            with self.subTest(key=key):
                self.assertTrue(pattern.search(key))
                response = self._call("POST", "/orders", self._order_body(external_ref=f"IDEM-{index}"),
                                      headers={"Idempotency-Key": key})
                self.assertEqual(response.status_code, 201, response.text)
        for key in ("\x85key", "clé", "tab\there", "k" * 256):
            with self.subTest(key=key):
                self.assertFalse(pattern.search(key) and len(key) <= parameter["schema"]["maxLength"])
                response = self._call("POST", "/orders", self._order_body(external_ref="IDEM-X"),
                                      headers={"Idempotency-Key": key.encode("latin-1")})
                self.assertApiError(response, 400, "invalid_parameter")
