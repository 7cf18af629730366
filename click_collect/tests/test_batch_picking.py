"""Several web orders prepared at once: one pick list by location and product, then the list's
actions move them all (what cannot move is named, the rest moves); the 80 mm tickets."""

from odoo.tests import HttpCase, tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestBatchPicking(ClickCollectCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Location = cls.env["stock.location"]
        cls.shelf_1, cls.shelf_2 = Location.create([
            {"name": "Shelf 1", "location_id": cls.store_a.lot_stock_id.id, "usage": "internal"},
            {"name": "Shelf 2", "location_id": cls.store_a.lot_stock_id.id, "usage": "internal"},
        ])
        cls.shoe = cls.env["product.product"].create({
            "name": "CC Batch Shoe", "is_storable": True, "list_price": 10.0, "barcode": "2000000000091"})
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.shoe, cls.shelf_1, 3)
        Quant._update_available_quantity(cls.shoe, cls.shelf_2, 10)

    def _html(self, report, orders, user):
        html, _kind = self.env["ir.actions.report"].with_user(user)._render_qweb_html(report, orders.ids)
        return html.decode()

    def test_batch_pick_list_by_location_and_product(self):
        """Three orders: 2 + 2 + 1 shoes (3 on shelf 1, the rest on shelf 2) and a bag each.
        The list gives each location and product once, with which order takes how many."""
        first = self._order(products=self.shoe, qty=2)
        second = self._order(products=self.shoe | self.product_2, qty=2)
        third = self._order(products=self.shoe | self.product_2, qty=1)
        orders = first | second | third
        report = self.env["report.click_collect.report_cc_batch_pick_list"].with_user(self.user_store_a)
        rows = report._rows(orders.with_user(self.user_store_a))
        described = [
            (row["location"].name, row["product"].name, row["qty_label"],
             sorted((order.name, label) for order, label in row["orders"]))
            for row in rows
        ]
        shoes = [row for row in described if row[1] == "CC Batch Shoe"]
        self.assertEqual([(location, qty) for location, _product, qty, _orders in shoes],
                         [("Shelf 1", "3 Units"), ("Shelf 2", "2 Units")], "5 shoes: 3 on shelf 1, 2 on shelf 2")
        taken = {}
        for _location, _product, _qty, by_order in shoes:
            for name, label in by_order:
                taken[name] = taken.get(name, 0) + float(label.split()[0])
        self.assertEqual(taken, {first.name: 2, second.name: 2, third.name: 1})
        bags = [row for row in described if row[1] == "CC Test Bag"]
        self.assertEqual(bags, [("Stock", "CC Test Bag", "3 Units",
                                 sorted([(second.name, "2 Units"), (third.name, "1 Units")]))])
        html = self._html("click_collect.action_report_cc_batch_pick_list", orders, self.user_store_a)
        for text in ("Batch Pick List", "Shelf 1", "Shelf 2", first.name, second.name, third.name, "CC Test Bag"):
            self.assertIn(text, html)

    def test_then_all_prepared_at_once(self):
        """The list's Start Preparing on the orders of the pick list: those that may move do;
        the one that may not is named."""
        paid = self._order(products=self.shoe) | self._order(products=self.shoe)
        unpaid = self._order(products=self.shoe, method="transfer")
        paid._cc_transition("accepted")
        result = (paid | unpaid).with_user(self.user_store_a).with_context(cc_target="preparing").action_cc_transition()
        self.assertEqual(paid.mapped("cc_state"), ["preparing", "preparing"])
        self.assertEqual(unpaid.cc_state, "new")
        self.assertEqual(result["params"]["title"], "2 of 3 web orders are now Preparing")
        self.assertIn(f"{unpaid.name} is New: it cannot become Preparing.", result["params"]["message"])

    def test_80_mm_tickets(self):
        """The pick list and the address label on a receipt printer's paper."""
        order = self._order(products=self.shoe)
        order.with_user(self.user_store_a).cc_shelf = "A3"
        Report = self.env["ir.actions.report"]
        for xmlid in ("click_collect.action_report_cc_pick_ticket", "click_collect.action_report_cc_address_ticket"):
            paper = Report._get_report(xmlid).paperformat_id
            self.assertEqual((paper.format, paper.page_width), ("custom", 80))
        html = self._html("click_collect.action_report_cc_pick_ticket", order, self.user_store_a)
        for text in (order.name, "CC Batch Shoe", "A3", "CC Test Customer"):
            self.assertIn(text, html)
        self.assertIn(order.name, self._html("click_collect.action_report_cc_address_ticket", order, self.user_store_a))


@tagged("post_install", "-at_install")
class TestBatchPickingTour(TestBatchPicking, HttpCase):
    """A store clerk selects the orders to prepare in the list, prints their pick list and
    starts preparing them all."""

    # the Python tests run once, in TestBatchPicking
    test_batch_pick_list_by_location_and_product = test_then_all_prepared_at_once = test_80_mm_tickets = None

    def test_tour_print_then_prepare(self):
        first = self._order(products=self.shoe, qty=2)
        second = self._order(products=self.shoe | self.product_2, qty=2)
        waiting = self._order(products=self.shoe, qty=1)
        for order, name in ((first, "CCBATCH1"), (second, "CCBATCH2"), (waiting, "CCBATCH3")):
            order.name = name
        (first | second)._cc_transition("accepted")
        self.start_tour("/odoo/click-collect-orders", "click_collect_batch_pick_list", login=self.user_store_a.login)
        self.assertEqual((first | second | waiting).mapped("cc_state"), ["preparing", "preparing", "new"])
