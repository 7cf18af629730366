"""Faults: a web shop that does not answer its status webhooks. The flow goes on, and what the
web shop was never told is said on the order."""

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.click_collect.tests.common import ClickCollectCommon
from odoo.addons.click_collect.tests.test_faults import _notes
from odoo.addons.click_collect_api.models import click_collect_webhook_delivery as webhook


@tagged("post_install", "-at_install")
class TestWebShopGivenUp(ClickCollectCommon):

    def test_a_status_the_web_shop_never_got_is_said_on_the_order(self):
        shop = self.env["click_collect.web.shop"].create({
            "name": "Faults Shop", "code": "FLTS", "webhook_url": "http://127.0.0.1:9/down",
            "webhook_secret": "s3cret",
        })
        order = self._order()
        order.cc_web_shop_id = shop
        order._cc_transition("accepted")
        Delivery = self.env["click_collect.webhook.delivery"]
        delivery = Delivery.search([("order_id", "=", order.id)])
        self.assertEqual(order.cc_state, "accepted", "the flow does not wait for the web shop")
        moment = fields.Datetime.now()
        for _attempt in range(len(webhook.BACKOFF_MINUTES) + 1):
            with freeze_time(moment):
                Delivery._cron_send()
            moment = delivery.next_attempt_at
        self.assertEqual(delivery.state, "failed")
        self.assertTrue(any("web shop was not told" in body and "accepted" in body for body in _notes(order)))
