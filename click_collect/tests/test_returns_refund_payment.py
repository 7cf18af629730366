from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .test_returns import ReturnsCommon


@tagged("post_install", "-at_install")
class TestRefundPayment(ReturnsCommon):
    """The back office pays the customer of a return back out of a bank or cash journal: the
    refund payment is booked there and settles the return's credit note."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)
        cls.accountant = new_test_user(cls.env, "cc_test_refund_accountant", groups="account.group_account_invoice")

    def _mark_refunded(self, ret, user, **values):
        wizard = Form(self.env["click_collect.return.refund"].with_user(user).with_context(default_return_id=ret.id))
        for name, value in values.items():
            setattr(wizard, name, value)
        self.assertEqual(wizard.amount, ret.amount_total, "the screen shows what is owed")
        wizard.save().action_confirm()

    def test_the_payment_settles_the_credit_note(self):
        order = self._collected()
        invoice = order._create_invoices()
        invoice.action_post()
        ret = self._receive(order, {self.product_1: 1}).sudo()
        self.assertEqual(ret.credit_note_id.amount_total, 50.0)
        self._mark_refunded(ret, self.accountant, journal_id=self.bank, reference="TRF-7")
        self.assertRecordValues(ret, [{"state": "refunded", "refund_reference": "TRF-7"}])
        self.assertRecordValues(ret.payment_id, [{
            "payment_type": "outbound", "partner_type": "customer", "amount": 50.0, "journal_id": self.bank.id,
            "partner_id": self.customer.commercial_partner_id.id, "memo": "TRF-7",
        }])
        self.assertIn(ret.credit_note_id.payment_state, ("paid", "in_payment"), "the credit note is settled")
        self.assertEqual(ret.credit_note_id.amount_residual, 0.0)

    def test_a_credit_note_partly_settled_is_paid_what_it_still_owes(self):
        """An accountant already paid 20.00 of the credit note: the refund pays the 30.00 it
        still owes, not the return's 50.00 again; a credit note settled in full refuses a
        payment out of a journal (the money left already)."""
        order = self._collected()
        invoice = order._create_invoices()
        invoice.action_post()
        ret = self._receive(order, {self.product_1: 1}).sudo()
        credit_note = ret.credit_note_id
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=credit_note.ids,
        ).create({"journal_id": self.bank.id, "amount": 20.0})._create_payments()
        self.assertEqual(credit_note.amount_residual, 30.0)
        self._mark_refunded(ret, self.accountant, journal_id=self.bank, reference="TRF-9")
        self.assertRecordValues(ret.payment_id, [{"amount": 30.0, "memo": "TRF-9"}])
        self.assertEqual(credit_note.amount_residual, 0.0)

        order = self._collected()
        invoice = order._create_invoices()
        invoice.action_post()
        ret = self._receive(order, {self.product_1: 1}).sudo()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=ret.credit_note_id.ids,
        ).create({"journal_id": self.bank.id})._create_payments()
        payments = self.env["account.payment"].search_count([])
        with self.env.cr.savepoint(), self.assertRaisesRegex(UserError, "is already settled: mark the return"):
            ret.with_user(self.accountant).action_cc_mark_refunded("TRF-10", journal_id=self.bank.id)
        self.assertEqual(self.env["account.payment"].search_count([]), payments, "nothing paid twice")
        ret.with_user(self.accountant).action_cc_mark_refunded("TRF-10")
        self.assertRecordValues(ret, [{"state": "refunded", "payment_id": False}])

    def test_an_order_not_invoiced_gets_a_payment_on_the_customers_account(self):
        order = self._collected()
        ret = self._receive(order, {self.product_1: 1})
        self.assertFalse(ret.credit_note_id)
        self._mark_refunded(ret, self.user_manager, journal_id=self.bank)
        self.assertRecordValues(ret.payment_id, [{
            "payment_type": "outbound", "amount": 50.0, "journal_id": self.bank.id, "memo": ret.name,
            "partner_id": self.customer.commercial_partner_id.id,
        }])
        self.assertEqual(ret.sudo().payment_id.move_id.state, "posted",
                         "a web-order manager without accounting rights books it all the same")

    def test_money_refunded_outside_the_books_gets_no_payment(self):
        order = self._collected()
        invoice = order._create_invoices()
        invoice.action_post()
        ret = self._receive(order, {self.product_1: 1}).sudo()
        self._mark_refunded(ret, self.user_manager, reference="PSP-R-1")
        self.assertRecordValues(ret, [{"state": "refunded", "refund_reference": "PSP-R-1", "payment_id": False}])
        self.assertEqual(ret.credit_note_id.payment_state, "not_paid", "settled where the provider's payouts are")

    def test_refusals(self):
        order = self._collected()
        ret = self._receive(order, {self.product_1: 1})
        other = self.env["res.company"].create({"name": "CC Refund Other Co",
                                                "currency_id": self.company.currency_id.id})
        foreign_bank = self.env["account.journal"].create(
            {"name": "Other bank", "code": "OBK", "type": "bank", "company_id": other.id})
        sales = self.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", self.company.id)],
                                                   limit=1)
        as_manager = ret.with_user(self.user_manager)
        for journal_id in (foreign_bank.id, sales.id, 999999):
            with self.assertRaisesRegex(UserError, "leaves a bank or cash journal of"):
                as_manager.action_cc_mark_refunded("X", journal_id=journal_id)
        for journal_id in (str(self.bank.id), True, [self.bank.id]):
            with self.assertRaisesRegex(UserError, "Invalid journal"):
                as_manager.action_cc_mark_refunded("X", journal_id=journal_id)
        with self.assertRaisesRegex(UserError, "Invalid refund date"):
            as_manager.action_cc_mark_refunded("X", journal_id=self.bank.id, date="next tuesday")
        with self.assertRaisesRegex(UserError, "Invalid refund reference"):
            as_manager.action_cc_mark_refunded(["X"])
        with self.assertRaisesRegex(UserError, "Only a web-order manager or an accountant"):
            ret.with_user(self.user_store_manager_a).action_cc_mark_refunded("X", journal_id=self.bank.id)
        with self.assertRaises(AccessError):
            self.env["click_collect.return.refund"].with_user(self.user_store_manager_a).create(
                {"return_id": ret.id})
        self.assertRecordValues(ret, [{"state": "received", "payment_id": False}])

        as_manager.action_cc_mark_refunded("TRF-8", journal_id=self.bank.id)
        with self.assertRaisesRegex(UserError, "is Refunded: only a received return"):
            as_manager.action_cc_mark_refunded("TRF-8", journal_id=self.bank.id)
        with self.assertRaisesRegex(UserError, "is Refunded: only a received return"):
            as_manager.action_cc_open_refund()
        self.assertEqual(self.env["account.payment"].search_count([("memo", "=", "TRF-8")]), 1, "paid back once")
