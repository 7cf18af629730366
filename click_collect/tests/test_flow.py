from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.click_collect import const

from .common import ClickCollectCommon

# Every change of state the flow allows, by fulfilment: (fulfilment, from, to). An addon's
# rows go to states of its own (its tests list them).
ALLOWED = {
    ("pickup", None, "new"),
    ("pickup", "new", "accepted"),
    ("pickup", "accepted", "preparing"),
    ("pickup", "preparing", "in_transit"),
    ("pickup", "preparing", "ready"),
    ("pickup", "in_transit", "ready"),
    ("pickup", "ready", "collected"),
    ("pickup", "ready", "expired"),
    ("pickup", "new", "cancelled"),
    ("pickup", "accepted", "cancelled"),
    ("pickup", "preparing", "cancelled"),
    ("pickup", "in_transit", "cancelled"),
    ("pickup", "ready", "cancelled"),
    ("ship", None, "new"),
    ("ship", "new", "accepted"),
    ("ship", "accepted", "preparing"),
    ("ship", "preparing", "shipped"),
    ("ship", "failed", "shipped"),
    ("ship", "shipped", "delivered"),
    ("ship", "shipped", "failed"),
    ("ship", "failed", "returned"),
    ("ship", "delivered", "done"),
    ("ship", "new", "cancelled"),
    ("ship", "accepted", "cancelled"),
    ("ship", "preparing", "cancelled"),
}


