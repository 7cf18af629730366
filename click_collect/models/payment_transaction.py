from odoo import fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    cc_registered_by_id = fields.Many2one(
        "res.users", string="Registered By", readonly=True, ondelete="restrict",
        help="The person who registered this payment for a web order (transfer received, "
             "paid at the counter, cash on delivery collected).",
    )
    cc_payment_date = fields.Date(string="Payment Date", readonly=True)
    cc_journal_id = fields.Many2one(
        "account.journal", string="Registered In", readonly=True, ondelete="restrict",
        help="The bank or cash journal the registered payment is booked in.",
    )

    def _create_payment(self, **extra_create_values):
        """Book a registered payment in the journal chosen by the person who registered it,
        on the day the money was received."""
        if self.cc_registered_by_id:
            if self.cc_payment_date:
                extra_create_values.setdefault("date", self.cc_payment_date)
            if self.cc_journal_id:
                method_line = self.cc_journal_id.inbound_payment_method_line_ids.filtered(
                    lambda line: line.payment_provider_id == self.provider_id
                )[:1] or self.cc_journal_id.inbound_payment_method_line_ids.filtered(
                    lambda line: line.code == "manual"
                )[:1] or self.cc_journal_id.inbound_payment_method_line_ids[:1]
                extra_create_values.setdefault("journal_id", self.cc_journal_id.id)
                extra_create_values.setdefault("payment_method_line_id", method_line.id)
        return super()._create_payment(**extra_create_values)
