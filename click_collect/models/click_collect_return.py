from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .. import const

RETURN_STATES = [
    ("requested", "Requested"),
    ("received", "Received"),
    ("refunded", "Refunded"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# The states of a return whose goods came back
RECEIVED_STATES = ("received", "refunded", "closed")
EXPIRE_BATCH = 200
# How the customer gets their money back (an addon adds its own: the till, a gift card)
REFUND_MODES = [
    ("owed", "Refunded by the back office (web shop's payment provider, bank transfer)"),
]


class ClickCollectReturn(models.Model):
    """Goods of a collected or delivered web order coming back, at any store.

    A record of its own (requested -> received -> refunded, or closed when nothing is owed),
    linked to the order, whose flow state it does not reopen. Created and moved on only by the
    flow (``sale.order._cc_receive_return``): nobody writes it over RPC.
    """

    _name = "click_collect.return"
    _description = "Web Order Return"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(string="Return", required=True, readonly=True, copy=False, default="/")
    order_id = fields.Many2one("sale.order", required=True, readonly=True, index=True,
                               ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    store_id = fields.Many2one(
        "stock.warehouse", string="Return Store", required=True, readonly=True, index=True,
        help="The store where the goods came back.",
    )
    order_store_id = fields.Many2one(
        "stock.warehouse", string="Order's Store", readonly=True, index=True,
        help="The store that handed the order over or shipped it.",
    )
    state = fields.Selection(RETURN_STATES, required=True, readonly=True, default="requested",
                             tracking=True, index=True)
    channel = fields.Selection(const.CHANNELS, required=True, readonly=True, default="backoffice")
    user_id = fields.Many2one("res.users", string="Received By", readonly=True)
    date = fields.Datetime(string="Requested On", required=True, readonly=True, default=fields.Datetime.now)
    received_date = fields.Datetime(string="Received On", readonly=True)
    refunded_date = fields.Datetime(string="Refunded On", readonly=True)
    reason_id = fields.Many2one("click_collect.return.reason", readonly=True)
    reason_note = fields.Text(string="Customer's Words", readonly=True)
    late_reason = fields.Text(
        string="Accepted After the Window Because", readonly=True,
        help="A store manager accepted this return after the return policy's window, for this reason.",
    )
    external_ref = fields.Char(
        string="Web Shop Reference", readonly=True, index="btree_not_null",
        help="The return's reference in the web shop where the customer announced it.",
    )
    courier_name = fields.Char(
        string="Sent By", readonly=True,
        help="The courier or postal service the customer sends the goods back with.",
    )
    tracking_ref = fields.Char(
        string="Tracking Number", readonly=True, index="btree_not_null",
        help="The parcel's tracking number: scanning it on the return screen finds this return.",
    )
    refund_mode = fields.Selection(REFUND_MODES, required=True, readonly=True, default="owed")
    refund_reference = fields.Char(readonly=True, help="The bank transfer's or the payment provider's reference.")
    line_ids = fields.One2many("click_collect.return.line", "return_id", string="Goods", readonly=True)
    amount_total = fields.Monetary(string="Refund", compute="_compute_amount_total", store=True)
    picking_ids = fields.Many2many("stock.picking", string="Transfers", readonly=True, copy=False)
    credit_note_id = fields.Many2one("account.move", readonly=True, copy=False)
    payment_id = fields.Many2one(
        "account.payment", string="Refund Payment", readonly=True, copy=False,
        help="The money paid back to the customer out of a bank or cash journal of the company.",
    )

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for ret in self:
            ret.amount_total = sum(ret.line_ids.mapped("amount"))

    @api.depends("name", "order_id")
    def _compute_display_name(self):
        for ret in self:
            # sudo: the order's number only; a store receiving a return may not read the order
            ret.display_name = f"{ret.name} ({ret.order_id.sudo().name})" if ret.order_id else ret.name

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                # sudo: the sequence is the flow's; the flow creates returns (see the class)
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("click_collect.return") or "/"
        return super().create(vals_list)

    def _cc_refund_means(self):
        """How the customer got this return's money back, for their messages: "" when the
        money went back the way they paid (an addon paying back otherwise says how)."""
        return ""

    def _cc_discounts_follow(self):
        """The returns whose share of the order's discounts the order's invoicing gives back
        (their refund carries none of its own)."""
        return self

    # ------------------------------------------------------------------ announced returns

    def action_cc_receive(self):
        """The goods of an announced return arrived: the return screen, with what was announced."""
        self.ensure_one()
        self.check_access("read")
        if self.state != "requested":
            raise UserError(self.env._("%(ret)s is not waiting for its goods.", ret=self.name))
        user_stores = self.env.user.cc_store_ids
        # sudo: the screen's search fields are written by the flow only (see the screen); the
        # user may read this return (checked above) and receives it at one of their stores
        wizard = self.env["click_collect.return.receive"].create({
            "store_id": (user_stores & self.store_id).id or user_stores[:1].id or self.store_id.id,
        })
        wizard.sudo().write({"code": self.order_id.sudo().name, "return_id": self.id})
        wizard.action_find()
        return wizard._cc_open()

    def action_cc_cancel(self):
        """The goods announced never came (or the customer changed their mind)."""
        self.check_access("read")
        user = self.env.user
        if not self.env.su and not user.has_group(const.MANAGER) and (
            not user.has_group(const.STORE_MANAGER) or self.store_id - user.cc_store_ids
        ):
            raise UserError(self.env._("Only a manager of the store the goods were announced to cancels a return."))
        if self.filtered(lambda r: r.state != "requested"):
            raise UserError(self.env._("Only a return waiting for its goods can be cancelled."))
        for ret in self:
            ret._cc_cancel(self.env._("Return %(ret)s cancelled: its goods did not come back.", ret=ret.name))
        return True

    def _cc_cancel(self, note, channel="backoffice"):
        """Cancel this announced return (the caller checked who may): the quantities it held
        may come back again, the order's timeline says ``note``, the web shop hears of it."""
        self.ensure_one()
        # sudo: the flow moves returns on (nobody writes them)
        self.sudo().state = "cancelled"
        # sudo: the timeline of an order the return store may not read (see _cc_log_return_event)
        order = self.order_id.sudo()
        event = order._cc_log_return_event(self, note, channel=channel)
        order._cc_notify_return(event, "return_cancelled")

    @api.model
    def _cc_cron_expire_announced(self, batch_size=EXPIRE_BATCH):
        """Scheduled job (daily): cancel the returns announced online whose goods did not come
        within their order's return policy's wait (``cc_return_wait_days``; 0: never), oldest
        first, each batch committed from the job.

        :return: the returns cancelled
        """
        expired = self._cc_expired_announced()
        in_job = bool(self.env.context.get("ir_cron_progress_id"))
        for start in range(0, len(expired), batch_size):
            batch = expired[start:start + batch_size]
            for ret in batch:
                ret._cc_cancel(self.env._(
                    "Return %(ret)s cancelled: its goods did not come back within %(days)s days of its announcement.",
                    ret=ret.name, days=ret.order_id._cc_return_policy_holder().cc_return_wait_days,
                ), channel="cron")
            if in_job and not self.env["ir.cron"]._commit_progress(
                    len(batch), remaining=len(expired) - start - len(batch)):
                return expired[:start + len(batch)]  # out of time: Odoo runs the job again for the rest
        return expired

    @api.model
    def _cc_expired_announced(self):
        """The announced returns waiting longer than their order's return policy allows,
        oldest first."""
        now = fields.Datetime.now()
        # the shortest wait of any policy bounds the search; each return is held to its own
        waits = [
            days for model in ("click_collect.web.shop", "res.company")
            for [days] in self.env[model].with_context(active_test=False)._read_group(
                [("cc_return_wait_days", ">", 0)], [], ["cc_return_wait_days:min"])
            if days
        ]
        if not waits:
            return self.browse()
        # sudo: the job cancels the returns of every company and store
        candidates = self.sudo().search(
            [("state", "=", "requested"), ("date", "<=", now - timedelta(days=min(waits)))], order="date, id")
        return candidates.filtered(lambda r: (days := r.order_id._cc_return_policy_holder().cc_return_wait_days)
                                   and r.date <= now - timedelta(days=days))

    # ------------------------------------------------------------------ refunds

    def action_cc_open_refund(self):
        """The screen where the back office says how the customer was paid back."""
        self.ensure_one()
        self._cc_check_refund_rights()
        self._cc_check_owed()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mark %(ret)s Refunded", ret=self.name),
            "res_model": "click_collect.return.refund",
            "view_mode": "form",
            "target": "new",
            "context": {"default_return_id": self.id},
        }

    def action_cc_mark_refunded(self, reference=None, journal_id=None, date=None):
        """The back office paid the customer back (web shop's provider, bank transfer).

        :param str reference: the bank transfer's or the payment provider's reference
        :param int journal_id: the bank or cash journal the money left: the refund payment is
            booked there (none: the money left outside the books, e.g. the web shop's provider)
        :param str date: when the money left (default today)
        """
        self._cc_check_refund_rights()
        if reference is not None and not isinstance(reference, str):
            raise UserError(self.env._("Invalid refund reference: text expected."))
        journal = self._cc_refund_journal(journal_id)
        try:
            date = fields.Date.to_date(date) or fields.Date.context_today(self)
        except (TypeError, ValueError):
            raise UserError(self.env._("Invalid refund date: a date such as 2026-12-31 expected.")) from None
        if self:
            # one refund at a time: a second click waits, then finds the return refunded
            self.env.cr.execute(SQL("SELECT id FROM click_collect_return WHERE id IN %s FOR NO KEY UPDATE",
                                    tuple(self.ids)))
        self._cc_check_owed()
        reference = (reference or "").strip() or False
        if journal:
            for ret in self:
                ret._cc_pay_back(journal, date, reference or ret.name)
        self._cc_refunded(reference=reference, channel="backoffice")
        return True

    def _cc_check_owed(self):
        errors = [
            self.env._("%(ret)s is %(state)s: only a received return waiting for its refund can be marked refunded.",
                       ret=ret.name, state=dict(RETURN_STATES)[ret.state])
            for ret in self if ret.state != "received" or ret.refund_mode != "owed"
        ]
        if errors:
            raise UserError("\n".join(errors))

    def _cc_refund_journal(self, journal_id):
        """The bank or cash journal of the returns' company given by id (or none)."""
        if not journal_id:
            return self.env["account.journal"]
        if not isinstance(journal_id, int) or isinstance(journal_id, bool):
            raise UserError(self.env._("Invalid journal: a journal id expected."))
        # sudo: a web-order manager may pay back without accounting rights; the journal must
        # be a bank or cash journal of the returns' company, checked here
        journal = self.env["account.journal"].sudo().browse(journal_id).exists()
        if not journal or journal.type not in ("bank", "cash") or self.company_id - journal.company_id:
            raise UserError(self.env._("The money of a refund leaves a bank or cash journal of %(company)s.",
                                       company=", ".join(self.company_id.mapped("name"))))
        return journal

    def _cc_pay_back(self, journal, date, memo):
        """Book the money paid back to the customer out of ``journal``: Odoo's register-payment
        on the return's credit note, which it settles, or an outbound customer payment when the
        order was not invoiced. :return: the posted account.payment"""
        self.ensure_one()
        # sudo: a web-order manager pays back without accounting rights; the caller checked who
        # may (_cc_check_refund_rights) and the journal (_cc_refund_journal)
        ret = self.sudo().with_company(self.company_id)
        credit_note = ret.credit_note_id.filtered(lambda m: m.state == "posted")
        if credit_note:
            # what the credit note still owes: an accountant may have settled part of it already
            owed = min(ret.amount_total, credit_note.amount_residual)
            if ret.currency_id.compare_amounts(owed, 0) <= 0:
                raise UserError(self.env._(
                    "The credit note %(move)s of %(ret)s is already settled: mark the return refunded "
                    "without a journal.", move=credit_note.name, ret=ret.name))
            payment = ret.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=credit_note.ids,
            ).create({
                "journal_id": journal.id, "payment_date": date, "amount": owed,
                "currency_id": ret.currency_id.id, "communication": memo,
            })._create_payments()
        else:
            payment = ret.env["account.payment"].create({
                "payment_type": "outbound", "partner_type": "customer",
                "partner_id": ret.order_id.partner_invoice_id.commercial_partner_id.id,
                "amount": ret.amount_total, "currency_id": ret.currency_id.id, "journal_id": journal.id,
                "date": date, "memo": memo,
            })
            payment.action_post()
        ret.payment_id = payment
        return payment

    def _cc_check_refund_rights(self):
        if not self.env.su and not (
            self.env.user.has_group(const.MANAGER) or self.env.user.has_group("account.group_account_invoice")
        ):
            raise UserError(self.env._("Only a web-order manager or an accountant marks returns refunded."))
        self.check_access("read")

    def _cc_refunded(self, *, reference=None, channel="backoffice", store=None, event_values=None):
        """The customer got their money back: the return is done, its activity too, the order's
        timeline says so."""
        now = fields.Datetime.now()
        # sudo: the flow moves returns on (nobody writes them); the caller checked the rights
        self.sudo().write({"state": "refunded", "refunded_date": now, "refund_reference": reference or False})
        # sudo: the activity asking for the refund is done; the caller may mark it refunded
        self.sudo().activity_feedback(["mail.mail_activity_data_todo"], feedback=self.env._("Refunded"))
        for ret in self:
            event = ret.order_id._cc_log_return_event(ret, self.env._(
                "Return %(ret)s: %(amount)s refunded%(reference)s.",
                ret=ret.name, amount=ret.order_id._cc_format_amount(ret.amount_total),
                reference=f" ({reference})" if reference else "",
            ), channel=channel, store=store, event_values=event_values)
            ret.order_id._cc_notify_return(event, "refunded")

    def _cc_ask_refund(self):
        """A received return whose money is owed: the back office is asked to pay it back (an
        activity); a return owing nothing is closed."""
        nothing = self.filtered(lambda r: r.currency_id.is_zero(r.amount_total))
        # sudo: the flow moves returns on
        nothing.sudo().state = "closed"
        for ret in (self - nothing).filtered(lambda r: r.refund_mode == "owed"):
            # sudo: the flow asks for the refund, whoever received the goods
            order = ret.order_id.sudo()
            ret.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Refund %(amount)s to the customer",
                                   amount=order._cc_format_amount(ret.amount_total)),
                note=self.env._(
                    "%(ret)s: goods of %(order)s came back at %(store)s; pay the customer back and "
                    "mark the return refunded.", ret=ret.name, order=order.name, store=ret.store_id.name,
                ),
                user_id=ret._cc_refund_responsible().id,
            )

    def _cc_refund_responsible(self):
        """Who pays the customer back: the order's salesperson or its sales team's leader when
        they may mark returns refunded, otherwise a web-order manager of the company."""
        self.ensure_one()
        order = self.order_id.sudo()
        for user in order.user_id | order.team_id.user_id:
            if user.active and (user.has_group(const.MANAGER) or user.has_group("account.group_account_invoice")):
                return user
        return self.company_id._cc_web_order_managers()[:1] or self.env.user
