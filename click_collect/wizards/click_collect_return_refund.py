from odoo import api, fields, models


class ClickCollectReturnRefund(models.TransientModel):
    """The back office says how the customer of a return was paid back: the reference of the
    transfer or of the payment provider's refund, and the bank or cash journal the money left,
    where the refund payment is booked."""

    _name = "click_collect.return.refund"
    _description = "Mark a Return Refunded"

    return_id = fields.Many2one("click_collect.return", required=True, readonly=True, ondelete="cascade")
    # computed as the user, not as superuser (as related fields are): the screen shows only a
    # return the user may read
    company_id = fields.Many2one("res.company", compute="_compute_return_values", compute_sudo=False)
    currency_id = fields.Many2one("res.currency", compute="_compute_return_values", compute_sudo=False)
    amount = fields.Monetary(compute="_compute_return_values", compute_sudo=False)
    has_credit_note = fields.Boolean(compute="_compute_return_values", compute_sudo=False)
    journal_id = fields.Many2one(
        "account.journal", string="Paid From", check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="The bank or cash journal the money left: the refund payment is booked there (and settles "
             "the return's credit note). Leave it empty when the money left elsewhere, such as the web "
             "shop's payment provider.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    reference = fields.Char(help="The bank transfer's or the payment provider's reference.")

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        # whoever calls it and whatever the context: a return the user may mark refunded
        wizards.return_id._cc_check_refund_rights()
        return wizards

    @api.depends("return_id")
    def _compute_return_values(self):
        for wizard in self:
            ret = wizard.return_id
            wizard.company_id = ret.company_id
            wizard.currency_id = ret.currency_id
            wizard.amount = ret.amount_total
            wizard.has_credit_note = bool(ret.credit_note_id)

    def action_confirm(self):
        self.ensure_one()
        self.return_id.action_cc_mark_refunded(self.reference or None, journal_id=self.journal_id.id, date=self.date)
        return {"type": "ir.actions.act_window_close"}
