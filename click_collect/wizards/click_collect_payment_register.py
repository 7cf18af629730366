from odoo import api, fields, models

from .. import const


class ClickCollectPaymentRegister(models.TransientModel):
    """Register money received for a web order: a bank transfer that arrived, cash or card at
    the store's counter, cash on delivery collected."""

    _name = "click_collect.payment.register"
    _inherit = ["click_collect.order.wizard"]
    _description = "Register a Web Order Payment"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    method = fields.Selection(
        [(m, label) for m, label in const.PAYMENT_METHODS if m in const.METHOD_CUSTOM_MODE],
        string="Paid By", required=True,
        compute="_compute_method", store=True, readonly=False, precompute=True,
    )
    amount = fields.Monetary(required=True, compute="_compute_amount", store=True, readonly=False, precompute=True)
    journal_id = fields.Many2one(
        "account.journal", string="Received In", required=True,
        compute="_compute_journal_id", store=True, readonly=False, precompute=True,
        compute_sudo=False,  # the journals the user may book into, not the superuser's
        domain="[('id', 'in', allowed_journal_ids)]",
    )
    allowed_journal_ids = fields.Many2many("account.journal", compute="_compute_allowed_journal_ids")
    journal_type = fields.Selection(related="journal_id.type")
    company_id = fields.Many2one(related="order_id.company_id")
    reference = fields.Char(help="Bank statement, receipt or slip reference (optional for cash).")
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", string="Registered By", default=lambda self: self.env.user, readonly=True)

    @api.depends("order_id")
    def _compute_method(self):
        for wizard in self:
            method = wizard.order_id.cc_payment_method
            wizard.method = method if method in const.METHOD_CUSTOM_MODE else "transfer"

    @api.depends("order_id", "method")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = wizard.order_id._cc_default_payment_journal(wizard.method)

    @api.depends("order_id")
    def _compute_allowed_journal_ids(self):
        for wizard in self:
            order = wizard.order_id
            if order._cc_payment_journals_limited():
                wizard.allowed_journal_ids = order.cc_store_id._cc_payment_journals()
            else:
                wizard.allowed_journal_ids = self.env["account.journal"].search([
                    ("type", "in", ("bank", "cash")), ("company_id", "=", order.company_id.id),
                ])

    @api.depends("order_id")
    def _compute_amount(self):
        for wizard in self:
            order = wizard.order_id
            wizard.amount = order._cc_amount_due() if order else 0.0

    def action_register(self):
        self.ensure_one()
        self.order_id._cc_register_payment(
            self.amount, self.reference, date=self.date, method=self.method, journal=self.journal_id,
        )
        return {"type": "ir.actions.act_window_close"}