@tagged("post_install", "-at_install")
class TestFlowTable(ClickCollectCommon):
    """The transition table, applied by the one door ``_cc_transition``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One order per fulfilment that satisfies every guard: confirmed, paid, its goods
        # reserved at the store, a courier and a tracking number, paid by cash on delivery.
        cls.orders = {}
        for fulfilment in ("pickup", "ship"):
            order = cls._order(fulfilment, method="cod")
            order._cc_register_payment(order.amount_total, "TILL-1", method="cod")
            order.write({"carrier_id": cls.carrier.id, "cc_tracking_ref": "TRACK-1"})
            cls.orders[fulfilment] = order

    def test_table_is_consistent(self):
        Order = self.env["sale.order"]
        states = Order._fields["cc_state"].get_values(self.env)
        fulfilment_states = Order._cc_fulfilment_states()
        for fulfilment, source, target, guards, group in Order._cc_transitions():
            self.assertIn(fulfilment, fulfilment_states)
            self.assertIn(target, fulfilment_states[fulfilment])
            self.assertTrue(source is None or source in fulfilment_states[fulfilment])
            self.assertNotIn(source, const.FINAL_STATES, "nothing leaves a final state")
            self.assertTrue(self.env.ref(group))
            for guard in guards:
                self.assertTrue(hasattr(self.env["sale.order"], f"_cc_guard_{guard}"), guard)
        # The form shows a button when its state's name is in a space-separated list: no state
        # name may be part of another one.
        for state in states:
            self.assertEqual([s for s in states if state in s], [state])

    def test_the_table_is_the_one_written_here(self):
        """A changed row of the table fails here: the expected transitions are written out, not
        read from the table they test (those of the base's states; an addon tests its own)."""
        base_states = {None, *dict(const.STATES)}
        table = self.env["sale.order"]._cc_transition_table()
        self.assertEqual({row for row in table if {row[1], row[2]} <= base_states}, ALLOWED)

    def test_an_addon_adds_rows_to_the_table(self):
        """The extension point of the flow: an addon's ``_cc_transitions`` adds a row, and the
        door takes it, with its group, timeline and chatter, as a row of the base's."""
        Order = type(self.env["sale.order"])
        row = ("pickup", "ready", "accepted", (), const.STORE_MANAGER)
        order = self.orders["pickup"]
        self._force_state(order, "ready")
        self.assertNotIn("accepted", order._cc_allowed_targets())
        original = Order._cc_transitions
        self.addCleanup(self.registry.clear_cache)
        with patch.object(Order, "_cc_transitions", lambda model: [*original(model), row]):
            self.registry.clear_cache()
            self.assertIn("accepted", order._cc_allowed_targets())
            with self.assertRaisesRegex(UserError, "only .* may do that"):
                order.with_user(self.user_store_a)._cc_transition("accepted")
            event = order._cc_transition("accepted", note="back to the shelf")
            self.assertRecordValues(event, [{"from_state": "ready", "to_state": "accepted",
                                             "note": "back to the shelf"}])
        self.registry.clear_cache()
        self.assertNotIn("accepted", order._cc_allowed_targets(), "the base's table without the addon")

    def test_every_transition_allowed_or_refused(self):
        all_states = [state for state, _label in const.STATES]
        for fulfilment, order in self.orders.items():
            for source in const.FULFILMENT_STATES[fulfilment]:
                for target in all_states:
                    allowed = (fulfilment, source, target) in ALLOWED
                    with self.subTest(fulfilment=fulfilment, source=source, target=target), self._rolled_back():
                        self._force_state(order, source)
                        events_before = len(order.cc_event_ids)
                        if (fulfilment, source, target) == ("pickup", "preparing", "in_transit"):
                            # allowed once the goods left a source warehouse (test_stock)
                            with self.assertRaisesRegex(UserError, "no goods come to Test Store A"):
                                order._cc_transition(target)
                            self.assertEqual(len(order.cc_event_ids), events_before)
                        elif allowed:
                            event = order._cc_transition(target, note="table test")
                            self.assertEqual(order.cc_state, target)
                            self.assertEqual(len(order.cc_event_ids), events_before + 1)
                            self.assertRecordValues(event, [{
                                "order_id": order.id, "from_state": source, "to_state": target,
                                "user_id": self.env.uid, "store_id": self.store_a.id,
                                "channel": "backoffice", "note": "table test",
                            }])
                        else:
                            with self.assertRaises(UserError) as error:
                                order._cc_transition(target)
                            self.assertIn(order.name, str(error.exception))
                            self.assertIn(self._state_label(source), str(error.exception))
                            self.assertEqual(order.cc_state, source)
                            self.assertEqual(len(order.cc_event_ids), events_before)

    def test_new_order_enters_the_flow(self):
        order = self._order("ship", confirm=False)
        self.assertEqual(order.cc_state, "new")
        self.assertRecordValues(order.cc_event_ids, [{"from_state": False, "to_state": "new"}])
        self.assertEqual(order.warehouse_id, self.store_a, "a web order's goods leave from its store")
        plain = self.env["sale.order"].create({"partner_id": self.customer.id})
        self.assertFalse(plain.cc_state, "orders without a fulfilment stay out of the flow")
        plain.write({"cc_fulfilment": "pickup", "cc_store_id": self.store_b.id})
        self.assertEqual(plain.cc_state, "new")

    def test_state_only_changes_through_the_door(self):
        order = self._order()
        for user in (self.user_store_a, self.user_store_manager_a, self.user_manager):
            with self.assertRaises(UserError):
                order.with_user(user).write({"cc_state": "collected"})
        self.assertEqual(order.cc_state, "new")

    def test_store_must_be_a_store(self):
        with self.assertRaisesRegex(ValidationError, "not a store"):
            self._order(store=self.not_a_store)

    def test_allowed_targets_and_buttons(self):
        order = self._order()
        self.assertEqual(set(order.cc_allowed_targets.split()), {"accepted", "cancelled"})
        self._force_state(order, "ready")
        order.invalidate_recordset(["cc_allowed_targets"])
        self.assertEqual(set(order.cc_allowed_targets.split()), {"collected", "expired", "cancelled"})

    def test_pickup_happy_path_with_timeline_and_chatter(self):
        order = self._order("pickup", method="pay_at_store")
        order.with_user(self.user_store_a)._cc_transition("accepted")
        order.with_user(self.user_store_a)._cc_transition("preparing")
        order.with_user(self.user_store_a)._cc_transition("ready")
        self._pay(order, method="pay_at_store", reference="TILL-7")
        order.with_user(self.user_store_a)._cc_transition("collected", channel="scan")
        self.assertEqual(order.cc_state, "collected")
        self.assertEqual(
            order.cc_event_ids.sorted("id").mapped("to_state"),
            ["new", "accepted", "preparing", "ready", "collected"],
        )
        self.assertEqual(order.cc_event_ids.filtered(lambda e: e.to_state == "collected").channel, "scan")
        self.assertEqual(set(order.cc_event_ids.filtered(lambda e: e.to_state != "new").user_id.ids),
                         {self.user_store_a.id})
        # the goods left the store once, to the customer
        delivery = order.picking_ids
        self.assertEqual(delivery.state, "done")
        self.assertEqual(delivery.picking_type_id.warehouse_id, self.store_a)
        self.assertEqual(order.order_line.mapped("qty_delivered"), [1.0, 1.0])
        self.assertEqual(self.product_1.with_context(warehouse_id=self.store_a.id).qty_available, 99)
        logged = order.message_ids.filtered(lambda m: "Collected" in (m.body or ""))
        self.assertTrue(logged, "the chatter tells each change of state")

    def test_ship_happy_path(self):
        order = self._order("ship", method="online", store=self.central)
        self._pay(order, method="transfer")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        with self.assertRaisesRegex(UserError, "tracking number"):
            order._cc_transition("shipped")
        wizard = self.env["click_collect.ship"].create({
            "order_id": order.id, "carrier_id": self.carrier.id, "tracking_ref": " 3SABC123 ",
        })
        wizard.action_ship()
        self.assertEqual(order.cc_state, "shipped")
        self.assertEqual(order.picking_ids.carrier_tracking_ref, "3SABC123")
        self.assertEqual(order.picking_ids.state, "done")
        order._cc_transition("delivered")
        order._cc_transition("done")
        self.assertEqual(order.cc_state, "done")

    def test_manual_courier(self):
        order = self._order("ship", method="transfer")
        self._pay(order, method="transfer")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        wizard = self.env["click_collect.ship"].create({"order_id": order.id, "tracking_ref": "X1"})
        with self.assertRaisesRegex(UserError, "courier"):
            wizard.action_ship()
        wizard.courier_name = "Bike Courier Ltd"
        wizard.action_ship()
        self.assertRecordValues(order, [{"cc_state": "shipped", "cc_courier_name": "Bike Courier Ltd"}])
        order._cc_follow_carrier("delivered", channel="webhook")
        self.assertEqual(order.cc_state, "delivered")
        order.with_user(self.user_store_a)._cc_transition("done")
        self.assertEqual(order.cc_state, "done")

    def test_ready_needs_the_goods_at_the_store(self):
        Quant = self.env["stock.quant"]
        scarce = self.env["product.product"].create({"name": "CC Scarce", "is_storable": True, "type": "consu"})
        Quant._update_available_quantity(scarce, self.store_b.lot_stock_id, 5)
        order = self._order(products=[scarce], store=self.store_a)
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        with self.assertRaises(UserError) as error:
            order._cc_transition("ready")
        self.assertIn("CC Scarce", str(error.exception))
        Quant._update_available_quantity(scarce, self.store_a.lot_stock_id, 1)
        order.picking_ids.action_assign()
        order._cc_transition("ready")
        self.assertEqual(order.cc_state, "ready")

    def test_cancel_cancels_the_order_and_its_delivery(self):
        product = self.product_1.with_context(warehouse_id=self.store_a.id)
        free_before = product.free_qty
        order = self._order()
        order._cc_transition("accepted")
        product.invalidate_recordset(["free_qty"])
        self.assertEqual(product.free_qty, free_before - 1, "confirming reserves the goods at the store")
        order._cc_transition("cancelled")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.picking_ids.state, "cancel")
        product.invalidate_recordset(["free_qty"])
        self.assertEqual(product.free_qty, free_before, "cancelling releases them")

    def test_groups_of_transitions(self):
        order = self._order()
        with self.assertRaisesRegex(UserError, "Store Manager"):
            order.with_user(self.user_store_a)._cc_transition("cancelled")
        self.assertEqual(order.cc_state, "new")
        order.with_user(self.user_store_manager_a)._cc_transition("cancelled")
        self.assertEqual(order.cc_state, "cancelled")

    def test_batch_refusal_names_each_order(self):
        """The door is all or nothing; the list action moves what it can and reports the rest."""
        good = self._order(method="pay_at_store")
        bad = self._order(method="transfer")
        with self.assertRaises(UserError) as error:
            (good | bad)._cc_transition("accepted")
        self.assertIn(bad.name, str(error.exception))
        self.assertNotIn(good.name, str(error.exception))
        self.assertEqual((good | bad).mapped("cc_state"), ["new", "new"], "all or nothing")
        good.with_context(cc_target="accepted").action_cc_transition()
        self.assertEqual(good.cc_state, "accepted")

    def test_list_action_moves_what_it_can_and_reports_the_rest(self):
        """Accept 3 orders from the list as a store user: 2 are accepted, the transfer not paid
        yet stays New and the notification names it and why; when none may move, nothing does."""
        first, second = self._order(method="pay_at_store"), self._order(method="pay_at_store")
        unpaid = self._order(method="transfer")
        orders = (first | unpaid | second).with_user(self.user_store_a).with_context(cc_target="accepted")
        action = orders.action_cc_transition()
        self.assertEqual((first | second).mapped("cc_state"), ["accepted", "accepted"])
        self.assertEqual(unpaid.cc_state, "new")
        self.assertEqual(action["tag"], "display_notification")
        params = action["params"]
        self.assertEqual(params["title"], "2 of 3 web orders are now Accepted")
        self.assertIn(f"{unpaid.name} is New and cannot become Accepted", params["message"])
        self.assertNotIn(first.name, params["message"])
        self.assertEqual(params["next"], {"type": "ir.actions.client", "tag": "soft_reload"})
        self.assertEqual(len(first.cc_event_ids.filtered(lambda e: e.to_state == "accepted")), 1)

        # none may move: an error naming each, nothing moved
        other = self._order(method="transfer")
        with self.assertRaises(UserError) as error:
            (unpaid | other).with_user(self.user_store_a).with_context(cc_target="accepted").action_cc_transition()
        self.assertIn(unpaid.name, str(error.exception))
        self.assertIn(other.name, str(error.exception))
        self.assertEqual((unpaid | other).mapped("cc_state"), ["new", "new"])
        # all may move: done, no notification
        third, fourth = self._order(), self._order()
        self.assertIs((third | fourth).with_user(self.user_store_a).with_context(
            cc_target="accepted").action_cc_transition(), True)
        # another store's order among them: refused as a whole, as before (the user may not
        # change it at all)
        foreign = self._order(store=self.store_b)
        with self.assertRaisesRegex(UserError, "belong to a store you do not work for"):
            (self._order() | foreign).with_user(self.user_store_a).with_context(
                cc_target="accepted").action_cc_transition()
