import hashlib
import hmac
import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.click_collect.models import click_collect_webhook_delivery as webhook

from .common_api import ClickCollectApiCommon


@tagged("post_install", "-at_install")
class TestStatusWebhooks(ClickCollectApiCommon):

    def setUp(self):
        super().setUp()
        self.receiver.received.clear()
        self.receiver.status = 200
        self.Delivery = self.env["click_collect.webhook.delivery"]
        # deliveries queued before the test (demo data) are not this test's business
        self.Delivery.search([("state", "=", "pending")]).write({"state": "failed"})

    def _deliveries(self, order):
        return self.Delivery.search([("order_id", "=", order.id)], order="id")

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
            expected = hmac.new(b"test-secret", body, hashlib.sha256).hexdigest()
            self.assertTrue(hmac.compare_digest(headers[webhook.SIGNATURE_HEADER], f"sha256={expected}"))
            payload = json.loads(body)
            self.assertEqual(payload["event_id"], headers[webhook.EVENT_HEADER])
            self.assertEqual(payload["event_id"], delivery.event_uid)
            self.assertTrue(headers[webhook.TIMESTAMP_HEADER].isdigit())
            self.assertEqual((payload["order_no"], payload["external_ref"]), (order.name, order.cc_external_ref))
        first, second = (json.loads(r["body"]) for r in self.receiver.received)
        self.assertEqual((first["previous_status"], first["status"], first["status_code"]), ("new", "accepted", 2))
        self.assertEqual((second["previous_status"], second["status"]), ("accepted", "preparing"))

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
