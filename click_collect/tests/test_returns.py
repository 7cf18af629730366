import re
import threading
from datetime import timedelta
from functools import partial

from odoo import Command, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, Form, HttpCase, tagged
from odoo.tests.common import get_db_name

from .common import committed_ready_order
from .test_stock import StockFlowCommon


class ReturnsCommon(StockFlowCommon):
    """Orders collected at store A (S) or delivered, and what comes back at S, at store B or
    through the turnover store C."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env.ref("click_collect.return_reason_size")

    def _collected(self, lines=None, shop=None):
        order = self._web_order(lines=lines or [(self.product_1, 2)], shop=shop)
        self._to_ready(order)
        if order.amount_total:
            self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        self.assertEqual(order.cc_state, "collected")
        return order

    def _receive(self, order, quantities, *, user=None, store=None, condition="sellable", **kwargs):
        """Receive {product: qty} of ``order`` at ``store`` (store A) as ``user`` (A's clerk)."""
        lines = [
            {"sale_line_id": order.order_line.filtered(lambda line, p=product: line.product_id == p).id,
             "quantity": qty, "condition": condition}
            for product, qty in quantities.items()
        ]
        env_order = order.with_user(user or self.user_store_a)
        return env_order._cc_receive_return(store or self.store_a, lines, reason=self.reason, **kwargs)


@tagged("post_install", "-at_install")
class TestReturns(ReturnsCommon):

    def test_the_store_that_handed_over_receives_part_then_the_rest(self):
        order = self._collected()
        ret = self._receive(order, {self.product_1: 1}, note="Too small")
        self.assertRecordValues(ret, [{
            "state": "received", "store_id": self.store_a.id, "order_store_id": self.store_a.id,
            "amount_total": 50.0, "refund_mode": "owed", "reason_id": self.reason.id,
            "reason_note": "Too small", "user_id": self.user_store_a.id, "channel": "backoffice",
        }])
        self.assertOnHand(self.product_1, {"S": 99, "B": 100, "C": 100}, "one back at S")
        self.assertEqual(order.order_line.qty_delivered, 1, "Odoo's delivered quantity follows the return")
        self.assertEqual(order.cc_state, "collected", "the flow is not reopened")
        self.assertEqual(order.cc_return_state, "partial")
        returned = ret.picking_ids
        self.assertEqual(returned.state, "done")
        self.assertEqual(returned.return_id, order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing"),
                         "a return of the order's delivery")
        event = order.cc_event_ids.filtered("return_id")
        self.assertEqual(len(event), 1)
        self.assertRecordValues(event, [{"return_id": ret.id, "from_state": "collected", "to_state": "collected",
                                         "store_id": self.store_a.id, "user_id": self.user_store_a.id}])
        self.assertIn("1 x CC Test Shoe (Sellable)", event.note)
        self.assertIn("Does not fit - Too small", event.note)
        activity = ret.sudo().activity_ids
        self.assertEqual(len(activity), 1, "the back office is asked to pay the customer back")
        self.assertIn("50.00", activity.summary)

        second = self._receive(order, {self.product_1: 1})
        self.assertEqual(order.cc_return_state, "returned")
        self.assertEqual(order.order_line.qty_delivered, 0)
        self.assertOnHand(self.product_1, {"S": 100, "B": 100, "C": 100}, "both back at S")
        self.assertNotEqual(second.name, ret.name)
        with self.assertRaisesRegex(UserError, f"{order.name}, CC Test Shoe: 1 coming back, but only 0 may"):
            self._receive(order, {self.product_1: 1})

    def test_another_store_receives_it_without_reading_the_order(self):
        order = self._collected()
        with self.assertRaises(AccessError):
            order.with_user(self.user_store_b).check_access("read")
        ret = self._receive(order, {self.product_1: 2}, user=self.user_store_b, store=self.store_b)
        self.assertOnHand(self.product_1, {"S": 98, "B": 102, "C": 100}, "back at B")
        self.assertEqual(ret.picking_ids.picking_type_id, self.store_b.in_type_id, "B's receipt")
        self.assertEqual(ret.picking_ids.location_id, self.env.ref("stock.stock_location_customers"))
        self.assertEqual(order.order_line.qty_delivered, 0)
        for user in (self.user_store_a, self.user_store_b):
            self.assertEqual(ret.with_user(user).read(["state"])[0]["state"], "received", user.login)
            self.assertTrue(order.cc_event_ids.filtered("return_id").with_user(user).read(["note"]))
        outsider = self.env["res.users"].create({
            "name": "Store C clerk", "login": "cc_ret_c", "cc_store_ids": [Command.set(self.central.ids)],
            "group_ids": [Command.set(self.env.ref("click_collect.group_store_user").ids)],
        })
        self.assertFalse(self.env["click_collect.return"].with_user(outsider).search([("id", "=", ret.id)]),
                         "neither the return store's nor the order's store")

    def test_a_clerk_receives_only_at_their_own_store(self):
        order = self._collected()
        with self.assertRaisesRegex(UserError, "You do not work for Test Store B"):
            self._receive(order, {self.product_1: 1}, store=self.store_b)
        with self.assertRaisesRegex(UserError, "Choose the store"):
            self._receive(order, {self.product_1: 1}, store=self.not_a_store)

    def test_damaged_goods_go_to_the_store_damaged_location(self):
        damaged = self.env["stock.location"].create({
            "name": "Damaged", "usage": "internal", "location_id": self.store_a.view_location_id.id,
        })
        self.store_a.cc_damaged_location_id = damaged
        order = self._collected()
        ret = self._receive(order, {self.product_1: 1}, condition="damaged")
        quants = self.env["stock.quant"].search([
            ("product_id", "=", self.product_1.id), ("location_id", "=", damaged.id)])
        self.assertEqual(sum(quants.mapped("quantity")), 1, "kept apart from the goods for sale")
        self.assertEqual(self.product_1.with_context(location=self.store_a.lot_stock_id.id).qty_available, 98)
        self.assertEqual(ret.line_ids.condition, "damaged")
        self.assertEqual(order.order_line.qty_delivered, 1)

    def test_turnover_store_takes_it_back_then_sends_it_to_the_return_store(self):
        order = self._collected(shop=self.turnover_shop)
        self.assertOnHand(self.product_1, {"S": 98, "B": 100, "C": 100}, "hand-over by S, sold by C")
        ret = self._receive(order, {self.product_1: 2}, user=self.user_store_b, store=self.store_b)
        returned, transfer = ret.picking_ids.sorted("id")
        self.assertEqual(returned.location_dest_id, self.central.lot_stock_id, "booked against C's sale")
        self.assertEqual(returned.picking_type_id, self.central.in_type_id)
        self.assertRecordValues(transfer, [{"location_id": self.central.lot_stock_id.id,
                                            "location_dest_id": self.store_b.lot_stock_id.id, "state": "done"}])
        self.assertOnHand(self.product_1, {"S": 98, "B": 102, "C": 100}, "back at B through C")
        self.assertEqual(order.order_line.qty_delivered, 0)

    def test_turnover_store_receiving_keeps_it(self):
        order = self._collected(shop=self.turnover_shop)
        ret = self._receive(order, {self.product_1: 1}, user=self.user_manager, store=self.central)
        self.assertEqual(len(ret.picking_ids), 1, "no transfer: the turnover store is the return store")
        self.assertOnHand(self.product_1, {"S": 98, "B": 100, "C": 101}, "back at C")

    def test_credit_note_reverses_the_invoice_on_the_revenue_store(self):
        plan = self.env["account.analytic.plan"].create({"name": "Stores"})
        account = self.env["account.analytic.account"].create({"name": "Store A revenue", "plan_id": plan.id})
        self.store_a.cc_analytic_account_id = account
        order = self._collected(lines=[(self.product_1, 2), (self.product_2, 1)])
        invoice = order._create_invoices()
        invoice.action_post()
        ret = self._receive(order, {self.product_1: 1, self.product_2: 1})
        credit_note = ret.credit_note_id
        self.assertRecordValues(credit_note, [{
            "move_type": "out_refund", "state": "posted", "reversed_entry_id": invoice.id,
            "amount_total": 80.0, "partner_id": order.partner_id.id,
        }])
        self.assertEqual(credit_note.invoice_line_ids.mapped("analytic_distribution"),
                         [{str(account.id): 100}] * 2, "booked on the revenue store")
        self.assertEqual(order.order_line.mapped("qty_invoiced"), [1.0, 0.0])
        self.assertEqual(ret.amount_total, 80.0)

    def test_discounts_are_spread_over_the_goods(self):
        """Two shoes at 50 and a coupon of 50: the customer paid 25 a shoe, and gets that back."""
        coupon = self.env["product.product"].create({"name": "CC Coupon", "type": "service", "list_price": 0})
        order = self._web_order(lines=[(self.product_1, 2)])
        order.order_line = [Command.create({"product_id": coupon.id, "product_uom_qty": 1, "price_unit": -50,
                                            "tax_ids": [Command.clear()]})]
        self.assertEqual(order.amount_total, 50)
        self._to_ready(order)
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        invoice = order._create_invoices()
        invoice.action_post()
        ret = self._receive(order, {self.product_1: 1})
        self.assertEqual(ret.amount_total, 25.0)
        self.assertEqual(ret.credit_note_id.amount_total, 25.0, "the coupon's share is credited too")
        second = self._receive(order, {self.product_1: 1})
        self.assertEqual(second.amount_total, 25.0, "never more than was paid")
        self.assertEqual(second.credit_note_id.amount_total, 25.0)
        self.assertEqual(order.order_line.mapped("qty_to_invoice"), [0.0, 0.0], "nothing left to invoice")

    def test_discounts_of_an_order_not_invoiced_follow_the_returns(self):
        coupon = self.env["product.product"].create({"name": "CC Coupon", "type": "service", "list_price": 0,
                                                     "invoice_policy": "order"})
        self.product_1.invoice_policy = "order"
        order = self._web_order(lines=[(self.product_1, 2)])
        order.order_line = [Command.create({"product_id": coupon.id, "product_uom_qty": 1, "price_unit": -20,
                                            "tax_ids": [Command.clear()]})]
        self._to_ready(order)
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        self._receive(order, {self.product_1: 1})
        self.assertEqual(order.order_line.mapped("qty_to_invoice"), [1.0, 0.5], "half the coupon went with it")
        invoice = order._create_invoices()
        self.assertEqual(invoice.amount_total, 40.0, "what the customer kept: 50 less half the coupon")

    def _collected_taxed_socks(self, lines):
        """A collected and invoiced order of socks at 4.50 with 15% tax rounded globally."""
        self.company.tax_calculation_rounding_method = "round_globally"
        tax = self.env["account.tax"].create({"name": "CC 15%", "amount": 15, "type_tax_use": "sale"})
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id, "pricelist_id": self.pricelist.id, "cc_fulfilment": "pickup",
            "cc_store_id": self.store_a.id, "cc_payment_method": "pay_at_store", "cc_web_shop_id": self.web_shop.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty, "price_unit": 4.5,
                                           "tax_ids": [Command.set(tax.ids)]})
                           for product, qty in lines],
        })
        order.action_confirm()
        self._to_ready(order)
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        order._create_invoices().action_post()
        return order

    def test_taxes_rounded_globally_everything_comes_back(self):
        """Ten socks at 4.50 with 15% tax rounded globally: each line says 5.18 (4.50 x 1.15 =
        5.175), the order 51.75. The customer gets back the 51.75 paid, line by line, and
        never a cent more."""
        order = self._collected_taxed_socks([(self.product_1, 1), (self.product_2, 1)] * 5)
        self.assertEqual(order.order_line.mapped("price_total"), [5.18] * 10)
        self.assertEqual(order.amount_total, 51.75)
        env_order = order.with_user(self.user_store_a)
        returns = self.env["click_collect.return"]
        for lines in [order.order_line[:3], *order.order_line[3:]]:
            returns |= env_order._cc_receive_return(self.store_a, [
                {"sale_line_id": line.id, "quantity": 1, "condition": "sellable"} for line in lines
            ], reason=self.reason)
        self.assertAlmostEqual(returns[0].amount_total, 15.53, places=2, msg="3 x 5.175 of what was paid")
        self.assertAlmostEqual(sum(returns.mapped("amount_total")), 51.75, places=2,
                               msg="everything paid comes back")
        self.assertEqual(len(returns.credit_note_id), 8, "each credit note rounds its own taxes, as Odoo's do")
        self.assertEqual(order.cc_return_state, "returned")

    def test_taxes_rounded_globally_in_one_return(self):
        """Two lines of five socks: 25.88 each (5 x 5.175 = 25.875), the order 51.75."""
        order = self._collected_taxed_socks([(self.product_1, 5), (self.product_2, 5)])
        self.assertEqual(order.order_line.mapped("price_total"), [25.88] * 2)
        self.assertEqual(order.amount_total, 51.75)
        ret = self._receive(order, {self.product_1: 5, self.product_2: 5})
        self.assertAlmostEqual(ret.amount_total, 51.75, places=2)
        self.assertEqual(ret.credit_note_id.amount_total, 51.75)

    def test_free_goods_come_back_for_nothing(self):
        """Two free samples with a shoe: returned together, they refund nothing."""
        order = self._web_order(lines=[(self.product_1, 1), (self.product_2, 1), (self.product_2, 1)])
        order.order_line[1:].write({"price_unit": 0.0})
        self._to_ready(order)
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        ret = order.with_user(self.user_store_a)._cc_receive_return(self.store_a, [
            {"sale_line_id": line.id, "quantity": 1, "condition": "sellable"} for line in order.order_line[1:]
        ], reason=self.reason)
        self.assertEqual(ret.line_ids.mapped("amount"), [0.0, 0.0])
        self.assertEqual(ret.state, "closed", "nothing owed")

    def test_credit_note_of_what_was_invoiced_only(self):
        order = self._collected(lines=[(self.product_1, 2), (self.product_2, 1)])
        invoice = order._create_invoices()
        invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.product_2).unlink()
        invoice.action_post()
        bag = self._receive(order, {self.product_2: 1})
        self.assertFalse(bag.credit_note_id, "the bag was not invoiced")
        shoe = self._receive(order, {self.product_1: 1})
        self.assertEqual(shoe.credit_note_id.amount_total, 50.0)
        self.assertEqual(order.order_line.mapped("qty_invoiced"), [1.0, 0.0])

    def test_sold_by_the_dozen_comes_back_by_the_dozen(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id, "pricelist_id": self.pricelist.id, "cc_fulfilment": "pickup",
            "cc_store_id": self.store_a.id, "cc_payment_method": "pay_at_store", "cc_web_shop_id": self.web_shop.id,
            "order_line": [Command.create({"product_id": self.product_1.id, "product_uom_qty": 1,
                                           "product_uom_id": dozen.id, "tax_ids": [Command.clear()]})],
        })
        order.action_confirm()
        self.assertEqual(order.amount_total, 600.0)
        self.assertEqual(order.picking_ids.move_ids.product_qty, 12)
        self._to_ready(order)
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        self.assertOnHand(self.product_1, {"S": 88, "B": 100, "C": 100}, "a dozen handed over")
        ret = self._receive(order, {self.product_1: 0.5})
        self.assertEqual(ret.amount_total, 300.0)
        self.assertOnHand(self.product_1, {"S": 94, "B": 100, "C": 100}, "half a dozen back")

    def test_no_credit_note_without_an_invoice(self):
        order = self._collected()
        ret = self._receive(order, {self.product_1: 1})
        self.assertFalse(ret.credit_note_id)
        self.assertEqual(order.order_line.qty_to_invoice, 1, "only what the customer kept is to invoice")

    def test_a_delivered_order_comes_back(self):
        order = self._order("ship", method="transfer")
        self._pay(order, method="transfer")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        self.env["click_collect.ship"].create({
            "order_id": order.id, "tracking_ref": "X1", "courier_name": "Bike Courier Ltd",
        }).action_ship()
        order._cc_transition("delivered")
        ret = self._receive(order, {self.product_2: 1})
        self.assertEqual(ret.amount_total, 30.0)
        self.assertEqual(order.order_line.filtered(lambda line: line.product_id == self.product_2).qty_delivered, 0)

    def test_the_back_office_marks_the_refund_made(self):
        order = self._collected()
        ret = self._receive(order, {self.product_1: 1})
        with self.assertRaisesRegex(UserError, "Only a web-order manager or an accountant"):
            ret.with_user(self.user_store_manager_a).action_cc_mark_refunded("TRF-1")
        ret.with_user(self.user_manager).action_cc_mark_refunded("TRF-1")
        self.assertRecordValues(ret, [{"state": "refunded", "refund_reference": "TRF-1"}])
        self.assertFalse(ret.sudo().activity_ids, "the refund activity is done")
        notes = order.cc_event_ids.filtered("return_id").mapped("note")
        self.assertEqual(len(notes), 2)
        self.assertTrue(any(re.fullmatch(rf"Return {ret.name}: \$\s50.00 refunded \(TRF-1\).", note) for note in notes),
                        notes)
        with self.assertRaisesRegex(UserError, "is Refunded: only a received return"):
            ret.with_user(self.user_manager).action_cc_mark_refunded("TRF-2")

    def test_nothing_owed_closes_the_return(self):
        free = self.env["product.product"].create({"name": "CC Free Sample", "is_storable": True, "list_price": 0})
        self.env["stock.quant"]._update_available_quantity(free, self.store_a.lot_stock_id, 5)
        order = self._collected(lines=[(free, 1)])
        ret = self._receive(order, {free: 1})
        self.assertEqual(ret.state, "closed")
        self.assertFalse(ret.sudo().activity_ids)


