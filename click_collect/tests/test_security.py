from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestStoreAccess(ClickCollectCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_a = cls._order(store=cls.store_a)
        cls.order_b = cls._order(store=cls.store_b)
        cls.plain = cls.env["sale.order"].create({"partner_id": cls.customer.id})

    def test_store_user_sees_own_store_only(self):
        Order = self.env["sale.order"].with_user(self.user_store_a)
        visible = Order.search([("id", "in", (self.order_a | self.order_b | self.plain).ids)])
        self.assertEqual(visible, self.order_a)
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.user_store_a).read(["name"])
        with self.assertRaises(AccessError):
            self.plain.with_user(self.user_store_a).read(["name"])
        self.assertEqual(self.order_a.with_user(self.user_store_a).order_line.with_user(self.user_store_a).mapped("product_id"),
                         self.product_1 | self.product_2)

    def test_store_user_cannot_change_another_store(self):
        with self.assertRaisesRegex(UserError, "store you do not work for"):
            self.order_b.with_user(self.user_store_a)._cc_transition("accepted")
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.user_store_a).write({"note": "hello"})
        self.assertEqual(self.order_b.cc_state, "new")
        self.order_a.with_user(self.user_store_a)._cc_transition("accepted")
        self.assertEqual(self.order_a.cc_state, "accepted")

    def test_timeline_by_store(self):
        Event = self.env["click_collect.event"].with_user(self.user_store_a)
        events = Event.search([("order_id", "in", (self.order_a | self.order_b).ids)])
        self.assertEqual(events.order_id, self.order_a)
        with self.assertRaises(AccessError):
            Event.create({"order_id": self.order_a.id, "to_state": "collected"})
        with self.assertRaises(AccessError):
            events.write({"note": "rewritten"})
        with self.assertRaises(AccessError):
            events.unlink()

    def test_manager_sees_every_store(self):
        Order = self.env["sale.order"].with_user(self.user_manager)
        self.assertEqual(Order.search([("id", "in", (self.order_a | self.order_b).ids)]), self.order_a | self.order_b)
        Event = self.env["click_collect.event"].with_user(self.user_manager)
        self.assertEqual(Event.search([("order_id", "in", (self.order_a | self.order_b).ids)]).order_id,
                         self.order_a | self.order_b)

    def test_store_user_cannot_create_orders_or_web_shops(self):
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.user_store_a).create({"partner_id": self.customer.id})
        with self.assertRaises(AccessError):
            self.env["click_collect.web.shop"].with_user(self.user_store_a).create({"name": "X", "code": "X"})
        shop = self.env["click_collect.web.shop"].with_user(self.user_manager).create({"name": "Shop", "code": "S1"})
        self.assertTrue(shop)
