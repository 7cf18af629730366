from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .test_returns import ReturnsCommon


@tagged("post_install", "-at_install")
class TestAnnouncedReturnsExpire(ReturnsCommon):
    """A return announced online waits for its goods as long as the order's return policy says;
    then the daily job cancels it, and what it held may come back again."""

    def _announced(self, days_ago, shop=None):
        order = self._collected(shop=shop)
        line = order.order_line.filtered(lambda sol: sol.product_id == self.product_1)
        ret = order.sudo()._cc_request_return(self.store_a, [{"sale_line_id": line.id, "quantity": 1}],
                                              reason=self.reason)
        ret.date = fields.Datetime.now() - timedelta(days=days_ago, minutes=1)
        return ret

    def test_the_job_cancels_returns_whose_goods_never_came(self):
        self.assertEqual(self.web_shop.cc_return_wait_days, 30, "a month by default")
        late, waiting = self._announced(30), self._announced(29)
        received = self._announced(40)
        self._receive(received.order_id, {self.product_1: 1}, requested=received)
        cancelled = self.env["click_collect.return"]._cc_cron_expire_announced()
        self.assertEqual(cancelled, late)
        self.assertEqual((late.state, waiting.state, received.state), ("cancelled", "requested", "received"))
        event = late.order_id.cc_event_ids.filtered(lambda e: e.return_id == late).sorted("id")[-1]
        self.assertEqual(event.channel, "cron")
        self.assertIn(f"Return {late.name} cancelled: its goods did not come back within 30 days", event.note)
        line = late.line_ids.sale_line_id
        self.assertEqual(late.order_id._cc_return_quantities()[line], (2.0, 0.0, 2.0),
                         "what it held may come back again")
        self.assertFalse(self.env["click_collect.return"]._cc_cron_expire_announced(), "once")

    def test_each_policy_its_own_wait_and_none_without_one(self):
        patient = self.web_shop.copy({"name": "Patient shop", "code": "PATIENT", "cc_return_wait_days": 0})
        quick = self.web_shop.copy({"name": "Quick shop", "code": "QUICK", "cc_return_wait_days": 7})
        never, quick_late, default = (self._announced(400, shop=patient), self._announced(8, shop=quick),
                                      self._announced(8))
        # the scheduled job's own code
        self.env.ref("click_collect.ir_cron_expire_announced_returns").ir_actions_server_id.run()
        self.assertEqual((never.state, quick_late.state, default.state), ("requested", "cancelled", "requested"))

    def test_a_big_backlog_goes_in_batches_oldest_first(self):
        returns = self._announced(31) | self._announced(33) | self._announced(32)
        oldest_first = [returns[1].id, returns[2].id, returns[0].id]
        self.assertEqual(self.env["click_collect.return"]._cc_cron_expire_announced(batch_size=2).ids, oldest_first)
        events = self.env["click_collect.event"].search([("return_id", "in", returns.ids)], order="id")
        self.assertEqual(events.filtered(lambda e: "cancelled" in e.note).return_id.ids, oldest_first)
        self.assertEqual(set(returns.mapped("state")), {"cancelled"})
