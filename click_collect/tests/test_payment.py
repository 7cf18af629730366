from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestPaymentRules(ClickCollectCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Provider = cls.env["payment.provider"]
        def custom(mode):
            return Provider.search([("code", "=", "custom"), ("custom_mode", "=", mode)], limit=1)
        cls.provider_transfer = custom("wire_transfer")
        cls.provider_on_site = custom("on_site")
        cls.provider_cod = custom("cash_on_delivery")

    def _provider_tx(self, order, provider, *, state="pending", amount=None):
        """A transaction as the payment provider creates it (customer checkout)."""
        Tx = self.env["payment.transaction"]
        tx = Tx.create({
            "provider_id": provider.id,
            "payment_method_id": self.env["sale.order"]._cc_provider_payment_method(provider).id,
            "reference": Tx._compute_reference(provider.code, prefix=order.name),
            "amount": order.amount_total if amount is None else amount,
            "currency_id": order.currency_id.id,
            "partner_id": order.partner_id.id,
            "sale_order_ids": [Command.set(order.ids)],
        })
        if state == "done":
            tx._set_done()
        elif state == "pending":
            tx._set_pending()
        return tx

    def test_transfer_unpaid_is_refused(self):
        order = self._order(method="transfer")
        with self.assertRaises(UserError) as error:
            order._cc_transition("accepted")
        message = str(error.exception)
        self.assertIn(order.name, message)
        self.assertIn("Bank transfer", message)
        self.assertIn("New", message)
        self.assertEqual(order.cc_state, "new")

    def test_transfer_paid_is_accepted_and_payment_recorded(self):
        order = self._order(method="transfer")
        self.assertEqual(order.cc_payment_state, "unpaid")
        payment_day = fields.Date.from_string("2026-11-20")
        tx = order.with_user(self.user_store_a)._cc_register_payment(
            order.amount_total, " BE-STMT-0042 ", date=payment_day)
        self.assertRecordValues(tx, [{
            "state": "done", "amount": 80.0, "provider_reference": "BE-STMT-0042",
            "cc_registered_by_id": self.user_store_a.id, "cc_payment_date": payment_day,
            "provider_id": self.provider_transfer.id,
        }])
        self.assertTrue(tx.payment_id, "Odoo books an account.payment for the transaction")
        self.assertEqual(tx.payment_id.date, payment_day)
        self.assertIn("BE-STMT-0042", tx.payment_id.memo)
        self.assertEqual(tx.payment_id.amount, 80.0)
        self.assertEqual(order.cc_amount_paid, 80.0)
        self.assertEqual(order.cc_payment_state, "paid")
        self.assertEqual(order.cc_payment_method, "transfer", "registering a payment keeps the method")
        order._cc_transition("accepted")
        self.assertEqual(order.cc_state, "accepted")
        self.assertTrue(order.message_ids.filtered(lambda m: "BE-STMT-0042" in (m.body or "")))

    def test_partial_transfer_is_refused(self):
        order = self._order(method="transfer")
        self._pay(order, method="transfer", amount=30.0)
        self.assertEqual(order.cc_payment_state, "partial")
        with self.assertRaisesRegex(UserError, "only"):
            order._cc_transition("accepted")
        self._pay(order, method="transfer", amount=50.0, reference="BANK-43")
        order._cc_transition("accepted")

    def test_cod_and_pay_at_store_accepted_unpaid(self):
        for method, fulfilment in (("cod", "ship"), ("pay_at_store", "pickup")):
            with self.subTest(method=method):
                order = self._order(fulfilment, method=method)
                order._cc_transition("accepted")
                self.assertEqual(order.cc_state, "accepted")
                self.assertEqual(order.cc_payment_state, "unpaid")

    def test_online_and_payment_link(self):
        for method in ("online", "payment_link"):
            with self.subTest(method=method):
                order = self._order(method=method)
                with self.assertRaises(UserError):
                    order._cc_transition("accepted")
        order = self._order(method="online")
        # an online provider confirms the payment (no person registers it)
        self._provider_tx(order, self.provider_transfer, state="done")
        self.assertEqual(order.cc_payment_state, "paid")
        order._cc_transition("accepted")

    def test_method_comes_from_the_provider(self):
        for provider, method in ((self.provider_transfer, "transfer"), (self.provider_on_site, "pay_at_store"),
                                 (self.provider_cod, "cod")):
            with self.subTest(method=method):
                order = self._order(method=False, confirm=False)
                self._provider_tx(order, provider, state="pending")
                self.assertEqual(order.cc_payment_method, method)
                self.assertEqual(order.cc_payment_state, "unpaid", "a pending transaction is no money")

    def test_pay_on_site_done_by_provider_is_not_money(self):
        """Odoo may mark a pay-on-site transaction done: the order is not paid until the
        counter registers the money."""
        order = self._order(method="pay_at_store")
        self._provider_tx(order, self.provider_on_site, state="done")
        self.assertEqual(order.amount_paid, order.amount_total, "Odoo's own sum counts it")
        self.assertEqual(order.cc_payment_state, "unpaid")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        order._cc_transition("ready")
        with self.assertRaisesRegex(UserError, "not paid"):
            order._cc_transition("collected")
        self._pay(order, method="pay_at_store", reference="TILL-1")
        order._cc_transition("collected")

    def test_bad_payments_are_refused(self):
        order = self._order(method="transfer")
        with self.assertRaisesRegex(UserError, "positive"):
            order._cc_register_payment(0, "REF")
        with self.assertRaisesRegex(UserError, "reference"):
            order._cc_register_payment(10, "  ")
        with self.assertRaisesRegex(UserError, "payment provider itself"):
            order._cc_register_payment(10, "REF", method="online")
        self.assertFalse(order.transaction_ids)

    def test_register_payment_wizard(self):
        order = self._order(method="pay_at_store")
        self._pay(order, method="pay_at_store", amount=20.0, reference="TILL-A")
        action = order.with_user(self.user_store_a).action_cc_register_payment()
        wizard_form = Form(self.env[action["res_model"]].with_user(self.user_store_a).with_context(**action["context"]))
        self.assertEqual(wizard_form.amount, 60.0, "the amount still due")
        self.assertEqual(wizard_form.method, "pay_at_store")
        wizard_form.reference = "TILL-B"
        wizard_form.save().action_register()
        self.assertEqual(order.cc_payment_state, "paid")
        self.assertEqual(order.transaction_ids.filtered(lambda t: t.provider_reference == "TILL-B").cc_registered_by_id,
                         self.user_store_a)

    def test_register_payment_without_form(self):
        """As an RPC client creates it: the defaults come from the order."""
        if not self.env["account.journal"].search([("type", "=", "cash"), ("company_id", "=", self.company.id)]):
            self.env["account.journal"].create({"name": "Counter", "code": "CCCSH", "type": "cash"})
        order = self._order(method="pay_at_store")
        wizard = self.env["click_collect.payment.register"].with_user(self.user_store_a).create({
            "order_id": order.id, "reference": "TILL-RPC",
        })
        self.assertEqual(wizard.amount, 80.0)
        self.assertEqual(wizard.journal_id.type, "cash", "money at the counter goes to a cash journal")
        wizard.action_register()
        self.assertEqual(order.cc_payment_state, "paid")
        self.assertEqual(order.transaction_ids.payment_id.journal_id, wizard.journal_id)

    def test_store_user_cannot_pay_another_stores_order(self):
        order = self._order(store=self.store_b)
        with self.assertRaises(AccessError):
            order.with_user(self.user_store_a)._cc_register_payment(80, "TILL-X")
        self.assertFalse(order.transaction_ids)
