from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ClickCollectCommon


class StockFlowCommon(ClickCollectCommon):
    """Store A resupplied from the central warehouse and store B; web shops with and without
    a turnover store (the central warehouse)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Store A is resupplied from the central warehouse first, then from store B.
        cls.store_a.resupply_wh_ids = [Command.set((cls.central | cls.store_b).ids)]
        Quant = cls.env["stock.quant"]
        cls.scarce, cls.rare = cls.env["product.product"].create([
            {"name": "CC Scarce Coat", "type": "consu", "is_storable": True, "list_price": 100.0,
             "taxes_id": [Command.clear()]},
            {"name": "CC Rare Hat", "type": "consu", "is_storable": True, "list_price": 20.0,
             "taxes_id": [Command.clear()]},
        ])
        Quant._update_available_quantity(cls.scarce, cls.central.lot_stock_id, 10)
        Quant._update_available_quantity(cls.rare, cls.store_b.lot_stock_id, 4)
        cls.web_shop = cls.env["click_collect.web.shop"].create({"name": "Test Shop", "code": "TSHOP"})
        cls.turnover_shop = cls.env["click_collect.web.shop"].create({
            "name": "Turnover Shop", "code": "TTURN", "turnover_store_id": cls.central.id,
        })
        cls.warehouses = {"S": cls.store_a, "B": cls.store_b, "C": cls.central}

    def assertOnHand(self, product, expected, step):
        """expected: {"S": qty, "B": qty, "C": qty}; every warehouse is checked."""
        self.env.invalidate_all()
        found = {
            key: product.with_context(warehouse_id=warehouse.id).qty_available
            for key, warehouse in self.warehouses.items()
        }
        self.assertEqual(found, expected, f"on hand of {product.name} after: {step}")

    def _web_order(self, fulfilment="pickup", lines=None, method="pay_at_store", shop=None):
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "pricelist_id": self.pricelist.id,
            "cc_fulfilment": fulfilment,
            "cc_store_id": self.store_a.id,
            "cc_payment_method": method,
            "cc_web_shop_id": (shop or self.web_shop).id,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": qty, "tax_ids": [Command.clear()]})
                for product, qty in (lines or [(self.product_1, 2)])
            ],
        })
        order.action_confirm()
        return order

    def _supply_pickings(self, order, source):
        return order.picking_ids.filtered(
            lambda p: p.picking_type_id.warehouse_id == source and p.location_dest_id.usage == "transit"
        )

    def _receipts(self, order):
        return order.picking_ids.filtered(lambda p: p.location_id.usage == "transit")

    def _validate(self, pickings):
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings.with_context(skip_sms=True).button_validate()
        self.assertEqual(set(pickings.mapped("state")), {"done"})

    def _to_ready(self, order):
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        order._cc_transition("ready")


@tagged("post_install", "-at_install")
class TestStockFlow(StockFlowCommon):
    """The flow follows the goods; the on-hand quantity of every warehouse is checked after
    every step (S = store A, B = store B, C = the central warehouse / turnover store)."""

    # ------------------------------------------------------------------ pickup

    def test_pickup_from_the_store(self):
        order = self._web_order(lines=[(self.product_1, 2)])
        self.assertOnHand(self.product_1, {"S": 100, "B": 100, "C": 100}, "order")
        self.assertEqual(order.picking_ids.move_ids.state, "assigned", "reserved at the store")
        self._to_ready(order)
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        self.assertOnHand(self.product_1, {"S": 98, "B": 100, "C": 100}, "hand-over")
        self.assertEqual(order.order_line.qty_delivered, 2)

    def test_hand_over_where_the_delivery_slip_prints_itself(self):
        """The store's deliveries print their slip on validation (Odoo answers with the print
        action): the order is handed over all the same."""
        self.store_a.out_type_id.auto_print_delivery_slip = True
        order = self._web_order(lines=[(self.product_1, 1)])
        self._to_ready(order)
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        self.assertEqual(order.cc_state, "collected")
        self.assertEqual(order.picking_ids.state, "done")

    def test_pickup_through_transit(self):
        order = self._web_order(lines=[(self.scarce, 3)])
        supply = self._supply_pickings(order, self.central)
        receipt = self._receipts(order)
        self.assertEqual(len(supply), 1, "the central warehouse sends the goods")
        self.assertEqual(len(receipt), 1, "the store receives them")
        self.assertEqual(receipt.location_dest_id, self.store_a.lot_stock_id)
        self.assertOnHand(self.scarce, {"S": 0, "B": 0, "C": 10}, "order")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        with self.assertRaisesRegex(UserError, "not in Test Store A's stock"):
            order._cc_transition("ready")
        # Attack: "Send to the Store" while the source's transfer is only ready: nothing left.
        with self.assertRaisesRegex(UserError, "the goods have not left yet"):
            order.with_user(self.user_store_a)._cc_transition("in_transit")
        self.assertEqual(order.cc_state, "preparing")
        self._validate(supply)
        self.assertEqual(order.cc_state, "in_transit", "sent from the source: in transit")
        self.assertIn("Still on its way", order.cc_event_ids.sorted("id")[-1].note)
        self.assertOnHand(self.scarce, {"S": 0, "B": 0, "C": 7}, "transit")
        with self.assertRaises(UserError):
            order._cc_transition("ready")
        self._validate(receipt)
        self.assertEqual(order.cc_state, "ready", "received at the store: ready")
        self.assertOnHand(self.scarce, {"S": 3, "B": 0, "C": 7}, "receipt")
        delivery = order._cc_store_deliveries()
        self.assertEqual(delivery.move_ids.state, "assigned", "the goods that arrived are reserved for the order")
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        self.assertOnHand(self.scarce, {"S": 0, "B": 0, "C": 7}, "hand-over")

    def test_acceptance_scan_receives_the_goods(self):
        order = self._web_order(lines=[(self.scarce, 2)])
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        self._validate(self._supply_pickings(order, self.central))
        self.assertEqual(order.cc_state, "in_transit")
        scan = Form(self.env["click_collect.scan"].with_user(self.user_store_a).with_context(default_mode="acceptance"))
        scan.code = order.name  # one scan, one receipt: no click
        self.assertEqual(order.cc_state, "ready")
        self.assertEqual(self._receipts(order).state, "done", "scanning the arrived order received its goods")
        ready = order.cc_event_ids.sorted("id")[-1]
        self.assertRecordValues(ready, [{"to_state": "ready", "channel": "scan", "user_id": self.user_store_a.id}])
        self.assertOnHand(self.scarce, {"S": 2, "B": 0, "C": 8}, "acceptance")

    def test_pickup_split_across_sources(self):
        order = self._web_order(lines=[(self.scarce, 1), (self.rare, 2), (self.product_1, 1)])
        from_central = self._supply_pickings(order, self.central)
        from_b = self._supply_pickings(order, self.store_b)
        self.assertEqual(from_central.move_ids.product_id, self.scarce)
        self.assertEqual(from_b.move_ids.product_id, self.rare)
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        self._validate(from_central)
        self.assertEqual(order.cc_state, "in_transit")
        receipt = self._receipts(order)
        self.assertEqual(len(receipt), 1, "the store receives both lines on one receipt")
        for move in receipt.move_ids:  # only the coat arrived so far
            move.quantity = move.product_uom_qty if move.product_id == self.scarce else 0
            move.picked = True
        receipt.with_context(skip_sms=True, skip_backorder=True).button_validate()
        self.assertEqual(order.cc_state, "in_transit", "one line is still on its way")
        last = order.cc_event_ids.sorted("id")[-1]
        self.assertEqual((last.from_state, last.to_state), ("in_transit", "in_transit"))
        self.assertIn("CC Rare Hat", last.note.split("Still on its way")[1])
        self.assertOnHand(self.scarce, {"S": 1, "B": 0, "C": 9}, "first receipt")
        self._validate(from_b)
        self._validate(self._receipts(order).filtered(lambda p: p.state != "done"))
        self.assertEqual(order.cc_state, "ready", "the last line arrived")
        self.assertOnHand(self.rare, {"S": 2, "B": 2, "C": 0}, "last receipt")
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        self.assertOnHand(self.rare, {"S": 0, "B": 2, "C": 0}, "hand-over")
        self.assertOnHand(self.scarce, {"S": 0, "B": 0, "C": 9}, "hand-over")
        self.assertOnHand(self.product_1, {"S": 99, "B": 100, "C": 100}, "hand-over")

    def test_partial_hand_over_rest_waits(self):
        order = self._web_order(lines=[(self.product_1, 3), (self.product_2, 1)], method="online")
        self._pay(order, method="transfer")
        self._to_ready(order)
        wizard = Form(self.env["click_collect.handover"].with_user(self.user_store_a).with_context(
            default_order_id=order.id))
        with wizard.line_ids.edit(0) as line:
            line.quantity = 1
        wizard.rest = "wait"
        wizard.save().action_hand_over()
        self.assertEqual(order.cc_state, "ready", "the rest waits for the customer")
        self.assertOnHand(self.product_1, {"S": 99, "B": 100, "C": 100}, "partial hand-over")
        self.assertOnHand(self.product_2, {"S": 99, "B": 100, "C": 100}, "partial hand-over")
        note = order.cc_event_ids.sorted("id")[-1].note
        self.assertIn("Still waiting at the store: CC Test Shoe (2)", note)
        backorder = order._cc_store_deliveries()
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        self.assertEqual(backorder.move_ids.state, "assigned", "the rest stays reserved")
        order._cc_transition("collected")
        self.assertOnHand(self.product_1, {"S": 97, "B": 100, "C": 100}, "the rest is collected")

    def test_partial_hand_over_rest_returns(self):
        order = self._web_order(lines=[(self.product_1, 3), (self.product_2, 1)])
        self._to_ready(order)
        wizard = Form(self.env["click_collect.handover"].with_user(self.user_store_a).with_context(
            default_order_id=order.id))
        with wizard.line_ids.edit(0) as line:
            line.quantity = 1
        wizard.rest = "return"
        handover = wizard.save()
        with self.assertRaises(UserError) as refusal:  # rolls back what the refused hand-over did
            handover.action_hand_over()
        self.assertIn("not paid", str(refusal.exception))
        self.assertOnHand(self.product_1, {"S": 100, "B": 100, "C": 100}, "refused hand-over")
        self._pay(order, method="pay_at_store", amount=80.0)  # 1 shoe + 1 bag
        handover.action_hand_over()
        self.assertEqual(order.cc_state, "collected")
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [1.0, 1.0], "the order follows what was taken")
        self.assertEqual(order.amount_total, 80.0)
        self.assertIn("Back to the store's stock: CC Test Shoe (2)", order.cc_event_ids.sorted("id")[-1].note)
        self.assertOnHand(self.product_1, {"S": 99, "B": 100, "C": 100}, "hand-over")
        self.assertEqual(self.product_1.with_context(warehouse_id=self.store_a.id).free_qty, 99,
                         "the goods not taken are free again")

    # ------------------------------------------------------------------ expiry

    def test_expiry_job(self):
        self.store_a.cc_pickup_days = 3
        self.store_a.cc_reminder_days = 1
        unpaid = self._web_order(lines=[(self.product_1, 2)])
        paid = self._web_order(lines=[(self.product_2, 1)], method="online")
        self._pay(paid, method="transfer")
        fresh = self._web_order(lines=[(self.product_1, 1)])
        now = fields.Datetime.now()
        with freeze_time(now - timedelta(days=3, hours=1)):
            self._to_ready(unpaid)
            self._to_ready(paid)
        self._to_ready(fresh)
        self.assertEqual(unpaid.cc_expiry_date, unpaid.cc_state_date + timedelta(days=3))
        self.assertOnHand(self.product_1, {"S": 100, "B": 100, "C": 100}, "ready")

        Order = self.env["sale.order"]
        with freeze_time(now + timedelta(days=2, hours=1)):
            # the fresh order is reminded (1 day before its end); the two old ones expire
            Order._cc_cron_expire()
        self.assertEqual((unpaid.cc_state, paid.cc_state, fresh.cc_state), ("expired", "expired", "ready"))
        self.assertTrue(fresh.cc_reminder_sent)
        self.assertEqual(unpaid.state, "cancel")
        self.assertEqual(unpaid.picking_ids.state, "cancel")
        self.assertEqual(self.product_1.with_context(warehouse_id=self.store_a.id).free_qty, 99,
                         "the expired order's goods are free again (the fresh one keeps 1)")
        self.assertOnHand(self.product_1, {"S": 100, "B": 100, "C": 100}, "expiry")
        self.assertFalse(unpaid.activity_ids, "nothing to refund")
        self.assertIn("Refund", paid.activity_ids.summary, "a paid order gets a refund to make")
        self.assertEqual(paid.cc_event_ids.sorted("id")[-1].channel, "cron")

        events = len((unpaid | paid | fresh).cc_event_ids)
        with freeze_time(now + timedelta(days=2, hours=1)):
            Order._cc_cron_expire()
        self.assertEqual(len((unpaid | paid | fresh).cc_event_ids), events, "the job is idempotent")
        self.assertEqual(len(paid.activity_ids), 1)

    # ------------------------------------------------------------------ ship from store

    def test_ship_failed_returned(self):
        order = self._web_order("ship", lines=[(self.product_1, 2)], method="cod")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        order.write({"carrier_id": self.carrier.id, "cc_tracking_ref": "TRK1"})
        order._cc_transition("shipped")
        self.assertOnHand(self.product_1, {"S": 98, "B": 100, "C": 100}, "shipment")
        order._cc_transition("failed")
        self.assertOnHand(self.product_1, {"S": 98, "B": 100, "C": 100}, "failed delivery")
        order._cc_transition("returned")
        self.assertOnHand(self.product_1, {"S": 100, "B": 100, "C": 100}, "return")
        returns = order.picking_ids.filtered("return_id")
        self.assertEqual(returns.state, "done")
        self.assertEqual(returns.location_dest_id, self.store_a.lot_stock_id)

    # ------------------------------------------------------------------ turnover store

    def test_turnover_pickup(self):
        analytic_plan = self.env["account.analytic.plan"].create({"name": "Stores"})
        account = self.env["account.analytic.account"].create({"name": "Central revenue", "plan_id": analytic_plan.id})
        self.central.cc_analytic_account_id = account
        order = self._web_order(lines=[(self.product_1, 2)], shop=self.turnover_shop)
        self.assertEqual(order.cc_revenue_store_id, self.central)
        self.assertEqual(order.order_line.analytic_distribution, {str(account.id): 100},
                         "the revenue is booked to the turnover store")
        self._to_ready(order)
        self.assertOnHand(self.product_1, {"S": 100, "B": 100, "C": 100}, "ready")
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        self.assertOnHand(self.product_1, {"S": 98, "B": 100, "C": 100}, "hand-over by S, sold by C")
        transfer = order.picking_ids.filtered(lambda p: p.picking_type_code == "internal")
        self.assertRecordValues(transfer, [{
            "state": "done",
            "location_id": self.store_a.lot_stock_id.id,
            "location_dest_id": self.central.lot_stock_id.id,
        }])
        delivery = order.picking_ids.filtered(lambda p: p.location_dest_id.usage == "customer")
        self.assertEqual(delivery.location_id, self.central.lot_stock_id, "the sale leaves from the turnover store")
        self.assertEqual(delivery.state, "done")

    def test_turnover_ship_and_return(self):
        order = self._web_order("ship", lines=[(self.product_1, 2), (self.product_2, 1)], method="cod",
                                shop=self.turnover_shop)
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        order.write({"cc_courier_name": "Bike courier", "cc_tracking_ref": "TRK2"})
        order._cc_transition("shipped")
        self.assertOnHand(self.product_1, {"S": 98, "B": 100, "C": 100}, "shipment by S, sold by C")
        self.assertOnHand(self.product_2, {"S": 99, "B": 100, "C": 100}, "shipment by S, sold by C")
        order._cc_transition("failed")
        order._cc_transition("returned")
        self.assertOnHand(self.product_1, {"S": 100, "B": 100, "C": 100}, "return to C, then C -> S")
        self.assertOnHand(self.product_2, {"S": 100, "B": 100, "C": 100}, "return to C, then C -> S")
        internal = order.picking_ids.filtered(lambda p: p.picking_type_code == "internal")
        self.assertEqual(
            sorted((p.location_id.warehouse_id.code, p.location_dest_id.warehouse_id.code) for p in internal),
            [("TSA", "TSC"), ("TSC", "TSA")],
        )

    def test_turnover_pickup_through_transit(self):
        order = self._web_order(lines=[(self.scarce, 3)], shop=self.turnover_shop)
        self.assertOnHand(self.scarce, {"S": 0, "B": 0, "C": 10}, "order")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        self._validate(self._supply_pickings(order, self.central))
        self.assertOnHand(self.scarce, {"S": 0, "B": 0, "C": 7}, "transit")
        self._validate(self._receipts(order))
        self.assertEqual(order.cc_state, "ready")
        self.assertOnHand(self.scarce, {"S": 3, "B": 0, "C": 7}, "receipt")
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        self.assertOnHand(self.scarce, {"S": 0, "B": 0, "C": 7}, "hand-over by S, sold by C")
        delivery = order.picking_ids.filtered(lambda p: p.location_dest_id.usage == "customer")
        self.assertEqual(delivery.location_id, self.central.lot_stock_id)

    def test_turnover_expiry_makes_no_transfer(self):
        order = self._web_order(lines=[(self.product_1, 1)], shop=self.turnover_shop)
        self._to_ready(order)
        order._cc_transition("expired")
        self.assertFalse(order.picking_ids.filtered(lambda p: p.picking_type_code == "internal"))
        self.assertOnHand(self.product_1, {"S": 100, "B": 100, "C": 100}, "expiry")

    def test_no_turnover_no_transfer(self):
        order = self._web_order(lines=[(self.product_1, 1)])
        self.assertEqual(order.cc_revenue_store_id, self.store_a)
        self._to_ready(order)
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        self.assertFalse(order.picking_ids.filtered(lambda p: p.picking_type_code == "internal"))
        self.assertOnHand(self.product_1, {"S": 99, "B": 100, "C": 100}, "hand-over")


@tagged("post_install", "-at_install")
class TestHandOverQueries(StockFlowCommon):
    """Hand-over costs a fixed number of queries; the turnover transfer adds a fixed number."""

    HAND_OVER_QUERIES = 87
    HAND_OVER_TURNOVER_QUERIES = 170

    def _ready_paid(self, shop):
        order = self._web_order(lines=[(self.product_1, 1), (self.product_2, 1)], shop=shop)
        self._to_ready(order)
        self._pay(order, method="pay_at_store")
        return order

    def _measure(self, shop, expected):
        warm, measured = self._ready_paid(shop), self._ready_paid(shop)
        warm.with_user(self.user_store_a)._cc_transition("collected")
        self.env.flush_all()
        self.env.invalidate_all()
        order = measured.with_user(self.user_store_a)
        with freeze_time(fields.Datetime.now() + timedelta(minutes=5)), self.assertQueryCount(expected):
            order._cc_transition("collected")
        self.assertEqual(measured.cc_state, "collected")

    def test_hand_over_queries(self):
        self._measure(self.web_shop, self.HAND_OVER_QUERIES)

    def test_hand_over_turnover_queries(self):
        self._measure(self.turnover_shop, self.HAND_OVER_TURNOVER_QUERIES)
