"""What the base does with cash on delivery when click_collect_cod is not installed. Run on the
database where click_collect is installed alone (``./run test``), not with the whole family:
click_collect_cod puts "awaiting COD" between delivered and done (its own tests)."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestCashOnDeliveryAlone(ClickCollectCommon):
    """A cash-on-delivery order without click_collect_cod: delivered, then done once its cash is
    registered, by a store manager."""

    def setUp(self):
        super().setUp()
        self.assertNotIn("awaiting_cod", self.env["sale.order"]._fields["cc_state"].get_values(self.env),
                         "these tests are for a database without click_collect_cod")

    def test_courier_delivers_then_a_store_manager_closes(self):
        order = self._shipped_by_hand()
        order._cc_follow_carrier("delivered", channel="webhook")
        self.assertEqual(order.cc_state, "delivered", "the courier delivered it, its cash still to come")
        with self.assertRaisesRegex(UserError, "not paid"):
            order._cc_transition("done")
        self._pay(order, method="cod", reference="BIKE-CASH-1")
        with self.assertRaisesRegex(UserError, "a store manager closes a cash-on-delivery order"):
            order.with_user(self.user_store_a)._cc_transition("done")
        order.with_user(self.user_store_manager_a)._cc_transition("done")
        self.assertEqual(order.cc_state, "done")
