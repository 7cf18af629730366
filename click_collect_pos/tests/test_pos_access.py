from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.click_collect.tests.test_access_matrix import AccessMatrixCommon


@tagged("post_install", "-at_install")
class TestPosAccessMatrix(AccessMatrixCommon):
    """What each kind of user sees and moves at the stores' points of sale."""

    def test_point_of_sale_by_user(self):
        """At a store's point of sale, each user (a cashier too) lists, opens and moves the web
        orders of that store only, and only when they work for it."""
        configs = {
            store: self.env["pos.config"].create({"name": f"POS {store.name}", "picking_type_id": store.pos_type_id.id})
            for store in (self.store_a, self.store_b)
        }
        allowed = {
            "store user A": {self.store_a},
            "store manager A": {self.store_a},
            "web-order manager": {self.store_a, self.store_b},
            "API user of shop A": set(),
        }
        orders = {self.store_a: self.order_a, self.store_b: self.order_b}
        for name, user in self.users.items():
            user.group_ids = [Command.link(self.env.ref("point_of_sale.group_pos_user").id)]
            for store, config in configs.items():
                pos = config.with_user(user)
                order = orders[store]
                with self.subTest(user=name, pos=config.name), self._rolled_back():
                    if store in allowed[name]:
                        self.assertEqual([o["id"] for o in pos.cc_web_orders()["orders"]], order.ids)
                        self.assertEqual(pos.cc_web_order(order.id)["name"], order.name)
                        self.assertTrue(pos.cc_web_order_action(order.id, "accept", expected_state="new")["ok"])
                        self.assertEqual(order.cc_state, "accepted")
                        # the other store's order is not found at this point of sale, even by id
                        other = orders[self.store_b if store == self.store_a else self.store_a]
                        with self.assertRaisesRegex(UserError, "Order could not be found"):
                            pos.cc_web_order_action(other.id, "accept", expected_state="new")
                    else:
                        for call in (pos.cc_web_orders, pos.cc_web_order_counts,
                                     lambda pos=pos, order=order: pos.cc_web_order(order.id)):
                            with self.assertRaises(AccessError):
                                call()
                        self.assertEqual(order.cc_state, "new")