@tagged("post_install", "-at_install")
class TestReturnRefusals(ReturnsCommon):

    def test_an_order_not_collected_is_refused(self):
        order = self._web_order(lines=[(self.product_1, 1)])
        self._to_ready(order)
        with self.assertRaisesRegex(UserError, f"{order.name} is Ready for pickup: only collected or delivered"):
            self._receive(order, {self.product_1: 1})

    def test_more_than_collected_lines_of_another_order_and_negative_quantities(self):
        order = self._collected()
        other = self._collected()
        with self.assertRaisesRegex(UserError, f"{order.name}, CC Test Shoe: 3 coming back, but only 2 may "):
            self._receive(order, {self.product_1: 3})
        with self.assertRaisesRegex(UserError, "is not goods of this order"):
            order.with_user(self.user_store_a)._cc_receive_return(
                self.store_a, [{"sale_line_id": other.order_line.id, "quantity": 1}])
        with self.assertRaisesRegex(UserError, "cannot be negative"):
            self._receive(order, {self.product_1: -1})
        with self.assertRaisesRegex(UserError, "nothing comes back"):
            self._receive(order, {self.product_1: 0})
        with self.assertRaisesRegex(UserError, "unknown condition"):
            self._receive(order, {self.product_1: 1}, condition="stolen")
        # two lines asking for the same goods count together
        line = order.order_line
        with self.assertRaisesRegex(UserError, "but only 2"):
            order.with_user(self.user_store_a)._cc_receive_return(self.store_a, [
                {"sale_line_id": line.id, "quantity": 2}, {"sale_line_id": line.id, "quantity": 1}])
        self.assertFalse(order.cc_return_ids, "nothing half-received")

    def test_after_the_window_only_a_manager_with_a_reason(self):
        self.web_shop.cc_return_days = 14
        order = self._collected()
        event = order.cc_event_ids.filtered(lambda e: e.to_state == "collected" and not e.return_id)
        event.date = fields.Datetime.now() - timedelta(days=15)
        with self.assertRaisesRegex(UserError, "returns are accepted within 14 days. Only a store manager"):
            self._receive(order, {self.product_1: 1})
        with self.assertRaisesRegex(UserError, "say why you accept the return"):
            self._receive(order, {self.product_1: 1}, user=self.user_store_manager_a, late_reason="  ")
        ret = self._receive(order, {self.product_1: 1}, user=self.user_store_manager_a,
                            late_reason="Loyal customer, box unopened")
        self.assertEqual(ret.late_reason, "Loyal customer, box unopened")
        self.assertIn("Accepted after the return window: Loyal customer", order.cc_event_ids.filtered("return_id").note)

    def test_the_company_policy_applies_without_a_web_shop(self):
        # the demo of click_collect_pos gives the main company refunds at the till
        self.company.write({"cc_return_days": 3, "cc_return_refund_mode": "owed"})
        order = self._collected()
        self.env.cr.execute("UPDATE sale_order SET cc_web_shop_id = NULL WHERE id = %s", [order.id])
        order.invalidate_recordset(["cc_web_shop_id"])
        self.assertEqual(order._cc_return_policy(), (3, "owed"))
        collected = order.cc_event_ids.filtered(lambda e: e.to_state == "collected")
        collected.date = fields.Datetime.now() - timedelta(days=4)
        with self.assertRaisesRegex(UserError, "within 3 days"):
            self._receive(order, {self.product_1: 1})

    def test_a_refund_larger_than_what_was_paid(self):
        order = self._collected()
        self._receive(order, {self.product_1: 1})
        # part of the payment was given back elsewhere (a store credit, a bank transfer)
        self.env.flush_all()
        self.env.cr.execute("UPDATE sale_order SET cc_amount_paid = 80 WHERE id = %s", [order.id])
        self.env.invalidate_all()
        with self.assertRaisesRegex(UserError, rf"{order.name}: the goods returned are worth .*50.00.*, "
                                               r"but only .*30.00 of what the customer paid is left"):
            self._receive(order, {self.product_1: 1})


