from odoo.tests import HttpCase, tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestScanTour(ClickCollectCommon, HttpCase):
    """The delivery scan screen in a real browser: typing + Enter, and a scanner's keystrokes."""

    def test_delivery_scan_tour(self):
        orders = self.env["sale.order"]
        for name in ("CCTOUR1", "CCTOUR2"):
            order = self._order(method="pay_at_store")
            order.name = name
            for target in ("accepted", "preparing", "ready"):
                order._cc_transition(target)
            self._pay(order, method="pay_at_store", reference=f"TILL-{name}")
            orders |= order
        self.start_tour("/odoo/click-collect-delivery", "click_collect_scan_delivery", login=self.user_store_a.login)
        self.assertEqual(orders.mapped("cc_state"), ["collected", "collected"])
        self.assertEqual(orders.cc_event_ids.filtered(lambda e: e.to_state == "collected").mapped("channel"),
                         ["scan", "scan"])

    def test_list_action_tour(self):
        """A store user accepts three orders from the list: two move, the third is named."""
        orders = self.env["sale.order"]
        for name, method in (("CCLIST1", "pay_at_store"), ("CCLIST2", "transfer"), ("CCLIST3", "pay_at_store")):
            order = self._order(method=method)
            order.name = name
            orders |= order
        self.start_tour("/odoo/click-collect-orders?view_type=list", "click_collect_list_accept",
                        login=self.user_store_a.login)
        self.assertEqual(orders.mapped("cc_state"), ["accepted", "new", "accepted"])
