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



@tagged("post_install", "-at_install")
class TestWebOrderScreenQueries(ClickCollectCommon):
    """The store's web-order screen (kanban by state, list) opens in a number of queries that
    does not grow with the orders on it: every field it shows is stored or computed in batch."""

    STATES = ("new", "accepted", "preparing", "ready", "collected")

    def _specification(self, xmlid, view_type):
        Order = self.env["sale.order"]
        fields = Order.get_views([(self.env.ref(xmlid).id, view_type)])["models"]["sale.order"]["fields"]
        relational = ("many2one", "many2many", "one2many")
        return {name: {"fields": {"display_name": {}}} if Order._fields[name].type in relational else {}
                for name in fields}

    def _add_orders(self, count):
        orders = self.env["sale.order"].concat(*[
            self._order(store=self.store_a, method="pay_at_store", products=self.product_1)
            for _ in range(count)
        ])
        for index, state in enumerate(self.STATES):
            self._force_state(orders[index::len(self.STATES)], state)
        self._order(store=self.store_b)  # another store's order: not on store A's screen
        return orders

    def _open_screen(self):
        """What the web client asks for when a store user opens Web Orders: the kanban's
        columns with their cards, then the list. Returns (queries, cards, rows)."""
        Order = self.env["sale.order"].with_user(self.user_store_a)
        domain = [("cc_fulfilment", "!=", False)]
        kanban = self._specification("click_collect.view_web_order_kanban", "kanban")
        listing = self._specification("click_collect.view_web_order_list", "list")
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        groups = Order.web_read_group(domain, ["cc_state"], ["__count"], auto_unfold=True,
                                      unfold_read_specification=kanban)
        rows = Order.web_search_read(domain, listing, limit=80)
        queries = self.env.cr.sql_log_count - before
        cards = sum(len(group.get("__records", [])) for group in groups["groups"])
        return queries, cards, rows["length"]

    def test_screen_queries_do_not_grow_with_the_orders(self):
        self._add_orders(5)
        self._open_screen()  # warm-up: the registry's caches (access rules, groups)
        queries, cards, rows = self._open_screen()
        self.assertEqual((cards, rows), (5, 5), "store A's orders only")
        self._add_orders(25)
        queries_later, cards, rows = self._open_screen()
        self.assertEqual((cards, rows), (30, 30))
        self.assertEqual(queries_later, queries, "6 times the orders, the same queries")
