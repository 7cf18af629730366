from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ClickCollectCommon

# model -> (store user, store manager, web-order manager): may they read it?
READ = {
    "click_collect.web.shop": (True, True, True),
    "click_collect.courier.event": (False, False, True),
    "click_collect.notification": (True, True, True),
}


class AccessMatrixCommon(ClickCollectCommon):
    """Web shops, orders and users of two stores, for the access matrix of the flow and of
    the addons that show web orders elsewhere (the point of sale)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop_a = cls.env["click_collect.web.shop"].create({"name": "Shop A", "code": "SA"})
        cls.shop_b = cls.env["click_collect.web.shop"].create({"name": "Shop B", "code": "SB"})
        cls.order_a = cls._order(store=cls.store_a)
        cls.order_b = cls._order(store=cls.store_b)
        cls.order_a.cc_web_shop_id = cls.shop_a
        cls.order_b.cc_web_shop_id = cls.shop_b
        cls.plain = cls.env["sale.order"].create({"partner_id": cls.customer.id})
        cls.portal = new_test_user(cls.env, "cc_test_portal", groups="base.group_portal")
        cls.users = {
            "store user A": cls.user_store_a,
            "store manager A": cls.user_store_manager_a,
            "web-order manager": cls.user_manager,
        }

    def _readable(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def _check_reads(self, read):
        """``read``: {model: (may each of ``self.users`` read it, in their order)}."""
        for model, rights in read.items():
            for (name, user), allowed in zip(self.users.items(), rights, strict=True):
                with self.subTest(model=model, user=name):
                    Model = self.env[model].with_user(user)
                    if allowed:
                        Model.search([], limit=1)
                    else:
                        with self.assertRaises(AccessError):
                            Model.search([], limit=1)


@tagged("post_install", "-at_install")
class TestAccessMatrix(AccessMatrixCommon):
    """What each kind of user can read and change, store by store."""

    def test_web_orders_by_user(self):
        every = self.order_a | self.order_b | self.plain
        expected = {
            "store user A": self.order_a,
            "store manager A": self.order_a,
            "web-order manager": every,
        }
        for name, user in self.users.items():
            with self.subTest(user=name):
                self.assertEqual(self._readable(user, every), expected[name])
                events = self._readable(user, every.cc_event_ids)
                self.assertEqual(events.order_id, expected[name] & every.filtered("cc_state"))

    def test_who_moves_which_order(self):
        cases = [
            ("store user A", self.order_a, "accepted", True),
            ("store user A", self.order_b, "accepted", False),
            ("store user A", self.order_a, "cancelled", False),  # store managers cancel
            ("store manager A", self.order_a, "cancelled", True),
            ("store manager A", self.order_b, "cancelled", False),
            ("web-order manager", self.order_b, "accepted", True),
        ]
        for name, order, target, allowed in cases:
            with self.subTest(user=name, order=order.name, target=target), self._rolled_back():
                call = order.with_user(self.users[name])._cc_transition
                if allowed:
                    call(target)
                    self.assertEqual(order.cc_state, target)
                else:
                    with self.assertRaises(UserError):
                        call(target)
                    self.assertEqual(order.cc_state, "new")

    def test_configuration_and_records_by_user(self):
        self._check_reads(READ)
        # only the web-order manager changes web shops
        for name, user in self.users.items():
            with self.subTest(user=name):
                if name == "web-order manager":
                    self.shop_a.with_user(user).name = "Shop A (renamed)"
                else:
                    with self.assertRaises(AccessError):
                        self.shop_a.with_user(user).write({"name": "nope"})

    def test_portal_user_sees_only_own_orders(self):
        """A portal user reads the orders of their own partner only (the token link is tested
        with the tracking page)."""
        self.assertFalse(self._readable(self.portal, self.order_a | self.order_b))
        self.assertFalse(self.order_a.with_user(self.portal).has_access("read"))
        own = self._order(store=self.store_a)
        own.partner_id = self.portal.partner_id
        self.assertEqual(self._readable(self.portal, own | self.order_a), own)
