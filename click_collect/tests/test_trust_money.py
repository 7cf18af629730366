from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestMoneyLandsInTheRightTill(ClickCollectCommon):
    """Each store books the money of its counter in its own till (cash journal) and bank
    journal; store staff cannot book into another store's till."""

    def _wizard(self, order, user):
        action = order.with_user(user).action_cc_register_payment()
        return Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))

    def test_counter_payment_lands_in_the_stores_till(self):
        """Attack (by accident): "Register Payment" at one store defaulted to another shop's cash
        journal and the payment was booked there."""
        Journal = self.env["account.journal"]
        # another cash journal created first, as the other shop's till would be
        Journal.create({"name": "Another Shop's Till", "code": "TOTHR", "type": "cash", "sequence": 1})
        order = self._order(method="pay_at_store", store=self.store_a)
        wizard = self._wizard(order, self.user_store_a)
        self.assertEqual(wizard.journal_id, self.store_a.cc_cash_journal_id)
        wizard.save().action_register()
        payment = order.transaction_ids.payment_id
        self.assertEqual(payment.journal_id, self.store_a.cc_cash_journal_id)
        self.assertEqual(payment.journal_id.name, "Till Test Store A")

    def test_store_user_cannot_book_into_another_stores_till(self):
        """Attack: a clerk of store A books a payment into store B's till, from the wizard or by
        calling the payment method with another journal."""
        order = self._order(method="pay_at_store", store=self.store_a)
        till_b = self.store_b.cc_cash_journal_id
        wizard = self._wizard(order, self.user_store_a)
        self.assertNotIn(till_b, wizard.allowed_journal_ids)
        wizard = self.env["click_collect.payment.register"].with_user(self.user_store_a).create({
            "order_id": order.id, "journal_id": till_b.id, "reference": "X",
        })
        with self.assertRaisesRegex(UserError, "not a journal of Test Store A"):
            wizard.action_register()
        with self.assertRaisesRegex(UserError, "not a journal of Test Store A"):
            order.with_user(self.user_store_manager_a)._cc_register_payment(
                80, "X", method="pay_at_store", journal=till_b)
        self.assertFalse(order.transaction_ids)

    def test_cash_needs_no_reference(self):
        order = self._order(method="pay_at_store")
        wizard = self._wizard(order, self.user_store_a)
        wizard.save().action_register()
        self.assertEqual(order.cc_payment_state, "paid")
        self.assertFalse(order.transaction_ids.provider_reference)
        transfer = self._order(method="transfer")
        with self.assertRaisesRegex(UserError, "needs a reference"):
            transfer.with_user(self.user_store_a)._cc_register_payment(80, " ", method="transfer")

    def test_store_without_a_till(self):
        """A store that names no till: its staff are told, nothing lands elsewhere."""
        self.store_a.cc_cash_journal_id = False
        order = self._order(method="pay_at_store")
        with self.assertRaisesRegex(UserError, "Test Store A has no journal for this payment"):
            order.with_user(self.user_store_a)._cc_register_payment(80, "", method="pay_at_store")
        self.assertFalse(order.transaction_ids)

    def test_manager_books_into_any_journal_of_the_company(self):
        order = self._order(method="pay_at_store", store=self.store_a)
        order.with_user(self.user_manager)._cc_register_payment(
            80, "", method="pay_at_store", journal=self.store_b.cc_cash_journal_id)
        self.assertEqual(order.transaction_ids.payment_id.journal_id, self.store_b.cc_cash_journal_id)
