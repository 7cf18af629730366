import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged

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
        scan.shelf = " A3 "
        scan.code = order.name
        self.assertEqual(order.cc_state, "ready", "one scan, one receipt: no click")
        self.assertEqual(order.cc_shelf, "A3")
        self.assertEqual([r.id for r in scan.received_ids], order.ids)
        self.assertEqual(scan.done_message, f"{order.name} is now Ready for pickup (shelf A3).")
        self.assertFalse(scan.code, "the field waits for the next parcel")
        second = self._order(method="pay_at_store")
        for target in ("accepted", "preparing"):
            second._cc_transition(target)
        scan.code = second.name
        self.assertEqual(sorted(r.id for r in scan.received_ids), (order | second).ids,
                         "the running list of what was received")
        not_prepared = self._order(method="pay_at_store")
        scan.code = not_prepared.name
        self.assertEqual(not_prepared.cc_state, "new")
        self.assertIn("is not prepared yet", scan.status)
        self.assertEqual(sorted(r.id for r in scan.received_ids), (order | second).ids)

    def test_shelf_is_the_stores_to_say(self):
        """Store staff say where a Click & Collect parcel waits, while it is in the flow; not
        on a shipped order, a collected one, another store's, nor at creation."""
        order = self._ready_order()
        order.with_user(self.user_store_a).cc_shelf = "A3"
        self.assertEqual(order.cc_shelf, "A3")
        with self.assertRaises(AccessError):
            order.with_user(self.user_store_b).write({"cc_shelf": "B1"})
        ship = self._order("ship", method="transfer")
        with self.assertRaisesRegex(UserError, "Shelf / Bin of a web order only changes through the flow"):
            ship.with_user(self.user_store_a).write({"cc_shelf": "X"})
        self._force_state(order, "collected")
        with self.assertRaisesRegex(UserError, "only changes through the flow"):
            order.with_user(self.user_store_a).write({"cc_shelf": "A4"})
        with self.assertRaisesRegex(UserError, "only changes through the flow"):
            self.env["sale.order"].with_user(self.user_manager).create({
                "partner_id": self.customer.id, "cc_shelf": "A1"})

    def test_hand_over_screen_shows_what_the_clerk_checks(self):
        """The customer's phone, since when and until when the parcel waits, its shelf and what
        is left to collect."""
        order = self._ready_order()
        order.with_user(self.user_store_a).cc_shelf = "A3"
        self._pay(order, method="pay_at_store", amount=30.0, reference="TILL-PART")
        scan = self._scan_form("delivery", user=self.user_store_a)
        scan.code = order.name
        self.assertEqual((scan.partner_phone, scan.order_shelf), ("+32470000000", "A3"))
        self.assertEqual(scan.ready_since, order.cc_state_date)
        self.assertEqual(scan.expiry_date, order.cc_state_date + timedelta(days=7))
        self.assertEqual(scan.amount_due, 50.0, "80 less the 30 paid")
        self.assertTrue(scan.waiting)

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
        self.assertEqual(wizard.scanned, order.name)
        self.assertFalse(wizard.code, "the field waits for the next scan")

    def test_order_barcode(self):
        order = self._order()
        self.assertTrue(order.cc_barcode)
        self.assertEqual(base64.b64decode(order.cc_barcode)[:8], b"\x89PNG\r\n\x1a\n")

    # ------------------------------------------------------------------ the screen tells the truth

    def test_order_collected_before_is_not_handed_over_again(self):
        """Attack on the truth: the delivery screen offered "Hand Over" for an order collected
        the day before and answered "S00047 is now Collected." again. It says when, by whom and
        where it was collected, and offers nothing."""
        order = self._ready_order()
        self._pay(order, method="pay_at_store", reference="TILL-1")
        self.user_store_a.tz = "Europe/Brussels"
        with freeze_time("2026-12-01 09:02:00"):  # 10:02 in Brussels
            order.with_user(self.user_store_a)._cc_transition("collected", channel="scan")
        events = len(order.cc_event_ids)
        scan = self._scan_form("delivery", user=self.user_store_a)
        scan.code = order.name
        self.assertEqual(scan.order_id, order)
        self.assertFalse(scan.can_do, "no Hand Over")
        self.assertFalse(scan.can_pay)
        self.assertEqual(scan.status, f"{order.name}: Collected on 1 Dec at 10:02 by {self.user_store_a.name} "
                                      f"at Test Store A.")
        with self.assertRaises(UserError) as refusal:
            scan.save().action_do()
        self.assertIn("Collected on 1 Dec at 10:02", str(refusal.exception))
        self.assertNotIn("is now", str(refusal.exception))
        self.assertEqual(len(order.cc_event_ids), events, "nothing happened")

    def test_order_not_ready_yet_is_not_offered(self):
        """Attack on the truth: the delivery screen offered "Hand Over" for an order still being
        prepared."""
        order = self._order(method="pay_at_store")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        self._pay(order, method="pay_at_store")
        scan = self._scan_form("delivery", user=self.user_store_a)
        scan.code = order.name
        self.assertFalse(scan.can_do)
        self.assertEqual(scan.status, f"{order.name} is not ready for pickup yet: it is Preparing.")
        with self.assertRaisesRegex(UserError, "not ready for pickup yet"):
            scan.save().action_do()
        self.assertEqual(order.cc_state, "preparing")

    def test_unpaid_order_offers_the_payment_first(self):
        """Attack on the truth: the delivery screen offered "Hand Over" for an unpaid order."""
        order = self._ready_order()
        scan = self._scan_form("delivery", user=self.user_store_a)
        scan.code = order.name
        self.assertFalse(scan.can_do)
        self.assertTrue(scan.can_pay, "Register Payment, and nothing else")
        self.assertEqual(scan.status, f"{order.name} is not paid ($ 0.00 of $ 80.00): register the payment "
                                      f"before handing it over.".replace("$ ", "$\xa0"))

    def test_acceptance_of_an_order_ready_before(self):
        """Attack on the truth: the acceptance screen answered "S00047 is now Ready for pickup."
        for an order that had been ready for days."""
        order = self._ready_order()
        scan = self._scan_form("acceptance", user=self.user_store_a)
        scan.code = order.name
        self.assertFalse(scan.can_do)
        self.assertTrue(scan.status.startswith(f"{order.name}: Ready for pickup on "), scan.status)
        with self.assertRaisesRegex(UserError, "Ready for pickup on"):
            scan.save().action_do()

    def test_each_scan_empties_the_field(self):
        """Attack on the truth: a second scan glued to the first ("S00047S00048"): not found,
        or the wrong order."""
        first, second = self._ready_order(), self._ready_order()
        scan = self._scan_form("delivery", user=self.user_store_a)
        scan.code = first.name
        self.assertEqual(scan.order_id, first)
        self.assertFalse(scan.code, "empty for the next scan")
        scan.code = second.name
        self.assertEqual(scan.order_id, second)
        self.assertEqual(scan.scanned, second.name)

    def test_customers_qr_code_gives_the_order_and_its_code(self):
        """The customer's QR code (ready message, tracking page): one scan finds the order and
        gives its pickup code."""
        self.store_a.cc_require_pickup_code = True
        order = self._ready_order()
        self._pay(order, method="pay_at_store")
        qr = order.sudo()._cc_pickup_qr_content()
        self.assertEqual(qr, f"CC:{order.name}:{order.sudo().cc_pickup_code}", "the documented format")
        scan = self._scan_form("delivery", user=self.user_store_a)
        scan.code = qr
        self.assertEqual(scan.order_id, order)
        self.assertTrue(scan.can_do)
        scan.save().action_do()
        self.assertEqual(order.cc_state, "collected")
        self.assertEqual(order.cc_pickup_failures, 0)

    def test_locked_order_offers_only_the_unlock(self):
        """After five wrong codes the screen says the order is locked and offers nothing but a
        store manager's unlock."""
        self.store_a.cc_require_pickup_code = True
        order = self._ready_order()
        self._pay(order, method="pay_at_store")
        wrong = "000000" if order.sudo().cc_pickup_code != "000000" else "111111"
        for _try in range(5):
            order.with_user(self.user_store_a).action_cc_hand_over(pickup_code=wrong)
        scan = self._scan_form("delivery", user=self.user_store_a)
        scan.code = order.name
        self.assertIn("locked", scan.status)
        self.assertEqual((scan.can_do, scan.can_pay, scan.can_unlock), (False, False, False))
        manager = self._scan_form("delivery", user=self.user_store_manager_a)
        manager.code = order.name
        self.assertEqual((manager.can_do, manager.can_unlock), (False, True))
        wizard = manager.save()
        with self.assertRaisesRegex(UserError, "locked"):
            wizard.action_do()
        wizard.action_unlock()
        self.assertFalse(order.cc_pickup_locked)
        self.assertTrue(wizard.can_do)
        self.assertFalse(wizard.can_unlock)


