from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import ClickCollectCommon

# Queries of one call of the door (accept) and of one lookup (scan), as a store user, with the
# registry's caches warm. They must not grow with the orders in the database, nor with the
# number of orders moved at once.
ACCEPT_QUERIES = 12  # 10 for the flow, 1 to queue the customer message and 1 to trigger its job
LOOKUP_QUERIES = 1


@tagged("post_install", "-at_install")
class TestQueryCounts(ClickCollectCommon):

    def _orders(self, count, store=None):
        return self.env["sale.order"].concat(*[
            self._order(method="pay_at_store", store=store) for _ in range(count)
        ])

    def _warm_up(self):
        """Fill the registry's caches (access rules, groups) the way a running server has them."""
        for order in self._orders(2):
            for _attempt in range(2):
                self.env.invalidate_all()
                order.with_user(self.user_store_a)._cc_lookup(order.name, store=self.store_a)
            self.env.invalidate_all()
            order.with_user(self.user_store_a)._cc_transition("accepted")

    def _accept(self, orders):
        orders = orders.with_user(self.user_store_a)
        self.env.flush_all()
        self.env.invalidate_all()
        # a later second than the orders' creation: every order's "in this state since" changes,
        # as it does on a real counter (Odoo groups the UPDATE by changed values)
        with freeze_time(fields.Datetime.now() + timedelta(minutes=5)), self.assertQueryCount(ACCEPT_QUERIES):
            orders._cc_transition("accepted")
        self.assertEqual(set(orders.mapped("cc_state")), {"accepted"})

    def _lookup(self, order):
        Order = self.env["sale.order"].with_user(self.user_store_a)
        name = order.name
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(LOOKUP_QUERIES):
            found, error = Order._cc_lookup(name, store=self.store_a)
        self.assertEqual(found, order)
        self.assertFalse(error)

    def test_transition_and_lookup_do_not_grow_with_the_database(self):
        orders = self._orders(2)
        self._warm_up()
        self._accept(orders[0])
        self._lookup(orders[0])
        for index in range(30):
            self._order(store=(self.store_a, self.store_b)[index % 2], confirm=False)
        self._accept(orders[1])
        self._lookup(orders[1])

    def test_batch_transition_does_not_grow_per_order(self):
        one, eight = self._orders(1), self._orders(8)
        self._warm_up()
        self._accept(one)
        self._accept(eight)

