"""What each store does (Click & Collect, ship from store, or both): the orders it takes and the
kanban columns its staff see."""

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import ClickCollectCommon

PICKUP_COLUMNS = ["new", "accepted", "preparing", "ready"]


@tagged("post_install", "-at_install")
class TestStoreFulfilments(ClickCollectCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_b.cc_does_ship = False

    def _columns(self, user, **context):
        # the kanban's context: empty columns are asked for
        Order = self.env["sale.order"].with_user(user).with_context(read_group_expand=True, **context)
        # this class's stores only: a manager sees every store's orders (a database's own too)
        domain = [("cc_fulfilment", "!=", False), ("cc_store_id", "in", (self.store_a | self.store_b).ids)]
        groups = Order.web_read_group(domain, ["cc_state"], ["__count"])["groups"]
        return [group["cc_state"] for group in groups]

    def test_a_store_takes_only_the_orders_it_does(self):
        """A ship order for a store that does not ship is refused, with the store's name; its
        Click & Collect orders are taken as before."""
        with self.assertRaisesRegex(ValidationError, "Test Store B does not take Ship from store orders"):
            self._order("ship", store=self.store_b)
        self.assertEqual(self._order("pickup", store=self.store_b).cc_state, "new")
        with self.assertRaisesRegex(ValidationError, "hands over Click & Collect orders, ships web orders, or both"):
            self.store_b.cc_does_pickup = False

    def test_kanban_columns_are_those_of_the_users_stores(self):
        """The kanban's columns: the working states of the fulfilments the user's stores do, in
        the flow's order; other states only when they have orders."""
        self.assertEqual(self._columns(self.user_store_b), PICKUP_COLUMNS, "store B does not ship")
        self.assertEqual(self._columns(self.user_store_a), [*PICKUP_COLUMNS, "shipped"], "store A does both")
        self.assertEqual(self._columns(self.user_manager), [*PICKUP_COLUMNS, "shipped"], "every store")
        self.assertEqual(self._columns(self.user_store_a, cc_kanban_fulfilment="ship"),
                         ["new", "accepted", "preparing", "shipped"])
        order = self._order(store=self.store_b)
        self._force_state(order, "in_transit")
        self.assertEqual(self._columns(self.user_store_b),
                         ["new", "accepted", "preparing", "in_transit", "ready"], "a column with orders shows")
        self._force_state(order, "cancelled")
        self.assertEqual(self._columns(self.user_store_b), [*PICKUP_COLUMNS, "cancelled"])


@tagged("post_install", "-at_install")
class TestKanbanColumnsOnScreen(ClickCollectCommon, HttpCase):

    def test_ready_column_on_a_1366_px_screen(self):
        """A store doing both fulfilments, with an order in transit: its six working columns
        from New to Shipped, Ready for pickup within a 1366 px wide screen (Odoo's test browser
        size)."""
        self.assertEqual(self.browser_size, "1366x768")
        order = self._order()
        order.name = "CCKAN1"
        self._force_state(order, "in_transit")
        self.start_tour("/odoo/click-collect-orders", "click_collect_kanban_columns", login=self.user_store_a.login)