@tagged("post_install", "-at_install")
class TestReturnAttacks(ReturnsCommon):
    """What a store user may try over RPC."""

    def test_nobody_creates_or_changes_a_return_over_rpc(self):
        order = self._collected()
        Return = self.env["click_collect.return"].with_user(self.user_store_a)
        with self.assertRaises(AccessError):
            Return.create({"order_id": order.id, "store_id": self.store_a.id, "company_id": self.company.id,
                           "currency_id": self.company.currency_id.id})
        ret = self._receive(order, {self.product_1: 1})
        with self.assertRaises(AccessError):
            ret.with_user(self.user_store_a).write({"state": "refunded"})
        with self.assertRaises(AccessError):
            ret.line_ids.with_user(self.user_store_a).write({"quantity": 2})

    def test_the_screen_shows_only_what_its_search_found(self):
        order = self._collected()
        other = self._collected()
        Receive = self.env["click_collect.return.receive"].with_user(self.user_store_b)
        with self.assertRaisesRegex(UserError, "comes from the search"):
            Receive.create({"store_id": self.store_b.id, "order_id": order.id})
        wizard = Receive.create({"store_id": self.store_b.id, "code": order.name})
        wizard.action_find()
        with self.assertRaisesRegex(UserError, "comes from the search"):
            wizard.write({"order_id": other.id})
        with self.assertRaisesRegex(UserError, "comes from the search"):
            wizard.write({"line_ids": [Command.create({"sale_line_id": other.order_line.id, "quantity": 1})]})
        with self.assertRaisesRegex(UserError, "comes from the search"):
            wizard.line_ids.write({"sale_line_id": other.order_line.id})
        # the typed order changed since the search: nothing is received
        wizard.code = other.name
        wizard.line_ids.quantity = 1
        with self.assertRaisesRegex(UserError, "Search the order again"):
            wizard.action_receive()
        self.assertFalse(order.cc_return_ids | other.cc_return_ids)

    def test_a_clerk_sees_only_their_own_screens_and_cannot_default_what_it_found(self):
        order = self._collected()
        wizard = self.env["click_collect.return.receive"].with_user(self.user_store_a).create({"code": order.name})
        wizard.action_find()
        colleague = self.env["click_collect.return.receive"].with_user(self.user_store_manager_a)
        self.assertFalse(colleague.search([("id", "=", wizard.id)]), "what a colleague typed and found")
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_store_manager_a).write({"code": "x"})
        with self.assertRaisesRegex(UserError, "comes from the search"):
            colleague.with_context(default_order_id=order.id).create({"code": "S-NOPE"})
        with self.assertRaisesRegex(UserError, "comes from the search"):
            self.env["click_collect.return.receive.line"].with_user(self.user_store_a).with_context(
                default_sale_line_id=order.order_line.id).create({"wizard_id": wizard.id, "quantity": 1})

    def test_an_email_lookup_is_no_pattern(self):
        order = self._collected()
        wizard = self.env["click_collect.return.receive"].with_user(self.user_store_b).create(
            {"code": "%@example.com"})
        wizard.action_find()
        self.assertFalse(wizard.order_id)
        wizard.code = "Customer@Example.com"
        wizard.action_find()
        self.assertEqual(wizard.order_id, order)

    def test_a_user_without_a_store_role_has_no_return_screen(self):
        salesman = self.env["res.users"].create({
            "name": "Salesman", "login": "cc_ret_sales",
            "group_ids": [Command.set(self.env.ref("sales_team.group_sale_salesman").ids)],
        })
        with self.assertRaises(AccessError):
            self.env["click_collect.return.receive"].with_user(salesman).create({"code": "S0001"})
        with self.assertRaises(AccessError):
            self.env["click_collect.return"].with_user(salesman).search([])


