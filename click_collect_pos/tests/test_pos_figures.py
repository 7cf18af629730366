"""A store's sales by channel: web orders beside its point of sale's own sales."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_pos import ClickCollectPosCommon


@tagged("post_install", "-at_install")
class TestStoreSales(ClickCollectPosCommon):

    def _pos_sale(self, session, amount, sale=None, cost=None):
        order = self.env["pos.order"].create({
            "session_id": session.id, "partner_id": self.customer.id, "amount_tax": 0.0,
            "amount_total": amount, "amount_paid": amount, "amount_return": 0.0,
            "lines": [Command.create({
                "product_id": self.product_2.id, "qty": 1, "price_unit": amount,
                "price_subtotal": amount, "price_subtotal_incl": amount,
                **({"total_cost": cost, "is_total_cost_computed": True} if cost is not None else {}),
                **({"sale_order_origin_id": sale.id} if sale else {}),
            })],
        })
        order.state = "paid"
        return order

    def test_web_orders_beside_the_points_of_sale(self):
        """Store A: two web orders (80 each, one paid at the counter through the POS) and a POS
        sale of 30. The counter payment is the web order's money, not a POS sale."""
        self.pos_config.with_user(self.cashier).open_ui()
        session = self.pos_config.current_session_id
        web = self._order() | self._order(method="pay_at_store")
        self._order(store=self.store_b)
        self._pos_sale(session, 30.0)
        settling = self._pos_sale(session, 80.0, sale=web[1])
        web[1]._cc_register_pos_payment(settling, 80.0)
        self.env.flush_all()
        Sales = self.env["click_collect.store.sales"].with_user(self.user_manager)
        groups = Sales.formatted_read_group([("store_id", "=", self.store_a.id)], ["channel"], ["revenue:sum"])
        self.assertEqual({group["channel"]: group["revenue:sum"] for group in groups}, {"web": 160.0, "pos": 30.0})
        mine = self.env["click_collect.store.sales"].with_user(self.user_store_manager_a).search([])
        self.assertEqual(mine.store_id, self.store_a, "a store manager sees their store's sales")
        with self.assertRaises(AccessError):
            self.env["click_collect.store.sales"].with_user(self.cashier).search([])

    def test_margin_of_web_orders_beside_the_points_of_sale(self):
        """Goods costing 20 and 10 sold 50 and 30 on the web: a collected order's margin is 50;
        an order still waiting has revenue and no margin yet. A POS sale of 30 whose goods cost 12
        (margin 18); a POS sale whose cost is not known yet (its session updates stock at
        closing) has revenue and no margin."""
        self.product_1.standard_price = 20.0
        self.product_2.standard_price = 10.0
        self.pos_config.with_user(self.cashier).open_ui()
        session = self.pos_config.current_session_id
        collected = self._order()
        self._order()  # still waiting: revenue, no margin yet
        for target in ("accepted", "preparing", "ready"):
            collected._cc_transition(target)
        self._pay(collected, method="pay_at_store", reference="TILL-1")
        collected._cc_hand_over(collected.sudo().cc_pickup_code)
        self.assertEqual(collected.cc_state, "collected")
        self._pos_sale(session, 30.0, cost=12.0)
        self._pos_sale(session, 40.0)
        self.env.flush_all()
        Sales = self.env["click_collect.store.sales"].with_user(self.user_store_manager_a)
        groups = Sales.formatted_read_group(
            [("store_id", "=", self.store_a.id)], ["channel"], ["revenue:sum", "margin:sum"])
        self.assertEqual(
            {group["channel"]: (group["revenue:sum"], group["margin:sum"]) for group in groups},
            {"web": (160.0, 50.0), "pos": (70.0, 18.0)},
        )
