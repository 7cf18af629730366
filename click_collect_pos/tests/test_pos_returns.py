from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.click_collect_pos import uninstall_hook

from .common_pos import ClickCollectPosCommon


@tagged("post_install", "-at_install")
class TestPosReturns(ClickCollectPosCommon):
    """Goods of a web order coming back at a point of sale, the customer paid back from the
    till: Odoo's refund order in the open session, linked to the order's lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.cc_return_refund_mode = "till"
        cls.reason = cls.env.ref("click_collect.return_reason_size")
        cls.cash = cls.pos_config.payment_method_ids.filtered("is_cash_count")[:1]
        cls.bank = cls.pos_config.payment_method_ids.filtered(lambda m: m.type == "bank")[:1]

    def setUp(self):
        super().setUp()
        self.pos_config.with_user(self.cashier).open_ui()
        self.till = self.pos_config.current_session_id

    def _collected(self, store=None):
        """A web order of store ``store`` (B by default: not the till's), paid online by bank
        transfer, 50 + 30, collected."""
        order = self._order(method="transfer", store=store or self.store_b)
        self._pay(order, method="transfer")
        for target in ("accepted", "preparing", "ready", "collected"):
            order._cc_transition(target)
        self.assertEqual(order.cc_state, "collected")
        return order

    def _line(self, order, product):
        return order.order_line.filtered(lambda line: line.product_id == product)

    def _receive(self, order, qty=1, *, user=None, method=None, **kwargs):
        lines = [{"sale_line_id": self._line(order, self.product_1).id, "quantity": qty, "condition": "sellable"}]
        return self.pos_config.with_user(user or self.cashier).cc_return_receive(
            order.id, lines, reason_id=self.reason.id, payment_method_id=(method or self.cash).id, **kwargs)

    def _on_hand(self, product, store):
        return self.env["stock.quant"]._get_available_quantity(product, store.lot_stock_id)

    def test_uninstalled_the_policies_refund_through_the_back_office(self):
        shop = self.env["click_collect.web.shop"].create({"name": "Till Shop", "code": "TILLS",
                                                          "cc_return_refund_mode": "till"})
        uninstall_hook(self.env)
        self.assertEqual((shop.cc_return_refund_mode, self.company.cc_return_refund_mode), ("owed", "owed"))

    def test_find_at_any_store_of_the_company(self):
        order = self._collected()
        found = self.pos_config.with_user(self.cashier).cc_return_find(order.name)
        self.assertEqual(found["order_id"], order.id)
        self.assertEqual(found["refund_mode"], "till")
        self.assertIn(self.cash.id, [m["id"] for m in found["payment_methods"]])
        self.assertEqual({line["product"]: line["returnable"] for line in found["lines"]},
                         {"CC Test Shoe": 1.0, "CC Test Bag": 1.0})
        self.assertIn(self.reason.id, [r["id"] for r in found["reasons"]])
        self.assertFalse(found["late"])
        by_email = self.pos_config.with_user(self.cashier).cc_return_find("customer@example.com")
        self.assertEqual(by_email["order_id"], order.id)
        not_yet = self._order(method="transfer")
        self.assertIn("only collected or delivered orders can be returned",
                      self.pos_config.with_user(self.cashier).cc_return_find(not_yet.name)["error"])
        with self.assertRaises(AccessError):
            # a store user of B, not of this point of sale's store A
            self.pos_config.with_user(self.user_store_b).cc_return_find(order.name)

    def test_till_refund_of_another_stores_order(self):
        order = self._collected()
        before = self._on_hand(self.product_1, self.store_a)
        result = self._receive(order)
        ret = self.env["click_collect.return"].browse(result["return_id"])
        pos_order = self.env["pos.order"].browse(result["pos_order_id"])
        self.assertRecordValues(ret, [{
            "state": "refunded", "refund_mode": "till", "store_id": self.store_a.id,
            "order_store_id": self.store_b.id, "channel": "pos", "amount_total": 50.0,
            "pos_order_id": pos_order.id, "refund_reference": pos_order.pos_reference,
            "credit_note_id": pos_order.account_move.id,
        }])
        # the customer's credit note (the order was not invoiced: it reverses nothing)
        self.assertRecordValues(pos_order.account_move, [{
            "move_type": "out_refund", "state": "posted", "amount_total": 50.0, "reversed_entry_id": False,
            "partner_id": order.partner_invoice_id.id,
        }])
        self.assertIn("50.00", result["message"])
        # Odoo's refund order in the till's open session, linked to the web order's line
        self.assertRecordValues(pos_order, [{
            "session_id": self.till.id, "is_refund": True, "state": "done", "amount_total": -50.0,
            "amount_paid": -50.0, "partner_id": self.customer.id, "user_id": self.cashier.id,
        }])
        self.assertRecordValues(pos_order.lines, [{
            "product_id": self.product_1.id, "qty": -1.0, "price_subtotal_incl": -50.0,
            "sale_order_origin_id": order.id, "sale_order_line_id": self._line(order, self.product_1).id,
        }])
        self.assertRecordValues(pos_order.payment_ids, [{"payment_method_id": self.cash.id, "amount": -50.0}])
        self.assertFalse(pos_order.picking_ids, "the goods come back through the order's delivery, once")
        self.assertEqual(self._on_hand(self.product_1, self.store_a), before + 1, "back in the till's store")
        line = self._line(order, self.product_1)
        self.assertEqual(line.qty_delivered, 0.0)
        # not invoiced yet: the order is invoiced for what it sold, the till's refund books the return
        self.assertEqual(line.qty_invoiced, -1.0)
        self.assertEqual(line.qty_to_invoice, 1.0)
        self.assertEqual(order.cc_return_state, "partial")
        self.assertFalse(ret.activity_ids, "nothing left for the back office to pay")
        events = order.cc_event_ids.filtered(lambda e: e.return_id == ret).sorted("id")
        self.assertEqual(events.mapped("channel"), ["pos", "pos"])
        self.assertEqual(events.pos_config_id, self.pos_config)
        self.assertIn("refunded", events[-1].note)
        # the till: 50 out of the cash counted at the session's closing
        self.assertAlmostEqual(self.till.cash_register_balance_end, self.till.cash_register_balance_start - 50.0)
        self.till.post_closing_cash_details(self.till.cash_register_balance_end)
        self.assertTrue(self.till.close_session_from_ui()["successful"])
        self.assertEqual(self.till.state, "closed")
        self.assertEqual(self.till.move_id.state, "posted")

    def test_invoiced_order_refund_is_a_credit_note_of_its_invoice(self):
        order = self._collected()
        invoice = order._create_invoices()
        invoice.action_post()
        result = self._receive(order, method=self.bank)
        ret = self.env["click_collect.return"].browse(result["return_id"])
        pos_order = ret.pos_order_id
        credit_note = pos_order.account_move
        self.assertRecordValues(credit_note, [{
            "move_type": "out_refund", "state": "posted", "reversed_entry_id": invoice.id,
            "amount_total": 50.0, "partner_id": order.partner_invoice_id.id,
        }])
        self.assertEqual(ret.credit_note_id, credit_note)
        self.assertEqual(pos_order.state, "done")
        self.assertEqual(credit_note.amount_residual, 0.0, "the till's payment settles it")
        line = self._line(order, self.product_1)
        self.assertEqual(line.qty_invoiced, 0.0)
        self.assertEqual(line.qty_to_invoice, 0.0)
        self.assertEqual(self.env["account.move"].search_count(
            [("reversed_entry_id", "=", invoice.id)]), 1, "one credit note, not one per addon")

    def test_discounts_are_paid_back_once(self):
        """Shoe 50 + bag 30 less an 8 discount (the customer paid 90%): the shoe comes back for
        45 from the till, and the order, invoiced afterwards, keeps its whole discount."""
        order = self._order(method="transfer", store=self.store_b, confirm=False)
        discount = self.env["product.product"].create({"name": "CC Discount", "type": "service"})
        order.order_line = [Command.create({"product_id": discount.id, "price_unit": -8.0, "tax_ids": []})]
        order.action_confirm()
        self._pay(order, method="transfer")
        for target in ("accepted", "preparing", "ready", "collected"):
            order._cc_transition(target)
        result = self._receive(order)
        pos_order = self.env["pos.order"].browse(result["pos_order_id"])
        self.assertEqual(pos_order.amount_total, -45.0)
        self.assertEqual(self.env["click_collect.return"].browse(result["return_id"]).amount_total, 45.0)
        invoice = order._create_invoices()
        self.assertEqual(invoice.amount_total, 72.0, "sold 80 less 8; the till's credit note gave 45 back")
        self.assertEqual(pos_order.account_move.amount_total, 45.0)

    def test_refund_of_the_pos_order_that_paid_a_web_order_is_refused(self):
        """The POS order that took a pay-at-store order's money is not refunded (it would pay
        back without the goods, the window or earlier returns): the goods come back by Return."""
        order = self._order(method="pay_at_store")
        pos_order = self.env["pos.order"].create(self._cart_values(self.till, order))
        pos_order.add_payment({"pos_order_id": pos_order.id, "amount": 80.0, "payment_method_id": self.cash.id})
        pos_order._process_saved_order(False)
        self.assertEqual(order.cc_payment_state, "paid")
        refund = pos_order.with_user(self.cashier)._refund()
        refund.add_payment({"pos_order_id": refund.id, "amount": refund.amount_total,
                            "payment_method_id": self.cash.id})
        with self.assertRaisesRegex(UserError, "come back with Return on the web-orders screen"):
            refund.with_user(self.cashier)._process_saved_order(False)

    def test_hostile_arguments_and_context(self):
        order = self._collected()
        line = self._line(order, self.product_1)
        pos = self.pos_config.with_user(self.cashier)
        for kwargs in ({"reason_id": [1, 2]}, {"note": 5}, {"return_id": "x"}, {"late_reason": ["a"]},
                       {"payment_method_id": True}):
            with self.subTest(kwargs=kwargs), self.assertRaisesRegex(UserError, "Invalid"):
                pos.cc_return_receive(order.id, [{"sale_line_id": line.id, "quantity": 1}],
                                      **{"payment_method_id": self.cash.id, **kwargs})
        with self.assertRaisesRegex(UserError, "Invalid order"):
            pos.cc_return_receive(str(order.id), [], payment_method_id=self.cash.id)
        with self.assertRaisesRegex(UserError, "Invalid lines"):
            pos.cc_return_receive(order.id, "lines", payment_method_id=self.cash.id)
        # the client's context sets nothing on the refund nor its payment
        result = pos.with_context(default_shipping_date="2030-01-01", default_amount=999.0, default_state="cancel",
                                  default_user_id=self.env.uid).cc_return_receive(
            order.id, [{"sale_line_id": line.id, "quantity": 1}], payment_method_id=self.cash.id)
        pos_order = self.env["pos.order"].browse(result["pos_order_id"])
        self.assertRecordValues(pos_order, [{"shipping_date": False, "user_id": self.cashier.id,
                                             "amount_paid": -50.0}])
        self.assertEqual(pos_order.payment_ids.amount, -50.0)

    def test_order_in_another_currency_is_refunded_by_the_back_office(self):
        other = self.env.ref("base.EUR") if self.company.currency_id != self.env.ref("base.EUR") \
            else self.env.ref("base.USD")
        other.active = True
        self.pricelist.currency_id = other
        order = self._collected()
        self.assertEqual(order.currency_id, other)
        with self.assertRaisesRegex(UserError, f"was paid in {other.name}"):
            self._receive(order)
        self.assertFalse(order.sudo().cc_return_ids, "nothing received: the customer is told at the till")

    def test_policy_without_till_leaves_the_refund_to_the_back_office(self):
        self.company.cc_return_refund_mode = "owed"
        order = self._collected()
        self.assertEqual(self.pos_config.with_user(self.cashier).cc_return_find(order.name)["payment_methods"], [])
        result = self._receive(order)
        ret = self.env["click_collect.return"].browse(result["return_id"])
        self.assertRecordValues(ret, [{"state": "received", "refund_mode": "owed", "pos_order_id": False}])
        self.assertFalse(result["pos_order_id"])
        self.assertTrue(ret.activity_ids)

    def test_till_policy_received_in_the_back_office_is_owed(self):
        order = self._collected(store=self.store_a)
        line = self._line(order, self.product_1)
        ret = order.with_user(self.user_store_a)._cc_receive_return(
            self.store_a, [{"sale_line_id": line.id, "quantity": 1, "condition": "sellable"}])
        self.assertEqual(ret.sudo().refund_mode, "owed", "no till paid the customer back")

    def test_refusals(self):
        order = self._collected()
        other = self.env["pos.payment.method"].create({
            "name": "Other till's card", "journal_id": self.bank.journal_id.id,
        })
        for method, message in ((other, "Choose how"), (self.env["pos.payment.method"], "Choose how")):
            with self.subTest(method=method.name), self.assertRaisesRegex(UserError, message):
                self.pos_config.with_user(self.cashier).cc_return_receive(
                    order.id, [{"sale_line_id": self._line(order, self.product_1).id, "quantity": 1}],
                    payment_method_id=method.id)
        with self.assertRaisesRegex(UserError, "only 1 may"):
            self._receive(order, qty=2)
        with self.assertRaises(AccessError):
            self._receive(order, user=self.user_store_b)
        # a clerk of store A who is no cashier takes no money out of its till
        with self.assertRaises(AccessError):
            self._receive(order, user=self.user_store_a)
        plain = self.env["sale.order"].create({"partner_id": self.customer.id, "order_line": [
            Command.create({"product_id": self.product_1.id})]})
        for order_id in (plain.id, 10**9):
            with self.subTest(order_id=order_id), self.assertRaisesRegex(UserError, "Order could not be found"):
                self.pos_config.with_user(self.cashier).cc_return_receive(order_id, [], payment_method_id=self.cash.id)
        self._receive(order)
        with self.assertRaisesRegex(UserError, "1 coming back, but only 0 may"):
            self._receive(order)
        self.till.post_closing_cash_details(self.till.cash_register_balance_end)
        self.till.close_session_from_ui()
        with self.assertRaisesRegex(UserError, "Open the session"):
            self._receive(self._collected())

    def test_tour_return_paid_back_in_cash(self):
        """The cashier of store A finds store B's order by the customer's email, takes one shoe
        back damaged and pays it back in cash."""
        order = self._collected()
        order.name = "CCPOS-RET"
        self.start_pos_tour("click_collect_pos_return", login=self.cashier.login, pos_config=self.pos_config)
        ret = order.sudo().cc_return_ids
        self.assertRecordValues(ret, [{
            "state": "refunded", "refund_mode": "till", "store_id": self.store_a.id, "amount_total": 50.0,
            "reason_note": "Sole came off",
        }])
        self.assertEqual(ret.line_ids.condition, "damaged")
        self.assertRecordValues(ret.pos_order_id.payment_ids, [{"payment_method_id": self.cash.id, "amount": -50.0}])
