"""Attacks found by a security review of the flow's trust: each test replays one as the role
that would make it, through public entry points only (RPC-callable methods, any context), and
asserts what must hold.
"""
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestReviewAttacks(ClickCollectCommon):
    """Store staff of store A against store B."""

    # ------------------------------------------------------------------ wizards

    def test_payment_register_onchange_reads_another_stores_order(self):
        """Attack: a store user of store A calls the payment screen's ``onchange`` (what the web
        client's form does; no wizard is created, so the access check of the wizards' create
        and write never runs) with the id of a store B order: the stored computes (amount due,
        payment method), computed as superuser, answer with store B's order."""
        order_b = self._order(store=self.store_b)
        Wizard = self.env["click_collect.payment.register"].with_user(self.user_store_a)
        spec = {"order_id": {}, "amount": {}, "method": {}, "currency_id": {}, "company_id": {}}
        with self.assertRaises(AccessError):
            Wizard.onchange({"order_id": order_b.id}, ["order_id"], spec)
        with self.assertRaises(AccessError):
            Wizard.with_context(default_order_id=order_b.id).onchange({}, [], spec)
        own = self._order(store=self.store_a)
        value = Wizard.onchange({"order_id": own.id}, ["order_id"], spec)["value"]
        self.assertEqual(value["amount"], 80.0, "the screen works on the user's own store's order")

    # ------------------------------------------------------------------ stock

    def test_store_user_takes_another_stores_stock(self):
        """Attack: a store user of store A creates and validates a transfer from store B's
        stock to store A's (the rule lets a store see "the transfers arriving at it", so it may
        also create them): store B's goods are booked out without anyone of store B."""
        Picking = self.env["stock.picking"].with_user(self.user_store_a)
        before = self.product_1.with_context(warehouse_id=self.store_b.id).qty_available
        with self.assertRaises(AccessError):
            Picking.create({
                "picking_type_id": self.store_a.in_type_id.id,
                "location_id": self.store_b.lot_stock_id.id,
                "location_dest_id": self.store_a.lot_stock_id.id,
                "move_ids": [Command.create({
                    "product_id": self.product_1.id, "product_uom_qty": 5,
                    "location_id": self.store_b.lot_stock_id.id,
                    "location_dest_id": self.store_a.lot_stock_id.id,
                })],
            })
        self.env.invalidate_all()
        self.assertEqual(self.product_1.with_context(warehouse_id=self.store_b.id).qty_available, before,
                         "a store A user took store B's stock")
