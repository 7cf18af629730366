from odoo.tests import BaseCase, tagged

from ..tools.courier import CourierError, HttpTransport, readable
from .fake_server import FaultyServer


class EchoServer(FaultyServer):
    def handle(self, method, path, headers, body):
        return 200, b'{"ok": true}', "application/json"


@tagged("post_install", "-at_install")
class TestTransport(BaseCase):
    """The HTTP transport against a real server on 127.0.0.1: patient with network errors and
    5xx answers, never with a carrier's refusal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = EchoServer().start()
        cls.addClassCleanup(cls.server.stop)

    def setUp(self):
        super().setUp()
        self.server.requests.clear()
        self.server.faults.clear()

    def _transport(self, **kwargs):
        return HttpTransport(**{"timeout": 2.0, "retries": 2, "backoff": 0.01, "carrier": "Test courier", **kwargs})

    def test_a_5xx_is_tried_again(self):
        self.server.fail("5xx", times=2)
        response = self._transport().request("POST", f"{self.server.url}/ship", json={})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.server.requests), 3, "two retries after two 502 answers")

    def test_retries_run_out(self):
        self.server.fail("5xx", times=3)
        with self.assertRaises(CourierError) as caught:
            self._transport().request("POST", f"{self.server.url}/ship", json={})
        self.assertEqual(len(self.server.requests), 3)
        self.assertTrue(caught.exception.retryable)
        self.assertEqual(caught.exception.status, 502)
        self.assertEqual(str(caught.exception), "Test courier failed (HTTP 502) (<html>Bad gateway</html>)")

    def test_a_refusal_is_not_tried_again(self):
        server = FaultyServer().start()
        self.addCleanup(server.stop)
        server.handle = lambda *args: (400, b'{"message": "bad address"}', "application/json")
        response = self._transport().request("POST", f"{server.url}/ship", json={})
        self.assertEqual(response.status_code, 400, "the connector reads the carrier's refusal")
        self.assertEqual(len(server.requests), 1)

    def test_a_server_that_hangs_up_is_retryable(self):
        # (Odoo's tests raise every client timeout to 10 s: the server hangs up instead)
        self.server.fail("timeout", times=2, delay=0.2)
        with self.assertRaises(CourierError) as caught:
            self._transport(retries=1).request("GET", f"{self.server.url}/track")
        self.assertEqual(len(self.server.requests), 2)
        self.assertTrue(caught.exception.retryable)
        self.assertIn("could not be reached: ConnectionError", str(caught.exception))
        self.assertEqual((caught.exception.cause, caught.exception.url), ("closed", f"{self.server.url}/track"))

    def test_a_closed_port_is_retryable(self):
        server = EchoServer().start()
        url = server.url
        server.stop()
        with self.assertRaises(CourierError) as caught:
            self._transport(retries=0).request("GET", f"{url}/track")
        self.assertTrue(caught.exception.retryable)
        self.assertIn("could not be reached: ConnectionError", str(caught.exception))
        self.assertEqual((caught.exception.cause, caught.exception.url), ("refused", f"{url}/track"))

    def test_what_a_carrier_says_is_made_readable(self):
        error = CourierError("Refused\x00", carrier_message="bad\x07 \ud800 address")
        self.assertEqual(str(error), "Refused? (bad? ? address)")
        self.assertIsNone(readable(None))
        self.assertEqual(str(CourierError("Refused: bad address", carrier_message="bad address")),
                         "Refused: bad address", "the carrier's words are not said twice")