@tagged("post_install", "-at_install")
class TestScanTruthTour(ClickCollectCommon, HttpCase):
    """The delivery scan screen in a real browser, at a store that asks for the pickup code."""

    def test_scan_truth_tour(self):
        self.store_a.cc_require_pickup_code = True
        orders = {}
        for name, targets, paid in (("CCPREP", ("accepted", "preparing"), True),
                                    ("CCUNPAID", ("accepted", "preparing", "ready"), False),
                                    ("CCQR", ("accepted", "preparing", "ready"), True)):
            order = self._order(method="pay_at_store")
            order.name = name
            for target in targets:
                order._cc_transition(target)
            if paid:
                self._pay(order, method="pay_at_store", reference=f"TILL-{name}")
            orders[name] = order
        orders["CCQR"].sudo().cc_pickup_code = "246810"
        orders["CCQR"].with_user(self.user_store_a).cc_shelf = "C7"
        self.start_tour("/odoo/click-collect-delivery", "click_collect_scan_truth", login=self.user_store_a.login)
        self.assertEqual([orders[name].cc_state for name in ("CCPREP", "CCUNPAID", "CCQR")],
                         ["preparing", "ready", "collected"])
        self.assertEqual(orders["CCQR"].cc_pickup_failures, 0)


@tagged("post_install", "-at_install")
class TestScanAcceptanceTour(ClickCollectCommon, HttpCase):
    """The acceptance scan screen in a real browser: one scan, one receipt, no click between."""

    def test_scan_acceptance_tour(self):
        orders = {}
        for name, targets in (("CCACC1", ("accepted", "preparing")), ("CCACC2", ("accepted", "preparing")),
                              ("CCACC3", ())):
            order = self._order(method="pay_at_store")
            order.name = name
            for target in targets:
                order._cc_transition(target)
            orders[name] = order
        self.start_tour("/odoo/click-collect-acceptance", "click_collect_scan_acceptance",
                        login=self.user_store_a.login)
        self.assertEqual([(orders[name].cc_state, orders[name].cc_shelf) for name in ("CCACC1", "CCACC2", "CCACC3")],
                         [("ready", "B2"), ("ready", "B2"), ("new", False)])
        received = (orders["CCACC1"] | orders["CCACC2"]).cc_event_ids.filtered(lambda e: e.to_state == "ready")
        self.assertEqual(received.mapped("channel"), ["scan", "scan"])
        self.assertEqual(received.user_id, self.user_store_a)
