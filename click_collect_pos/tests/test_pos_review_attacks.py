"""Attacks found by a security review of the flow's trust: each test replays one as the role
that would make it, through public entry points only (RPC-callable methods, any context), and
asserts what must hold.
"""
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_pos import ClickCollectPosCommon


@tagged("post_install", "-at_install")
class TestReviewAttacksPos(ClickCollectPosCommon):
    """The point of sale of store A, its cashier working for store A only."""

    def test_cashier_settles_another_stores_web_order_in_own_till(self):
        """Attack: a cashier of store A rings up a cart that settles a web order of store B
        (pos_sale's ``sale_order_origin_id`` on the POS order's lines, set by the client) and
        pays it into store A's till. ``action_pos_order_paid`` records the payment on the store B
        order as superuser: store B's order reads paid (and is handed over there without money),
        while the cash sits in another store's till."""
        self.pos_config.with_user(self.cashier).open_ui()
        session = self.pos_config.current_session_id
        order_b = self._order(store=self.store_b, method="pay_at_store")
        for target in ("accepted", "preparing", "ready"):
            order_b._cc_transition(target)
        method = self.pos_config.payment_method_ids[:1]
        PosOrder = self.env["pos.order"].with_user(self.cashier)
        pos_order = PosOrder.create({
            "session_id": session.id, "partner_id": self.customer.id,
            "amount_tax": 0.0, "amount_total": 80.0, "amount_paid": 80.0, "amount_return": 0.0,
            "lines": [Command.create({
                "product_id": self.product_1.id, "qty": 1, "price_unit": 80.0,
                "price_subtotal": 80.0, "price_subtotal_incl": 80.0,
                "sale_order_origin_id": order_b.id,
            })],
            "payment_ids": [Command.create({"payment_method_id": method.id, "amount": 80.0})],
        })
        with self.assertRaisesRegex(UserError, "belong to another store"):
            pos_order.action_pos_order_paid()
        self.env.invalidate_all()
        self.assertEqual(order_b.cc_payment_state, "unpaid",
                         "a store A cashier paid a store B web order into store A's till")

    def test_cashier_marks_web_order_paid_with_a_zero_cart(self):
        """Attack: a cashier of store A settles a ready web order of their own store with a cart
        that also holds a negative line of the same amount (any product, no web order): the
        cart totals 0 and takes no money, yet the web order is recorded as paid its full amount
        (only the settling lines are summed, not what the till took) and can be handed over."""
        self.pos_config.with_user(self.cashier).open_ui()
        session = self.pos_config.current_session_id
        order = self._order(store=self.store_a, method="pay_at_store")
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        method = self.pos_config.payment_method_ids[:1]
        PosOrder = self.env["pos.order"].with_user(self.cashier)
        pos_order = PosOrder.create({
            "session_id": session.id, "partner_id": self.customer.id,
            "amount_tax": 0.0, "amount_total": 0.0, "amount_paid": 0.0, "amount_return": 0.0,
            "lines": [
                Command.create({
                    "product_id": self.product_1.id, "qty": 1, "price_unit": 80.0,
                    "price_subtotal": 80.0, "price_subtotal_incl": 80.0,
                    "sale_order_origin_id": order.id,
                }),
                Command.create({
                    "product_id": self.product_2.id, "qty": -1, "price_unit": 80.0,
                    "price_subtotal": -80.0, "price_subtotal_incl": -80.0,
                }),
            ],
            "payment_ids": [Command.create({"payment_method_id": method.id, "amount": 0.0})],
        })
        pos_order.action_pos_order_paid()
        self.env.invalidate_all()
        self.assertEqual(order.cc_payment_state, "unpaid", "the web order is paid by a cart that took no money")
