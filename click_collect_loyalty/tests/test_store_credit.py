from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.click_collect.tests.test_returns import ReturnsCommon
from odoo.addons.click_collect_loyalty import uninstall_hook


@tagged("post_install", "-at_install")
class TestStoreCredit(ReturnsCommon):
    """Returns of a web shop whose policy pays back in store credit: a gift card (Odoo's own
    gift card program) or the customer's eWallet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gift_cards = cls.env.ref("loyalty.gift_card_program")
        cls.gift_cards.company_id = cls.env.company
        cls.ewallets = cls.env["loyalty.program"].browse(
            cls.env["loyalty.program"].create_from_template("ewallet")["res_id"])
        cls.ewallets.company_id = cls.env.company
        cls.web_shop.write({"cc_return_refund_mode": "store_credit", "cc_return_credit_program_id": cls.gift_cards.id})

    def _invoiced(self, lines=None):
        order = self._collected(lines=lines)
        invoice = order._create_invoices()
        invoice.action_post()
        return order, invoice

    def _sent(self, order, step):
        """The email and SMS of the customer message of ``step`` (sent now)."""
        order.cc_notification_ids.filtered(lambda n: n.state == "pending")._cc_send()
        messages = order.cc_notification_ids.filtered(lambda n: n.step == step).sorted("id")[-1:].message_ids
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", messages.ids)])
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "in", messages.ids)])
        return mail, sms

    def test_a_return_refunded_as_a_new_gift_card(self):
        order, invoice = self._invoiced()
        self.assertEqual(invoice.payment_state, "paid", "the customer paid the order")
        cards_before = self.env["loyalty.card"].search([("program_id", "=", self.gift_cards.id)])
        ret = self._receive(order, {self.product_1: 1})
        self.assertRecordValues(ret, [{"state": "refunded", "refund_mode": "store_credit", "amount_total": 50.0,
                                       "refund_reference": "Gift Cards"}])
        ret = ret.sudo()
        card = ret.loyalty_card_id
        self.assertEqual(self.env["loyalty.card"].search([("program_id", "=", self.gift_cards.id)]) - cards_before,
                         card, "one new gift card")
        self.assertRecordValues(card, [{"program_id": self.gift_cards.id, "partner_id": self.customer.id,
                                        "points": 50.0}])
        self.assertRecordValues(card.history_ids, [{
            "issued": 50.0, "used": 0.0, "order_model": "sale.order", "order_id": order.id,
            "description": f"Refund of return {ret.name} of {order.name}",
        }])
        # the store credit is sold to the customer for what the credit note owes them
        credit_note, credit = ret.credit_note_id, ret.credit_invoice_id
        self.assertRecordValues(credit, [{"move_type": "out_invoice", "state": "posted", "amount_total": 50.0,
                                          "amount_tax": 0.0, "partner_id": order.partner_invoice_id.id,
                                          "amount_residual": 0.0}])
        self.assertEqual(credit.invoice_line_ids.product_id, self.gift_cards.trigger_product_ids[:1])
        self.assertEqual(credit_note.amount_total, 50.0)
        self.assertEqual(credit_note.amount_residual, 0.0, "nothing is owed to the customer any more")
        reconciled = (credit_note | credit).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")
        self.assertEqual(len(reconciled.full_reconcile_id), 1, "the credit note is settled by the store credit")
        self.assertEqual(len(reconciled.full_reconcile_id.reconciled_line_ids), 2)
        self.assertFalse(ret.activity_ids, "nothing for the back office to refund")
        self.assertFalse(ret.payment_id, "no money left the shop")
        with self.assertRaisesRegex(UserError, "only a received return waiting for its refund"):
            ret.with_user(self.user_manager).action_cc_mark_refunded("TRF-1")
        # the timeline: received, then refunded, by the clerk at their store
        events = order.cc_event_ids.filtered("return_id").sorted("id")
        self.assertEqual(len(events), 2)
        self.assertIn("50.00 refunded (Gift Cards)", events[-1].note)
        self.assertRecordValues(events[-1], [{"user_id": self.user_store_a.id, "store_id": self.store_a.id}])
        # the customer gets the card's code from the program's own email, and the refund message
        code_mail = self.env["mail.mail"].sudo().search([("model", "=", "loyalty.card"), ("res_id", "=", card.id)])
        self.assertEqual(len(code_mail), 1)
        self.assertIn(card.code, code_mail.body_html)
        self.assertEqual(code_mail.recipient_ids, self.customer)
        mail, sms = self._sent(order, "refunded")
        self.assertIn("as a gift card (its code comes in a separate email)", mail.body_html)
        self.assertNotIn(card.code, mail.body_html, "the code goes in the program's email only")
        self.assertIn("as a gift card (its code comes in a separate email) for what you returned", sms.body)
        # the rest comes back later: another card
        second = self._receive(order, {self.product_1: 1}).sudo()
        self.assertNotEqual(second.loyalty_card_id, card)
        self.assertEqual(second.loyalty_card_id.points, 50.0)
        self.assertEqual(order.cc_return_state, "returned")

    def test_the_ewallet_of_the_customer_is_topped_up(self):
        self.web_shop.cc_return_credit_program_id = self.ewallets
        wallet = self.env["loyalty.card"].create({"program_id": self.ewallets.id, "partner_id": self.customer.id,
                                                  "points": 5.0})
        order = self._collected()
        first = self._receive(order, {self.product_1: 1}).sudo()
        second = self._receive(order, {self.product_1: 1}, user=self.user_store_b, store=self.store_b).sudo()
        self.assertEqual(first.loyalty_card_id | second.loyalty_card_id, wallet, "the customer's one eWallet")
        self.assertEqual(wallet.points, 105.0)
        refunds = wallet.history_ids.filtered(lambda h: h.description.startswith("Refund of return"))
        self.assertEqual(refunds.mapped("description"), [f"Refund of return {second.name} of {order.name}",
                                                         f"Refund of return {first.name} of {order.name}"])
        self.assertEqual(refunds.mapped("issued"), [50.0, 50.0])
        self.assertEqual(set(refunds.mapped("order_id")), {order.id})
        mail, sms = self._sent(order, "refunded")
        self.assertIn("to your eWallet", mail.body_html)
        self.assertIn("to your eWallet for what you returned", sms.body)
        # an order that was not invoiced: the store credit settles what the customer paid
        for ret in first | second:
            self.assertFalse(ret.credit_note_id)
            self.assertEqual(ret.credit_invoice_id.amount_residual, 0.0)
        payment_lines = order.transaction_ids.payment_id.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")
        self.assertTrue(payment_lines.reconciled, "the order's payment paid for the store credit")

    def test_a_new_customer_gets_an_ewallet(self):
        self.web_shop.cc_return_credit_program_id = self.ewallets
        order = self._collected()
        ret = self._receive(order, {self.product_1: 2}).sudo()
        self.assertRecordValues(ret.loyalty_card_id, [{"program_id": self.ewallets.id, "partner_id": self.customer.id,
                                                       "points": 100.0}])

    def test_free_goods_come_back_without_a_card(self):
        free = self.env["product.product"].create({"name": "CC Free Sample", "type": "consu", "is_storable": True,
                                                   "list_price": 0.0})
        self.env["stock.quant"]._update_available_quantity(free, self.store_a.lot_stock_id, 10)
        order = self._collected(lines=[(self.product_1, 1), (free, 1)])
        order.order_line.filtered(lambda line: line.product_id == free).price_unit = 0.0
        ret = self._receive(order, {free: 1}).sudo()
        self.assertEqual(ret.state, "closed", "nothing to refund")
        self.assertFalse(ret.loyalty_card_id)
        self.assertFalse(ret.credit_invoice_id)

    def test_the_store_clerk_needs_no_loyalty_rights(self):
        """The flow issues the credit; the clerk neither reads the card nor writes cards."""
        self.assertFalse(self.user_store_a.has_group("sales_team.group_sale_salesman"))
        order = self._collected()
        ret = self._receive(order, {self.product_1: 1})
        self.assertEqual(ret.state, "refunded")
        with self.assertRaises(AccessError):
            ret.with_user(self.user_store_a).read(["loyalty_card_id"])
        with self.assertRaises(AccessError):
            self.env["loyalty.card"].with_user(self.user_store_a).browse(ret.sudo().loyalty_card_id.id).read(["code"])
        self.assertEqual(ret.with_user(self.user_manager).loyalty_card_id, ret.sudo().loyalty_card_id,
                         "a web-order manager sees which card")

    def test_a_policy_without_a_program_is_refused(self):
        no_program = "choose its gift card or eWallet program"
        with self.assertRaisesRegex(ValidationError, no_program), self.env.cr.savepoint():
            self.web_shop.cc_return_credit_program_id = False
        coupons = self.env["loyalty.program"].create({"name": "CC Coupons", "program_type": "coupons"})
        with self.assertRaisesRegex(ValidationError, "is not a gift card or eWallet program"), self.env.cr.savepoint():
            self.web_shop.cc_return_credit_program_id = coupons
        other = self.env["res.company"].create({"name": "CC Other Company"})
        theirs = self.ewallets.copy({"company_id": other.id})
        with self.assertRaisesRegex(ValidationError, "belongs to CC Other Company"), self.env.cr.savepoint():
            self.web_shop.cc_return_credit_program_id = theirs
        with self.assertRaisesRegex(ValidationError, no_program), self.env.cr.savepoint():
            self.env.company.cc_return_refund_mode = "store_credit"
        self.env.company.write({"cc_return_refund_mode": "store_credit",
                                "cc_return_credit_program_id": self.ewallets.id})

    def test_an_archived_program_refuses_the_return_and_books_nothing(self):
        order = self._collected()
        self.gift_cards.active = False
        with self.assertRaisesRegex(UserError, "Test Shop refunds returns in store credit but has no active"), \
                self.env.cr.savepoint():
            self._receive(order, {self.product_1: 1})
        self.assertFalse(order.sudo().cc_return_ids, "nothing received")
        self.assertOnHand(self.product_1, {"S": 98, "B": 100, "C": 100}, "the goods did not come back")

    def test_orders_of_other_shops_keep_their_policy(self):
        order = self._collected(shop=self.turnover_shop)
        ret = self._receive(order, {self.product_1: 1}).sudo()
        self.assertRecordValues(ret, [{"refund_mode": "owed", "state": "received"}])
        self.assertFalse(ret.loyalty_card_id)
        self.assertEqual(len(ret.activity_ids), 1, "the back office refunds it")

    def test_the_return_screen_pays_back_in_store_credit(self):
        """The back office's return screen, as a store clerk."""
        order = self._collected()
        form = Form(self.env["click_collect.return.receive"].with_user(self.user_store_a))
        form.code = order.name
        wizard = form.save()
        wizard.action_find()
        self.assertIn("Store credit", wizard.policy)
        with Form(wizard) as form:
            with form.line_ids.edit(0) as line:
                line.quantity = 1
            form.reason_id = self.reason
        action = wizard.action_receive()
        ret = self.env["click_collect.return"].browse(action["res_id"]).sudo()
        self.assertRecordValues(ret, [{"state": "refunded", "refund_mode": "store_credit", "channel": "backoffice"}])
        self.assertEqual(ret.loyalty_card_id.points, 50.0)
        self.assertTrue(ret.credit_invoice_id)
        self.assertEqual(order.order_line.mapped("qty_delivered"), [1.0])

    def test_uninstalled_the_policies_refund_through_the_back_office(self):
        self.env.company.write({"cc_return_refund_mode": "store_credit",
                                "cc_return_credit_program_id": self.gift_cards.id})
        uninstall_hook(self.env)
        self.assertEqual(self.web_shop.cc_return_refund_mode, "owed")
        self.assertEqual(self.env.company.cc_return_refund_mode, "owed")
