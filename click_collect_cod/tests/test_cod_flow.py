from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.click_collect import const
from odoo.addons.click_collect.tests.common import ClickCollectCommon, CompaniesCommon
from odoo.addons.click_collect.tests.test_access_matrix import AccessMatrixCommon
from odoo.addons.click_collect.tests.test_flow import ALLOWED

# The rows this addon adds to the flow's table, and the base row it guards.
COD_ROWS = {
    ("ship", "shipped", "awaiting_cod"),
    ("ship", "awaiting_cod", "done"),
}


@tagged("post_install", "-at_install")
class TestCashOnDeliveryFlow(ClickCollectCommon):
    """Awaiting COD in the flow's table, through the one door."""

    def test_the_table_has_awaiting_cod(self):
        table = self.env["sale.order"]._cc_transition_table()
        self.assertEqual({row for row in table if "awaiting_cod" in row}, COD_ROWS)
        self.assertLessEqual(ALLOWED, set(table), "the base's rows are all there")
        self.assertEqual(table[("ship", "shipped", "delivered")], (("not_cod",), const.STORE_USER))
        self.assertEqual(table[("ship", "shipped", "awaiting_cod")], (("cod",), const.STORE_USER))
        self.assertEqual(table[("ship", "awaiting_cod", "done")], (("paid",), const.STORE_MANAGER))
        self.assertEqual(self.env["sale.order"]._cc_fulfilment_states()["ship"],
                         ["new", "accepted", "preparing", "shipped", "failed", "returned", "delivered",
                          "awaiting_cod", "done", "cancelled"])

    def test_manual_courier_cash_waits_for_its_remittance(self):
        order = self._shipped_by_hand()
        with self.assertRaisesRegex(UserError, "remittance"):
            order._cc_transition("delivered")
        order._cc_transition("awaiting_cod")
        self.assertFalse(order.cc_cod_move_id, "a courier typed in by hand has no record to owe the cash")
        with self.assertRaisesRegex(UserError, "not paid"):
            order._cc_transition("done")
        self._pay(order, method="cod", reference="REMIT-1")
        with self.assertRaisesRegex(UserError, "only .* may do that"):
            order.with_user(self.user_store_a)._cc_transition("done")
        order._cc_transition("done")
        self.assertEqual(order.cc_state, "done")

    def test_the_customer_reads_delivered(self):
        """An order awaiting its cash reached the customer: they hear and read "delivered"."""
        order = self._order("ship", method="cod")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        order.write({"carrier_id": self.carrier.id, "cc_tracking_ref": "X3"})
        order._cc_transition("shipped")
        order._cc_follow_carrier("delivered")
        self.assertEqual(order.cc_state, "awaiting_cod")
        self.assertEqual(order.cc_notification_ids.sorted("id")[-1].step, "delivered")
        self.assertEqual(order._cc_customer_state_label(), "delivered")
        steps = order._cc_tracking_steps()
        self.assertEqual([(step["state"], step["status"]) for step in steps], [
            ("new", "done"), ("accepted", "done"), ("preparing", "done"), ("shipped", "done"),
            ("delivered", "current"),
        ])
        self.assertTrue(steps[-1]["date"], "dated by the courier's delivery")

    def test_no_uninstall_while_cash_is_awaited(self):
        """Uninstalling the addon would leave an order awaiting its cash with no way to close but
        registering the cash again: Odoo's removal of the state is refused while one exists."""
        order = self._order("ship", method="cod")
        self._force_state(order, "awaiting_cod")
        ondelete = self.env["sale.order"]._fields["cc_state"].ondelete["awaiting_cod"]
        with self.assertRaisesRegex(UserError, "reconcile their remittances before uninstalling"):
            ondelete(order)

    def test_a_prepaid_order_is_delivered(self):
        order = self._order("ship", method="transfer")
        self._pay(order, method="transfer")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        order.write({"carrier_id": self.carrier.id, "cc_tracking_ref": "X2"})
        order._cc_transition("shipped")
        with self.assertRaisesRegex(UserError, "not a cash-on-delivery order"):
            order._cc_transition("awaiting_cod")
        order._cc_follow_carrier("delivered")
        self.assertEqual(order.cc_state, "delivered")


@tagged("post_install", "-at_install")
class TestCashOnDeliveryAccess(AccessMatrixCommon):
    """Remittances are accounting: web-order managers and accountants only."""

    def test_remittances_by_user(self):
        self._check_reads({
            "click_collect.cod.statement": (False, False, True),
            "click_collect.cod.statement.line": (False, False, True),
        })


@tagged("post_install", "-at_install")
class TestCashOnDeliveryCompanies(CompaniesCommon):
    """Remittances belong to a company, and are seen in it only."""

    def test_another_companys_remittances_are_hidden(self):
        records = {}
        for company, carrier in self.company_carriers.items():
            journal = self.env["account.journal"].create({
                "name": f"Remittances {company.id}", "type": "bank", "code": f"CR{company.id}",
                "company_id": company.id,
            })
            statement = self.env["click_collect.cod.statement"].create({
                "name": f"Remittance {company.id}", "carrier_id": carrier.id, "company_id": company.id,
                "journal_id": journal.id, "line_ids": [Command.create({"tracking_ref": "T1", "amount": 10})],
            })
            records[company] = {"click_collect.cod.statement": statement,
                                "click_collect.cod.statement.line": statement.line_ids}
        self._check_companies(records)
