from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

LINE_STATES = [
    ("draft", "To Match"),
    ("matched", "Matched"),
    ("reconciled", "Reconciled"),
    ("unknown", "Unknown Shipment"),
    ("amount_mismatch", "Amount Differs"),
    ("duplicate", "Twice in This Statement"),
    ("already_remitted", "Already Remitted"),
    ("not_awaiting", "Not Awaiting Cash"),
]
PROBLEM_STATES = ("unknown", "amount_mismatch", "duplicate", "already_remitted", "not_awaiting")
RECONCILERS = ("click_collect.group_manager", "account.group_account_manager")


class ClickCollectCodStatement(models.Model):
    """A courier's remittance: the cash it collected on delivery, less its fees, for a list of
    shipments. Reconciling it books one payment from the courier and closes the orders."""

    _name = "click_collect.cod.statement"
    _description = "Cash-on-Delivery Remittance"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(string="Reference", required=True, readonly=True, tracking=True,
                       help="The courier's reference of the remittance: a statement is imported once.")
    carrier_id = fields.Many2one("delivery.carrier", string="Courier", required=True, readonly=True,
                                 ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    journal_id = fields.Many2one(
        "account.journal", string="Received In", required=True, check_company=True,
        domain="[('type', '=', 'bank'), ('company_id', '=', company_id)]",
    )
    line_ids = fields.One2many("click_collect.cod.statement.line", "statement_id", string="Lines")
    payment_ids = fields.One2many("account.payment", "cc_cod_statement_id", string="Payments", readonly=True)
    state = fields.Selection(
        [("draft", "To Reconcile"), ("partial", "Problems to Resolve"), ("done", "Reconciled")],
        compute="_compute_state", store=True, tracking=True,
    )
    amount_total = fields.Monetary(string="Collected", compute="_compute_amounts", store=True)
    fee_total = fields.Monetary(string="Fees", compute="_compute_amounts", store=True)
    problem_count = fields.Integer(string="Problems", compute="_compute_state", store=True)

    _name_carrier_uniq = models.Constraint(
        "UNIQUE(carrier_id, name)", "This courier's remittance has been imported already.",
    )

    @api.depends("line_ids.amount", "line_ids.fee")
    def _compute_amounts(self):
        for statement in self:
            statement.amount_total = sum(statement.line_ids.mapped("amount"))
            statement.fee_total = sum(statement.line_ids.mapped("fee"))

    @api.depends("line_ids.state")
    def _compute_state(self):
        for statement in self:
            states = set(statement.line_ids.mapped("state"))
            statement.problem_count = len(statement.line_ids.filtered(lambda line: line.state in PROBLEM_STATES))
            if states and states <= {"reconciled"}:
                statement.state = "done"
            elif states & set(PROBLEM_STATES):
                statement.state = "partial"
            else:
                statement.state = "draft"

    def _check_reconciler(self):
        if not any(self.env.user.has_group(group) for group in RECONCILERS):
            raise AccessError(self.env._("Only web-order managers and accounting administrators reconcile "
                                "cash-on-delivery remittances."))

    def action_reconcile(self):
        """Match every line not reconciled yet, book the matched ones, list the rest."""
        self._check_reconciler()
        for statement in self:
            statement._cc_match()
            statement._cc_book()
        return True

    # ------------------------------------------------------------------ matching

    def _cc_match(self):
        """Match the lines to orders awaiting their cash: one query for all the orders."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: line.state != "reconciled").sorted("sequence")
        if not lines:
            return
        Order = self.env["sale.order"]
        refs = [ref for ref in lines.mapped("tracking_ref") if ref]
        names = [name for name in lines.mapped("order_ref") if name]
        orders = Order.search(["|", ("cc_tracking_ref", "in", refs), ("name", "in", names)])
        by_ref = {order.cc_tracking_ref: order for order in orders if order.cc_tracking_ref}
        by_name = {order.name: order for order in orders}
        remitted = set(self.env["click_collect.cod.statement.line"].search([
            ("order_id", "in", orders.ids), ("state", "=", "reconciled"),
        ]).order_id.ids)
        labels = dict(Order._fields["cc_state"]._description_selection(self.env))
        seen = set()
        for line in lines:
            order = line.order_id or by_ref.get(line.tracking_ref) or by_name.get(line.order_ref)
            values = {"order_id": order.id if order else False, "note": False}
            if not order:
                values.update(state="unknown", note=self.env._("No web order has this tracking or order number."))
            elif order.id in remitted:
                values.update(state="already_remitted", note=self.env._(
                    "%(order)s was remitted in an earlier statement.", order=order.name))
            elif order.id in seen:
                values.update(state="duplicate", note=self.env._("%(order)s is on another line of this statement.",
                                                        order=order.name))
            elif order.cc_state != "awaiting_cod":
                values.update(state="not_awaiting", note=self.env._("%(order)s is %(state)s, not awaiting its cash.",
                                                           order=order.name, state=labels.get(order.cc_state)))
            else:
                expected = sum(order._cc_cod_receivable_lines().mapped("amount_residual"))
                if order.currency_id.compare_amounts(line.amount, expected) and not line.accept_difference:
                    kind = self.env._("short") if line.amount < expected else self.env._("over")
                    values.update(state="amount_mismatch", expected_amount=expected, note=self.env._(
                        "%(kind)s payment: %(amount)s remitted, %(expected)s expected.", kind=kind,
                        amount=line.amount, expected=expected))
                else:
                    values.update(state="matched", expected_amount=expected)
            if order:
                seen.add(order.id)
            line.write(values)

    # ------------------------------------------------------------------ booking

    def _cc_book(self):
        """One payment from the courier for the matched lines: the cash collected, less the fees
        (booked as an expense), reconciled with what the courier owed for each order; the
        orders are paid and done."""
        self.ensure_one()
        matched = self.line_ids.filtered(lambda line: line.state == "matched")
        if not matched:
            return
        carrier = self.carrier_id
        partner = carrier._cc_remitting_partner()
        gross = sum(matched.mapped("amount"))
        fees = sum(matched.mapped("fee"))
        currency = self.currency_id
        # sudo: accounting records of the remittance, made for a manager or accountant checked
        # in action_reconcile.
        Payment = self.env["account.payment"].sudo()
        method_line = self.journal_id.inbound_payment_method_line_ids.filtered(lambda m: m.code == "manual")[:1] \
            or self.journal_id.inbound_payment_method_line_ids[:1]
        payment = Payment.create({
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": partner.id,
            "amount": gross - fees,
            "currency_id": currency.id,
            "journal_id": self.journal_id.id,
            "payment_method_line_id": method_line.id,
            "date": self.date,
            "memo": self.env._("Cash-on-delivery remittance %(ref)s of %(courier)s", ref=self.name,
                               courier=carrier.name),
            "cc_cod_statement_id": self.id,
            "write_off_line_vals": [{
                "name": self.env._("Courier fees, remittance %(ref)s", ref=self.name),
                "account_id": carrier._cc_fee_account().id,
                "partner_id": partner.id,
                "currency_id": currency.id,
                "amount_currency": fees,
                "balance": fees,
            }] if not currency.is_zero(fees) else [],
        })
        payment.action_post()
        owed = matched.order_id._cc_cod_receivable_lines()
        credit = payment.move_id.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        (credit | owed).reconcile()

        # the orders are paid: one registered transaction each, booked by the payment above
        # (sudo: payment providers and transactions are the system's; the reconciler's right on
        # the statement was checked by the action)
        provider = self.env["payment.provider"].sudo().search(
            [("code", "=", "custom"), ("custom_mode", "=", "cash_on_delivery"),
             ("company_id", "=", self.company_id.id)], limit=1)
        if not provider:
            raise UserError(self.env._("No cash-on-delivery payment provider in %(company)s.",
                                       company=self.company_id.name))
        method = self.env["sale.order"]._cc_provider_payment_method(provider)
        txs = self.env["payment.transaction"].sudo().create([
            line.order_id._cc_transaction_values(
                provider, line.amount, provider_reference=self.name, payment_method=method, date=self.date,
                reference=f"{line.order_id.name}-COD-{self.id}-{line.id}", payment_id=payment.id,
                currency_id=currency.id, partner_id=partner.id,
            )
            for line in matched
        ])
        txs._set_done()
        matched.write({"state": "reconciled", "payment_id": payment.id})
        paid = matched.order_id.filtered(lambda o: o.cc_payment_state == "paid")
        if paid:
            # The flow's group check (a store manager closes a COD order) is replaced by the
            # reconcilers' one, made by every caller (_check_reconciler: web-order managers and
            # accounting administrators, who need no store role); access to the orders and the
            # guards (paid) are still checked.
            paid._cc_transition("done", channel="backoffice", check_group=False, note=self.env._(
                "Cash remitted by %(courier)s (%(ref)s).", courier=carrier.name, ref=self.name))


class ClickCollectCodStatementLine(models.Model):
    _name = "click_collect.cod.statement.line"
    _description = "Cash-on-Delivery Remittance Line"
    _order = "statement_id, sequence, id"

    statement_id = fields.Many2one("click_collect.cod.statement", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="statement_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    tracking_ref = fields.Char(string="Tracking Number", index=True)
    order_ref = fields.Char(string="Order Number")
    amount = fields.Monetary(string="Collected", required=True)
    fee = fields.Monetary()
    order_id = fields.Many2one("sale.order", index="btree_not_null",
                               domain="[('cc_state', '=', 'awaiting_cod')]",
                               help="Set it by hand for a line the courier numbered differently.")
    expected_amount = fields.Monetary(string="Expected", readonly=True)
    accept_difference = fields.Boolean(
        help="Book this line although its amount differs from what the courier owes (the rest "
             "stays owed, or the excess shows as a credit).",
    )
    state = fields.Selection(LINE_STATES, default="draft", required=True, readonly=True, index=True)
    note = fields.Char(readonly=True)
    payment_id = fields.Many2one("account.payment", readonly=True)

    def write(self, vals):
        if {"order_id", "accept_difference", "amount"} & set(vals) and any(
            line.state == "reconciled" for line in self
        ):
            raise UserError(self.env._("A reconciled remittance line cannot change."))
        return super().write(vals)
