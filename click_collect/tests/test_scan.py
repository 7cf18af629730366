from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestScanScreens(ClickCollectCommon):

    def _scan_form(self, mode, user=None):
        env = self.env(user=user) if user else self.env
        return Form(env["click_collect.scan"].with_context(default_mode=mode))

    def _ready_order(self, store=None):
        order = self._order(method="pay_at_store", store=store)
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        return order

    def test_delivery_scan_found_and_handed_over(self):
        order = self._ready_order()
        self._pay(order, method="pay_at_store", reference="TILL-9")
        scan = self._scan_form("delivery", user=self.user_store_a)
        self.assertEqual(scan.store_id, self.store_a, "the user's store by default")
        self.assertEqual(scan.user_id, self.user_store_a, "the person acting is shown")
        scan.code = order.name.lower() + "  "
        self.assertEqual(scan.order_id, order)
        self.assertFalse(scan.message)
        self.assertEqual(scan.partner_id, self.customer)
        self.assertEqual(len(scan.order_line_ids), 2, "the order's content is shown")
        action = scan.save().action_do()
        self.assertEqual(order.cc_state, "collected")
        event = order.cc_event_ids.sorted("id")[-1]
        self.assertRecordValues(event, [{
            "from_state": "ready", "to_state": "collected", "channel": "scan",
            "user_id": self.user_store_a.id, "store_id": self.store_a.id,
        }])
        # the screen opens again, empty, for the next customer
        self.assertEqual(action["res_model"], "click_collect.scan")
        self.assertIn(order.name, action["context"]["default_done_message"])

    def test_acceptance_scan_to_ready(self):
        """Goods at the store: the acceptance scan makes the order ready (goods in transit:
        test_stock.test_acceptance_scan_receives_the_goods)."""
        order = self._order(method="pay_at_store")
        for target in ("accepted", "preparing"):
            order._cc_transition(target)
        scan = self._scan_form("acceptance", user=self.user_store_a)
        scan.code = order.name
        scan.save().action_do()
        self.assertEqual(order.cc_state, "ready")

    def test_unknown_order(self):
        scan = self._scan_form("delivery", user=self.user_store_a)
        scan.code = "NO-SUCH-ORDER"
        self.assertFalse(scan.order_id)
        self.assertEqual(scan.message, "Order could not be found")
        wizard = scan.save()
        with self.assertRaisesRegex(UserError, "Order could not be found"):
            wizard.action_do()

    def test_plain_sale_order_is_not_found(self):
        plain = self.env["sale.order"].create({"partner_id": self.customer.id})
        scan = self._scan_form("delivery")
        scan.code = plain.name
        self.assertEqual(scan.message, "Order could not be found")

    def test_order_of_another_store(self):
        order = self._ready_order(store=self.store_b)
        scan = self._scan_form("delivery", user=self.user_store_a)
        scan.code = order.name
        self.assertFalse(scan.order_id)
        self.assertIn("another store", scan.message)
        self.assertIn(self.store_b.name, scan.message)
        with self.assertRaisesRegex(UserError, "another store"):
            scan.save().action_do()
        self.assertEqual(order.cc_state, "ready")
        # a manager scanning for store A is told the same; for store B it works
        scan = self._scan_form("delivery", user=self.user_manager)
        scan.store_id = self.store_a
        scan.code = order.name
        self.assertIn("another store", scan.message)
        scan.store_id = self.store_b
        self.assertEqual(scan.order_id, order)

    def test_refused_transition_explains(self):
        order = self._ready_order()  # pay at store, not paid yet
        scan = self._scan_form("delivery", user=self.user_store_a)
        scan.code = order.name
        wizard = scan.save()
        with self.assertRaisesRegex(UserError, "not paid"):
            wizard.action_do()
        self.assertEqual(order.cc_state, "ready")
        # the counter takes the payment from the scan screen, then hands the order over
        action = wizard.action_register_payment()
        payment = Form(self.env[action["res_model"]].with_user(self.user_store_a).with_context(**action["context"]))
        payment.reference = "TILL-SCAN"
        payment.save().action_register()
        wizard.action_do()
        self.assertEqual(order.cc_state, "collected")

    def test_barcode_scanner(self):
        """A scanner's keystrokes reach the screen through Odoo's barcode handler."""
        order = self._ready_order()
        wizard = self.env["click_collect.scan"].with_user(self.user_store_a).create({"mode": "delivery"})
        wizard.on_barcode_scanned(order.name)
        self.assertEqual(wizard.order_id, order)
        self.assertEqual(wizard.code, order.name)

    def test_order_barcode(self):
        order = self._order()
        self.assertTrue(order.cc_barcode)
        import base64
        self.assertEqual(base64.b64decode(order.cc_barcode)[:8], b"\x89PNG\r\n\x1a\n")
