"""Web shops' orders are confirmed without reserving their goods; a scheduled job reserves them
once they are committed (a flash sale's orders of one product at one store would otherwise all
update the same stock row). The real flash sale, 20 web shops at once, is in
tests/test_flash_sale_e2e.py."""

from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.stock.models.stock_move import StockMove

from .test_stock import StockFlowCommon

JOB = "click_collect.ir_cron_reserve_web_orders"
# what Odoo's procurement answers when a route has no rule for the store
NO_RULE = "No rule has been found to replenish CC Scarce Coat."


@tagged("post_install", "-at_install")
class TestReservationAfterCommit(StockFlowCommon):

    def _pending_order(self, lines, store=None):
        """An order of a web shop's API: created and confirmed, its reservation pending."""
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "pricelist_id": self.pricelist.id,
            "cc_fulfilment": "pickup",
            "cc_store_id": (store or self.store_a).id,
            "cc_payment_method": "pay_at_store",
            "cc_web_shop_id": self.web_shop.id,
            "cc_reservation_pending": True,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": qty, "tax_ids": [Command.clear()]})
                for product, qty in lines
            ],
        })
        order.action_confirm()
        return order

    def _triggers(self):
        return self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", self.env.ref(JOB).id)])

    def _reserved(self, order):
        return {
            move.product_id: (move.state, move.quantity)
            for move in order._cc_store_deliveries().move_ids
        }

    def test_the_job_reserves_and_plans_the_supply(self):
        triggers = self._triggers()
        order = self._pending_order([(self.product_1, 2), (self.scarce, 3)])
        self.assertEqual(self._reserved(order), {self.product_1: ("confirmed", 0), self.scarce: ("confirmed", 0)},
                         "confirmed, nothing reserved yet")
        self.assertFalse(self._supply_pickings(order, self.central), "no supply planned before the reservation")
        self.assertEqual(len(self._triggers() - triggers), 1, "the job runs once the order is committed")
        self.assertTrue(order.cc_reservation_pending)

        self.env["sale.order"]._cc_cron_reserve()
        self.assertFalse(order.cc_reservation_pending)
        self.assertEqual(self._reserved(order)[self.product_1], ("assigned", 2), "reserved at the store")
        supply = self._supply_pickings(order, self.central)
        self.assertEqual(supply.move_ids.product_id, self.scarce, "the store has none: it comes from the central")
        self.assertEqual(supply.move_ids.product_uom_qty, 3)
        self.assertEqual(supply.state, "assigned", "reserved at the central warehouse")
        self.assertOnHand(self.scarce, {"S": 0, "B": 0, "C": 10}, "reservation")

    def test_first_come_first_served(self):
        """Three orders of a product the store has three of: the first (oldest) is served
        from the store, the next ones are supplied from the central warehouse in full."""
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(self.scarce, self.store_a.lot_stock_id, 3)
        orders = [self._pending_order([(self.scarce, 2)]) for _ in range(3)]
        self.env["sale.order"]._cc_cron_reserve(batch_size=2)
        self.assertFalse(any(order.cc_reservation_pending for order in orders))
        self.assertEqual(self._reserved(orders[0]), {self.scarce: ("assigned", 2)})
        for order in orders[1:]:
            self.assertEqual(self._supply_pickings(order, self.central).move_ids.product_uom_qty, 2, order.name)
            delivery = order._cc_store_deliveries().move_ids
            self.assertEqual(delivery.quantity, 0, "nothing reserved at the store")
            self.assertEqual(delivery.move_orig_ids, self._receipts(order).move_ids, "waits for the transfer")
        self.assertEqual(self.scarce.with_context(warehouse_id=self.central.id).free_qty, 6)

    def test_a_person_acting_first_reserves_the_goods(self):
        order = self._pending_order([(self.product_1, 2)])
        order.with_user(self.user_store_a)._cc_transition("accepted")
        self.assertFalse(order.cc_reservation_pending)
        self.assertEqual(self._reserved(order), {self.product_1: ("assigned", 2)})
        self.env["sale.order"]._cc_cron_reserve()  # nothing left for the job
        self.assertEqual(self._reserved(order), {self.product_1: ("assigned", 2)})

    def test_a_cancelled_order_reserves_nothing(self):
        order = self._pending_order([(self.product_1, 2), (self.scarce, 1)])
        order._cc_transition("cancelled")
        self.assertFalse(order.cc_reservation_pending)
        self.assertFalse(self._supply_pickings(order, self.central), "no supply planned for an order that ends")
        self.env["sale.order"]._cc_cron_reserve()
        self.assertEqual(set(order.picking_ids.move_ids.mapped("state")), {"cancel"})
        self.assertOnHand(self.product_1, {"S": 100, "B": 100, "C": 100}, "cancellation")
        self.assertEqual(self.scarce.with_context(warehouse_id=self.central.id).free_qty, 10)

    def test_an_order_that_cannot_be_reserved_stops_no_other(self):
        """Odoo's procurement refuses one order's supply (a route without rules, a company
        rule): that order is left unreserved, with the reason on the order; the others are
        reserved."""
        broken = self._pending_order([(self.scarce, 1)])
        fine = self._pending_order([(self.product_1, 2)])
        SaleOrder = type(self.env["sale.order"])
        plan_supply = SaleOrder._cc_plan_supply

        def plan_supply_refused(orders):
            if broken in orders:
                raise UserError(NO_RULE)
            return plan_supply(orders)

        with patch.object(SaleOrder, "_cc_plan_supply", plan_supply_refused):
            self.env["sale.order"]._cc_cron_reserve()
        self.assertFalse(broken.cc_reservation_pending or fine.cc_reservation_pending, "the job is done with both")
        self.assertEqual(self._reserved(fine), {self.product_1: ("assigned", 2)})
        self.assertEqual(self._reserved(broken), {self.scarce: ("confirmed", 0)})
        self.assertFalse(self._supply_pickings(broken, self.central))
        notes = [body for body in broken.message_ids.mapped("body") if "could not be reserved" in body]
        self.assertEqual(len(notes), 1, broken.message_ids.mapped("body"))
        self.assertIn("could not be reserved at Test Store A", notes[0])
        self.assertIn("Check Availability", notes[0])
        self.assertFalse(any("could not be reserved" in body for body in fine.message_ids.mapped("body")))

    def test_orders_of_people_and_of_the_demo_are_reserved_at_once(self):
        order = self._web_order(lines=[(self.product_1, 2)])
        self.assertFalse(order.cc_reservation_pending)
        self.assertEqual(self._reserved(order), {self.product_1: ("assigned", 2)})

    def test_nobody_sets_the_flag(self):
        """Attack: a user confirms an order with its reservation pending (or clears it) over
        RPC. The flag is the flow's."""
        order = self._pending_order([(self.product_1, 1)])
        for user in (self.user_store_a, self.user_manager):
            with self.assertRaisesRegex(UserError, "Reservation Pending"):
                order.with_user(user).write({"cc_reservation_pending": False})
        with self.assertRaisesRegex(UserError, "Reservation Pending"):
            self.env["sale.order"].with_user(self.user_manager).create({
                "partner_id": self.customer.id, "cc_fulfilment": "pickup", "cc_store_id": self.store_a.id,
                "cc_reservation_pending": True,
            })

    def test_a_concurrent_change_of_the_stock_leaves_the_batch_for_later(self):
        """The store validates a delivery of the same goods while the job reserves: PostgreSQL
        refuses the job's update; the job keeps the orders pending and runs again a few seconds
        later."""
        order = self._pending_order([(self.product_1, 2)])
        assign = StockMove._action_assign
        calls = []

        def assign_after_a_concurrent_update(moves, *args, **kwargs):
            calls.append(moves)
            if len(calls) == 1:
                # a real error of PostgreSQL, as an update of a row changed since the
                # transaction began raises it
                moves.env.cr.execute("DO $$ BEGIN RAISE EXCEPTION 'could not serialize access due to "
                                     "concurrent update' USING ERRCODE = 'serialization_failure'; END $$")
            return assign(moves, *args, **kwargs)

        before = fields.Datetime.now()
        triggers = self._triggers()
        with patch.object(StockMove, "_action_assign", assign_after_a_concurrent_update):
            self.env["sale.order"]._cc_cron_reserve()
        self.assertTrue(order.cc_reservation_pending, "still pending")
        self.assertEqual(self._reserved(order), {self.product_1: ("confirmed", 0)})
        later = self._triggers() - triggers
        self.assertEqual(len(later), 1)
        self.assertGreaterEqual(later.call_at, before + timedelta(seconds=4))

        with patch.object(StockMove, "_action_assign", assign_after_a_concurrent_update):
            self.env["sale.order"]._cc_cron_reserve()
        self.assertFalse(order.cc_reservation_pending)
        self.assertEqual(self._reserved(order), {self.product_1: ("assigned", 2)})

    def test_a_person_acting_on_an_order_that_cannot_be_reserved_moves_it_on(self):
        order = self._pending_order([(self.scarce, 1)])
        SaleOrder = type(self.env["sale.order"])

        def plan_supply_refused(orders):
            raise UserError(NO_RULE)

        with patch.object(SaleOrder, "_cc_plan_supply", plan_supply_refused):
            order.with_user(self.user_store_a)._cc_transition("accepted")
        self.assertEqual((order.cc_state, order.cc_reservation_pending), ("accepted", False))
        self.assertTrue(any("could not be reserved" in body for body in order.message_ids.mapped("body")))

    def test_the_job_reserves_the_orders_of_another_company_in_that_company(self):
        """The job runs in its user's company; an order of another company is reserved and
        supplied there: its store's stock, its own central warehouse, its own transit."""
        main = self.env.company
        there = self.env["res.company"].create({"name": "CC Reservation Company", "currency_id": main.currency_id.id})
        Warehouse = self.env["stock.warehouse"].with_company(there)
        central = Warehouse.create({"name": "CC There Central", "code": "CCTC", "company_id": there.id})
        store = Warehouse.create({"name": "CC There Store", "code": "CCTS", "company_id": there.id,
                                  "cc_is_store": True, "resupply_wh_ids": [Command.set(central.ids)]})
        coat, hat = self.env["product.product"].create([
            {"name": f"CC There {name}", "type": "consu", "is_storable": True, "list_price": 10.0,
             "taxes_id": [Command.clear()]}
            for name in ("Coat", "Hat")
        ])
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(coat, store.lot_stock_id, 2)
        Quant._update_available_quantity(hat, central.lot_stock_id, 5)
        shop = self.env["click_collect.web.shop"].create({
            "name": "There Shop", "code": "THERE", "company_id": there.id,
        })
        order = self.env["sale.order"].with_company(there).create({
            "partner_id": self.customer.id,
            "company_id": there.id,
            "cc_fulfilment": "pickup",
            "cc_store_id": store.id,
            "cc_payment_method": "pay_at_store",
            "cc_web_shop_id": shop.id,
            "cc_reservation_pending": True,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": qty, "tax_ids": [Command.clear()]})
                for product, qty in ((coat, 2), (hat, 3))
            ],
        })
        order.action_confirm()
        self.assertEqual(self._reserved(order), {coat: ("confirmed", 0), hat: ("confirmed", 0)})

        # as the scheduled job runs: in its user's company only
        self.env["sale.order"].with_context(allowed_company_ids=main.ids)._cc_cron_reserve()
        self.assertFalse(order.cc_reservation_pending)
        self.assertEqual(self._reserved(order)[coat], ("assigned", 2), "reserved at the store")
        self.assertEqual(order._cc_store_deliveries().move_ids.move_line_ids.company_id, there)
        supply = self._supply_pickings(order, central)
        self.assertEqual((supply.move_ids.product_id, supply.move_ids.product_uom_qty), (hat, 3),
                         "the store has no hat: it comes from the company's central warehouse")
        self.assertEqual(supply.company_id, there)
        self.assertEqual(supply.state, "assigned", "reserved at the central warehouse")
        self.assertEqual(hat.with_context(warehouse_id=central.id, allowed_company_ids=there.ids).free_qty, 2)