@tagged("post_install", "-at_install")
class TestReturnScreen(ReturnsCommon):

    def test_another_store_finds_the_order_by_qr_email_or_phone_and_receives(self):
        order = self._collected(lines=[(self.product_1, 2), (self.product_2, 1)])
        Receive = self.env["click_collect.return.receive"].with_user(self.user_store_b)
        for code in (order._cc_pickup_qr_content(), order.name.lower()):
            wizard = Receive.create({"code": code})
            wizard.action_find()
            self.assertEqual(wizard.order_id, order, code)
        customer = self.env["res.partner"].create({"name": "One Order", "email": "one@example.com",
                                                   "phone": "+32 470 98 76 54"})
        order.sudo().partner_id = customer
        for code in ("ONE@example.com", "+32470987654"):
            wizard = Receive.create({"code": code})
            wizard.action_find()
            self.assertEqual(wizard.order_id, order, code)
        self._collected().sudo().partner_id = customer
        wizard = Receive.create({"code": "one@example.com"})
        wizard.action_find()
        self.assertFalse(wizard.order_id)
        self.assertIn("several collected or delivered orders", wizard.message)
        wizard = Receive.create({"code": "S-NOPE"})
        wizard.action_find()
        self.assertEqual(wizard.message, "Order could not be found")

        form = Form(Receive)
        self.assertEqual(form.store_id, self.store_b, "the clerk's store")
        form.code = order.name
        wizard = form.save()
        wizard.action_find()
        self.assertEqual(wizard.customer, customer.name)
        self.assertIn("30 days", wizard.policy)
        with Form(wizard) as form:
            with form.line_ids.edit(0) as line:
                self.assertEqual(line.returnable, 2)
                line.quantity = 1
                line.condition = "damaged"
            form.reason_id = self.reason
            form.reason_note = "Scratched"
        action = wizard.action_receive()
        ret = self.env["click_collect.return"].browse(action["res_id"])
        self.assertRecordValues(ret, [{"store_id": self.store_b.id, "amount_total": 50.0,
                                       "reason_note": "Scratched"}])
        self.assertEqual(ret.line_ids.condition, "damaged")
        self.assertOnHand(self.product_1, {"S": 96, "B": 101, "C": 100},
                          "damaged, back at B's stock (B names no damaged location)")

    def test_the_screen_checks_the_clerk_as_the_flow_does(self):
        """The screen finds the order as superuser; receiving is the clerk's: their stores only,
        and the return window is not theirs to overrule."""
        order = self._collected()
        wizard = self.env["click_collect.return.receive"].with_user(self.user_store_a).create({"code": order.name})
        wizard.action_find()
        wizard.line_ids.quantity = 1
        wizard.store_id = self.store_b
        with self.assertRaisesRegex(UserError, "You do not work for Test Store B"):
            wizard.action_receive()
        wizard.store_id = self.store_a
        collected = order.cc_event_ids.filtered(lambda e: e.to_state == "collected")
        collected.date = fields.Datetime.now() - timedelta(days=31)
        wizard.late_reason = "I say so"
        with self.assertRaisesRegex(UserError, "Only a store manager may accept it now"):
            wizard.action_receive()
        self.assertFalse(order.cc_return_ids)

    def test_an_order_not_collected_yet_is_named_by_the_screen(self):
        order = self._web_order(lines=[(self.product_1, 1)])
        wizard = self.env["click_collect.return.receive"].with_user(self.user_store_a).create({"code": order.name})
        wizard.action_find()
        self.assertFalse(wizard.line_ids)
        self.assertIn("only collected or delivered orders can be returned", wizard.message)


