import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta
from datetime import time as day_time

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.click_collect_api.models import click_collect_webhook_delivery as webhook

from .common_api import ClickCollectApiCommon


def verify(secret, header, body, tolerance=300):
    """What the README tells a web shop to do with a status webhook: the signature of the time
    and the body, made with the secret, and a time of less than ``tolerance`` seconds ago."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    signed = parts["t"].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(parts["v1"], expected) and abs(time.time() - int(parts["t"])) <= tolerance


@tagged("post_install", "-at_install")
class TestStatusWebhooks(ClickCollectApiCommon):

    def setUp(self):
        super().setUp()
        self._fresh_webhooks()

    def _deliveries(self, order):
        return self.Delivery.search([("order_id", "=", order.id)], order="id")

    def test_a_web_shop_that_does_not_answer_delays_no_other(self):
        """The job sends a lot at a time; a web shop that cannot be reached is called once per
        run: its other webhooks wait for the next run, the other web shops' go."""
        self.other_shop.sudo().write({"webhook_url": "http://127.0.0.1:9/hooks", "webhook_secret": "other-secret"})
        silent = [self._shop_order(shop=self.other_shop) for _i in range(3)]
        heard = [self._shop_order() for _i in range(3)]
        for order in silent + heard:
            order._cc_transition("accepted")
        triggered = self.env["ir.cron.trigger"].sudo().search_count(
            [("cron_id", "=", self.env.ref("click_collect_api.ir_cron_webhook_send").id)])
        self.assertGreater(triggered, 0, "the job runs once the changes commit")
        self.Delivery._cron_send(limit=2)
        silent_deliveries = self.Delivery.search([("order_id", "in", [o.id for o in silent])])
        self.assertEqual(sum(silent_deliveries.mapped("attempt_count")), 1, "called once in the run")
        self.assertEqual(set(silent_deliveries.mapped("state")), {"pending"})
        self.assertEqual(set(self.Delivery.search([("order_id", "in", [o.id for o in heard])]).mapped("state")),
                         {"done"})
        self.assertEqual(len(self.receiver.received), 3, "the other web shop heard of each of its orders")

    def test_each_state_change_is_queued_and_sent_signed(self):
        order = self._shop_order()
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        deliveries = self._deliveries(order)
        self.assertEqual(deliveries.mapped("state"), ["pending", "pending"], "queued, sent after commit")
        self.assertFalse(self.receiver.received)
        self.Delivery._cron_send()
        self.assertEqual(deliveries.mapped("state"), ["done", "done"])
        self.assertEqual(len(self.receiver.received), 2)
        for received, delivery in zip(self.receiver.received, deliveries, strict=True):
            body, headers = received["body"], received["headers"]
            self.assertTrue(verify("test-secret", headers["X-Click-Collect-Signature"], body))
            payload = json.loads(body)
            self.assertEqual(payload["event_id"], headers[webhook.EVENT_HEADER])
            self.assertEqual(payload["event_id"], delivery.event_uid)
            self.assertEqual((payload["order_no"], payload["external_ref"]), (order.name, order.cc_external_ref))
        first, second = (json.loads(r["body"]) for r in self.receiver.received)
        self.assertEqual((first["previous_status"], first["status"], first["status_code"]), ("new", "accepted", 2))
        self.assertEqual((second["previous_status"], second["status"]), ("accepted", "preparing"))

    def test_a_new_pickup_store_is_posted(self):
        """The customer picks the order up at store B: the web shop hears it (its own type, the
        two stores' codes), signed as the status webhooks; no status change is posted."""
        order = self._shop_order()
        order._cc_transition("accepted")
        order._cc_change_store_by_customer(self.store_b.id)
        deliveries = self._deliveries(order)
        self.assertEqual(len(deliveries), 2, "accepted, then the store")
        self.Delivery._cron_send()
        received = self.receiver.received[-1]
        self.assertTrue(verify("test-secret", received["headers"]["X-Click-Collect-Signature"], received["body"]))
        payload = json.loads(received["body"])
        self.assertEqual(
            {key: payload[key] for key in ("type", "order_no", "status", "status_code", "store", "previous_store")},
            {"type": "order.store_changed", "order_no": order.name, "status": "accepted", "status_code": 2,
             "store": "TSB", "previous_store": "TSA"},
        )

    def test_orders_created_through_the_api_announce_new(self):
        body = self._create()
        delivery = self._deliveries(self._db_order(body["order_no"]))
        self.assertEqual(json.loads(delivery.payload)["status"], "new")

    def test_only_web_shop_orders_with_a_url_are_queued(self):
        orders = self._order() | self._shop_order(shop=self.other_shop, store=self.store_b)
        orders._cc_transition("accepted")
        self.assertFalse(self.Delivery.search([("order_id", "in", orders.ids)]))

    def test_a_failing_shop_is_retried_with_back_off_then_given_up(self):
        self.receiver.status = 500
        order = self._shop_order()
        order._cc_transition("accepted")
        self.assertEqual(order.cc_state, "accepted", "the flow does not wait for the web shop")
        delivery = self._deliveries(order)
        now = fields.Datetime.now()
        with freeze_time(now):
            self.Delivery._cron_send()
        self.assertEqual((delivery.state, delivery.attempt_count, delivery.last_status_code), ("pending", 1, 500))
        self.assertEqual(delivery.next_attempt_at, now + timedelta(minutes=webhook.BACKOFF_MINUTES[0]))
        with freeze_time(now + timedelta(seconds=30)):
            self.Delivery._cron_send()
        self.assertEqual(delivery.attempt_count, 1, "not due yet")
        moment = now
        for _minutes in webhook.BACKOFF_MINUTES:
            moment = delivery.next_attempt_at
            with freeze_time(moment):
                self.Delivery._cron_send()
        self.assertEqual((delivery.state, delivery.attempt_count), ("failed", len(webhook.BACKOFF_MINUTES) + 1))
        self.assertEqual(len(self.receiver.received), len(webhook.BACKOFF_MINUTES) + 1)
        # the web shop is back: the back office replays it
        self.receiver.status = 200
        delivery.with_user(self.user_manager).action_replay()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(self.receiver.received[-1]["body"], self.receiver.received[0]["body"],
                         "a replay sends the same event")
        self.assertEqual(self.shop.webhook_failed_count, 0)

    def test_unreachable_shop_and_missing_secret(self):
        self.shop.webhook_url = "http://127.0.0.1:9/nothing-listens-here"
        order = self._shop_order()
        order._cc_transition("accepted")
        self.Delivery._cron_send()
        delivery = self._deliveries(order)
        self.assertEqual((delivery.state, delivery.last_status_code), ("pending", 0))
        self.assertTrue(delivery.last_error)
        self.shop.webhook_secret = False
        delivery.action_replay()
        self.assertEqual(delivery.state, "failed")
        self.assertIn("secret", delivery.last_error)
        self.assertFalse(self.receiver.received)
        # the web shop fixed its endpoint: a replay goes to the URL it has now
        self.shop.write({"webhook_secret": "test-secret", "webhook_url": self.receiver.url})
        delivery.action_replay()
        self.assertEqual((delivery.state, delivery.url), ("done", self.receiver.url))
        self.assertEqual(len(self.receiver.received), 1)

    def test_api_key_button(self):
        action = self.shop.action_new_api_key()
        key = action["context"]["default_key"]
        self.assertEqual(self.env["res.users.apikeys"]._check_credentials(scope="rpc", key=key), self.shop_user.id)
        response = self._call("GET", "/orders", key=key)
        self.assertEqual(response.status_code, 200, response.text)

    def test_api_key_dialog_asks_the_expiry_and_says_how_to_use_it(self):
        """New API Key: the expiry is asked first; the key works through its last day, then
        the dialog shows it once with the Bearer header, the API's base URL and the OpenAPI
        document. A day already gone is refused."""
        admin = self.env.ref("base.user_admin")
        opened = self.shop.with_user(admin).action_open_api_key()
        wizard = self.env[opened["res_model"]].with_user(admin).with_context(**opened["context"]).create({
            "expiration_date": fields.Date.today() + timedelta(days=30),
        })
        shown = wizard.action_generate()
        key = shown["context"]["default_key"]
        dialog = self.env[shown["res_model"]].with_user(admin).with_context(**shown["context"]).create({})
        self.assertEqual(dialog.key, key)
        self.assertTrue(dialog.base_url.endswith("/api/click_collect/v1"))
        self.assertTrue(dialog.openapi_url.endswith("/api/click_collect/v1/openapi.json"))
        record = self.env["res.users.apikeys"].sudo().search([("user_id", "=", self.shop_user.id)], order="id desc",
                                                              limit=1)
        self.assertEqual(record.expiration_date, datetime.combine(fields.Date.today() + timedelta(days=30),
                                                                  day_time(23, 59, 59)))
        self.assertEqual(self._call("GET", "/orders", key=key).status_code, 200)
        with self.assertRaisesRegex(UserError, "expires after today"):
            self.shop.with_user(admin).action_new_api_key(expiration_date=fields.Date.today())
        with self.assertRaises(AccessError):
            self.shop.with_user(self.user_manager).action_open_api_key()

    def test_signature_covers_the_time_so_an_old_webhook_cannot_be_replayed(self):
        """Replays a webhook captured on its way to the web shop, days later: the signature covers
        the time it was signed at, so a receiver that refuses old signatures refuses it, and
        the same body signed alone (without its time) is no valid signature."""
        order = self._shop_order()
        with freeze_time(fields.Datetime.now() - timedelta(days=3)):
            order._cc_transition("accepted")
            self.Delivery._cron_send()
        captured = self.receiver.received[-1]
        header, body = captured["headers"]["X-Click-Collect-Signature"], captured["body"]
        self.assertRegex(header, r"^t=\d+,v1=[0-9a-f]{64}$", "one header: the time and the signature")
        self.assertFalse(verify("test-secret", header, body), "three days old: refused by the receiver")
        self.assertTrue(verify("test-secret", header, body, tolerance=4 * 86400), "but it is a valid signature")
        body_only = hmac.new(b"test-secret", body, hashlib.sha256).hexdigest()
        self.assertFalse(verify("test-secret", f"t={int(time.time())},v1={body_only}", body),
                         "a signature of the body alone is no signature at a new time")
        self.assertFalse(verify("test-secret", f"t={int(time.time())},{header.split(',')[1]}", body),
                         "the old signature with a new time is refused")

    def test_manager_cannot_rewrite_a_webhook_body_and_have_it_signed(self):
        """Replays a web-order manager using Send Again as a signing oracle: over JSON-RPC, rewrite
        a delivery's body (or its web shop, or its order) with any text, then Send Again to get
        it signed with the web shop's secret. Every rewrite is refused; Send Again sends the
        body the system queued."""
        order = self._shop_order()
        order._cc_transition("accepted")
        delivery = self._deliveries(order)
        queued = delivery.payload
        forged = json.dumps({"event_id": "forged", "type": "order.status_changed", "order_no": order.name,
                             "status": "done", "status_code": 13})
        login = self.user_manager.login
        for values in ({"payload": forged}, {"web_shop_id": self.other_shop.id},
                       {"order_id": self._shop_order().id}, {"event_uid": "forged"}):
            with self.subTest(values=values):
                _result, error = self._rpc(login, "click_collect.webhook.delivery", "write", [delivery.id], values)
                self.assertEqual(error, "odoo.exceptions.AccessError")
        # not even with a context of its choosing, nor through the ORM
        _result, error = self._rpc(login, "click_collect.webhook.delivery", "write", [delivery.id],
                                   {"payload": forged}, context={"cc_door": True, "active_test": False})
        self.assertEqual(error, "odoo.exceptions.AccessError")
        with self.assertRaises(AccessError):
            delivery.with_user(self.user_manager).write({"payload": forged})
        with self.assertRaises(AccessError):
            delivery.sudo().write({"payload": forged})
        delivery.invalidate_recordset()
        self.assertEqual((delivery.payload, delivery.web_shop_id, delivery.order_id), (queued, self.shop, order))

        _result, error = self._rpc(login, "click_collect.webhook.delivery", "action_replay", [delivery.id])
        self.assertIsNone(error)
        self.assertEqual([r["body"] for r in self.receiver.received], [queued.encode()],
                         "Send Again sends the queued body, nothing else")
        delivery.invalidate_recordset()
        self.assertEqual(delivery.state, "done")

    def test_manager_cannot_point_the_webhook_or_the_api_user_elsewhere(self):
        """Replays a web-order manager sending the signed webhooks (and with them the orders'
        data) to a host of theirs: writing the web shop's webhook URL or technical user over
        JSON-RPC is refused; an administrator sets them."""
        login = self.user_manager.login
        for values in ({"webhook_url": "https://attacker.example.com/hook"}, {"user_id": self.other_shop_user.id},
                       {"webhook_secret": "known"}):
            with self.subTest(values=values):
                _result, error = self._rpc(login, "click_collect.web.shop", "write", [self.shop.id], values)
                self.assertEqual(error, "odoo.exceptions.AccessError")
        _result, error = self._rpc(login, "click_collect.web.shop", "create",
                                   {"name": "Evil", "code": "EVIL", "webhook_url": "https://attacker.example.com"})
        self.assertEqual(error, "odoo.exceptions.AccessError")
        self.shop.invalidate_recordset()
        self.assertEqual((self.shop.webhook_url, self.shop.user_id), (self.receiver.url, self.shop_user))
        # the rest of the web shop is the manager's to set; an administrator sets the URL
        _result, error = self._rpc(login, "click_collect.web.shop", "write", [self.shop.id], {"name": "Renamed"})
        self.assertIsNone(error)
        self.shop.with_user(self.env.ref("base.user_admin")).webhook_url = "https://shop.example.com/hook"
        self.assertEqual(self.shop.webhook_url, "https://shop.example.com/hook")

    def test_the_web_shops_answer_is_not_kept(self):
        """Replays a receiver that answers an error page with what it should not show (or a
        hostile one that fills the database): only the status code and its standard reason
        are kept on the delivery, never the body."""
        self.receiver.status = 500
        self.receiver.answer = b"Traceback: DB_PASSWORD=hunter2 " + b"x" * 100_000
        order = self._shop_order()
        order._cc_transition("accepted")
        self.Delivery._cron_send()
        delivery = self._deliveries(order)
        self.assertEqual((delivery.state, delivery.last_status_code, delivery.last_error),
                         ("pending", 500, "HTTP 500 Internal Server Error"))
