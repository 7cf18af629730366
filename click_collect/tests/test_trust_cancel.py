"""Sales' own cancellation of a web order goes through the flow's door: its Cancel button, the
mass-cancel wizard, a direct write of the state, or any of them over RPC, as the users who may
reach them (Sales administrators, web-order managers)."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestSalesCancelGoesThroughTheDoor(ClickCollectCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_admin = new_test_user(cls.env, "cc_test_sales_admin", groups="sales_team.group_sale_manager")
        cls.salesperson = new_test_user(cls.env, "cc_test_cancel_salesperson",
                                        groups="sales_team.group_sale_salesman")

    def _reserved(self, order):
        return sum(order.picking_ids.move_ids.filtered(lambda m: m.state != "cancel").mapped("quantity"))

    def test_manager_cancel_is_the_flows_cancel(self):
        """A web-order manager presses Sales' Cancel (``action_cancel``) on an accepted web order:
        the order is cancelled in the flow (state, timeline, stock released) as with the flow's
        own Cancel, not only in Sales."""
        order = self._order()
        order._cc_transition("accepted")
        self.assertEqual(self._reserved(order), 2)
        order.with_user(self.user_manager).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.cc_state, "cancelled")
        last = order.cc_event_ids.sorted("id")[-1]
        self.assertEqual((last.from_state, last.to_state, last.user_id), ("accepted", "cancelled", self.user_manager))
        self.assertEqual(self._reserved(order), 0, "the store's reservation is released")
        self.assertEqual(set(order.picking_ids.mapped("state")), {"cancel"})

    def test_mass_cancel_wizard_goes_through_the_door(self):
        """Sales' mass-cancel wizard on two web orders and a plain quotation: the web orders are
        cancelled by the flow, the quotation as in Sales."""
        orders = self._order() | self._order(store=self.store_b)
        quotation = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.product_1.id, "product_uom_qty": 1})],
        })
        wizard = self.env["sale.mass.cancel.orders"].with_user(self.user_manager).create({
            "sale_order_ids": [Command.set((orders | quotation).ids)],
        })
        wizard.action_mass_cancel()
        self.assertEqual(set((orders | quotation).mapped("state")), {"cancel"})
        self.assertEqual(orders.mapped("cc_state"), ["cancelled", "cancelled"])
        self.assertEqual(len(orders.cc_event_ids.filtered(lambda e: e.to_state == "cancelled")), 2)
        self.assertFalse(quotation.cc_state)

    def test_sales_admin_without_role_cannot_cancel_a_web_order(self):
        """Attack: a Sales administrator without a Click & Collect role cancels a web order with
        Sales' Cancel: the door refuses it (only store managers and web-order managers cancel web
        orders), and nothing changes."""
        order = self._order()
        events = len(order.cc_event_ids)
        with self.assertRaises(UserError):
            order.with_user(self.sales_admin).action_cancel()
        self.assertEqual((order.state, order.cc_state), ("sale", "new"))
        self.assertEqual(len(order.cc_event_ids), events)
        self.assertEqual(self._reserved(order), 2)

    def test_collected_order_is_not_cancelled(self):
        """Sales' Cancel of a web order the customer collected is refused with the flow's reason
        (its goods are with the customer: a return, not a cancellation)."""
        order = self._order()
        self._force_state(order, "collected")
        with self.assertRaisesRegex(UserError, "cannot become Cancelled"):
            order.with_user(self.user_manager).action_cancel()
        self.assertEqual(order.state, "sale")

    def test_state_written_directly_is_refused(self):
        """Attack: a web-order manager writes {'state': 'cancel'} on a web order, or puts a web
        order the flow cancelled back to a quotation (Sales' "Set to Quotation") and confirms it
        again: both refused."""
        order = self._order()
        with self.assertRaisesRegex(UserError, "cancel it with its Cancel action"):
            order.with_user(self.user_manager).write({"state": "cancel"})
        self.assertEqual(order.state, "sale")
        order.with_user(self.user_manager).action_cancel()
        for user in (self.user_manager, self.sales_admin):
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, "it is not reopened"):
                order.with_user(user).action_draft()
        self.assertEqual((order.state, order.cc_state), ("cancel", "cancelled"))

    def test_plain_quotations_cancel_as_in_sales(self):
        """A salesperson's own quotation is cancelled and set back to quotation as in Sales."""
        quotation = self.env["sale.order"].with_user(self.salesperson).create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.product_1.id, "product_uom_qty": 1})],
        })
        quotation.action_confirm()
        quotation.action_cancel()
        self.assertEqual(quotation.state, "cancel")
        quotation.action_draft()
        self.assertEqual(quotation.state, "draft")


@tagged("post_install", "-at_install")
class TestSalesCancelOverRpc(HttpCase):
    """The attack as a script sends it: Sales' ``action_cancel`` on a web order over JSON-RPC."""

    def test_rpc_action_cancel_by_sales_admin(self):
        store = self.env["stock.warehouse"].create({"name": "RPC Cancel Store", "code": "RPCC", "cc_is_store": True})
        admin = new_test_user(self.env, "cc_rpc_sales_admin", password="cc_rpc_sales_admin_pw1",
                              groups="sales_team.group_sale_manager")
        order = self.env["sale.order"].create({
            "partner_id": self.env["res.partner"].create({"name": "RPC Cancel Customer"}).id,
            "cc_fulfilment": "pickup", "cc_store_id": store.id,
        })
        self.authenticate(admin.login, "cc_rpc_sales_admin_pw1")
        response = self.opener.post(f"{self.base_url()}/web/dataset/call_button/sale.order/action_cancel", json={
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "model": "sale.order", "method": "action_cancel", "args": [[order.id]], "kwargs": {},
            },
        }, timeout=30)
        error = response.json()["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        order.invalidate_recordset()
        self.assertEqual((order.state, order.cc_state), ("draft", "new"))