@tagged("post_install", "-at_install")
class TestReturnConcurrency(BaseCase):
    """Two clerks receive the same goods at once, each in their own PostgreSQL transaction,
    retried as Odoo retries a request that met a concurrent update: one wins, the other is
    refused with what came back. The order, store and users are committed (other transactions
    must see them), in a store of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def _receive(self, ids, uid):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, uid, {})

            def receive():
                order = env["sale.order"].browse(ids["order"])
                line = order.sudo().order_line
                ret = order._cc_receive_return(env["stock.warehouse"].browse(ids["store"]), [
                    {"sale_line_id": line.id, "quantity": 2, "condition": "sellable"}])
                return ret.name

            try:
                return retrying(partial(receive), env)
            except UserError as error:
                cr.rollback()
                return str(error)

    def test_two_clerks_return_the_same_goods_at_once(self):
        ids, code = committed_ready_order(self.registry, "Ret", users=2, qty=2)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["sale.order"].browse(ids["order"])._cc_hand_over(code)
        barrier = threading.Barrier(2)
        outcomes = []

        def clerk(uid):
            barrier.wait(timeout=30)
            outcomes.append(self._receive(ids, uid))

        threads = [threading.Thread(target=clerk, args=(uid,)) for uid in ids["users"]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(len(outcomes), 2, outcomes)
        self.assertEqual(len([o for o in outcomes if o.startswith("RET/")]), 1, outcomes)
        self.assertEqual(len([o for o in outcomes if "2 coming back, but only 0 may" in o]), 1, outcomes)
        with self.registry.cursor() as cr:
            order = api.Environment(cr, api.SUPERUSER_ID, {})["sale.order"].browse(ids["order"])
            self.assertEqual(len(order.cc_return_ids), 1)
            self.assertEqual(order.order_line.qty_delivered, 0)
            self.assertEqual(order.cc_return_state, "returned")
            product = order.order_line.product_id
            self.assertEqual(product.with_context(warehouse_id=ids["store"]).qty_available, 10, "back once")


@tagged("post_install", "-at_install")
class TestReturnMessages(ReturnsCommon, HttpCase):
    """The customer hears of the return received and of the refund (email and SMS, switched
    per web shop), and sees the returns on the tracking page."""

    def _sent(self, order, step):
        order.cc_notification_ids.filtered(lambda n: n.state == "pending")._cc_send()
        notifications = order.cc_notification_ids.filtered(lambda n: n.step == step).sorted("id")
        self.assertTrue(notifications, f"a {step} message was queued")
        messages = notifications[-1].message_ids
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", messages.ids)])
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "in", messages.ids)])
        return notifications, mail, sms

    def test_return_received_then_refunded(self):
        order = self._collected(lines=[(self.product_1, 2), (self.product_2, 1)])
        first = self._receive(order, {self.product_1: 1}, user=self.user_store_b, store=self.store_b)
        second = self._receive(order, {self.product_2: 1})
        notifications, mail, sms = self._sent(order, "return_received")
        self.assertEqual(len(notifications), 2, "one message per return")
        self.assertEqual(notifications.event_id.return_id, first | second)
        self.assertIn(second.name, mail.body_html, "each message names its own return")
        times = "\N{MULTIPLICATION SIGN}"
        self.assertIn(f"1 {times} CC Test Bag", mail.body_html.replace("&#215;", times))
        self.assertIn("Test Store A", mail.body_html)
        self.assertIn("We will refund", mail.body_html)
        self.assertRegex(mail.body_html, r"\$(\xa0|&nbsp;)30\.00")
        self.assertIn("Test Store A received what you returned of your order", sms.body)
        self.assertIn(order.name, mail.subject)
        first_mail = self.env["mail.mail"].sudo().search([
            ("mail_message_id", "in", notifications[0].message_ids.ids)])
        self.assertIn("Test Store B", first_mail.body_html)
        self.assertIn("CC Test Shoe", first_mail.body_html)

        first.with_user(self.user_manager).action_cc_mark_refunded("TRF-9")
        notifications, mail, sms = self._sent(order, "refunded")
        self.assertEqual(notifications.event_id.return_id, first)
        self.assertRegex(mail.body_html, r"We refunded <strong>\$(\xa0|&nbsp;)50\.00</strong>")
        self.assertIn(first.name, mail.body_html)
        self.assertIn("we refunded $\xa050.00 for what you returned", sms.body)

    def test_switched_off_per_web_shop(self):
        self.web_shop.notification_setting_ids.filtered(lambda s: s.step == "return_received").write(
            {"email": False, "sms": False})
        order = self._collected()
        self._receive(order, {self.product_1: 1})
        notifications, mail, sms = self._sent(order, "return_received")
        self.assertFalse(mail)
        self.assertFalse(sms)
        self.assertEqual(notifications.email_result, "off")

    def test_the_tracking_page_shows_the_returns(self):
        order = self._collected(lines=[(self.product_1, 2)])
        ret = self._receive(order, {self.product_1: 1}, user=self.user_store_b, store=self.store_b)
        token = order.sudo().cc_tracking_token
        response = self.url_open(f"/order/track/{order.id}?token={token}", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        for value in ("Returns", ret.name, "Received at <span>Test Store B</span>", 'data-state="received"', "Refund:",
                      "<span>1</span> \N{MULTIPLICATION SIGN} <span>CC Test Shoe</span>"):
            self.assertIn(value, response.text)


@tagged("post_install", "-at_install")
class TestReturnTour(ReturnsCommon, HttpCase):
    """A clerk of store B receives, in a real browser, goods of an order store A handed over."""

    def test_receive_a_return_tour(self):
        order = self._collected()
        order.name = "CCRET1"
        self.start_tour("/odoo/click-collect-return", "click_collect_return_receive", login=self.user_store_b.login)
        ret = order.cc_return_ids
        self.assertRecordValues(ret, [{"state": "received", "store_id": self.store_b.id, "amount_total": 50.0,
                                       "reason_note": "Too small", "user_id": self.user_store_b.id}])
        self.assertOnHand(self.product_1, {"S": 98, "B": 101, "C": 100}, "one shoe back at B")
