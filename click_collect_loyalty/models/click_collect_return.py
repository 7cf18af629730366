from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Command


class ClickCollectReturn(models.Model):
    """Returns paid back in store credit: a gift card or the customer's eWallet (Odoo's loyalty)."""

    _inherit = "click_collect.return"

    refund_mode = fields.Selection(
        selection_add=[("store_credit", "Store credit (gift card or eWallet)")],
        ondelete={"store_credit": "set default"},
    )
    loyalty_card_id = fields.Many2one(
        "loyalty.card", string="Store Credit", readonly=True, copy=False, index="btree_not_null",
        groups="sales_team.group_sale_salesman",
        help="The gift card or eWallet that received the refund (its code is the customer's money).",
    )
    credit_invoice_id = fields.Many2one(
        "account.move", string="Store Credit Invoice", readonly=True, copy=False,
        help="The store credit sold to the customer for what the return refunds, settling its credit note.",
    )

    def _cc_refund_means(self):
        """Override of `click_collect`: a refund in store credit says where the money went."""
        means = super()._cc_refund_means()
        if self.refund_mode != "store_credit":
            return means
        # sudo: the customer's message names the kind of card, not its code
        if self.sudo().loyalty_card_id.program_id.program_type == "ewallet":
            return self.env._("to your eWallet")
        return self.env._("as a gift card (its code comes in a separate email)")

    def _cc_credit_store(self, *, channel="backoffice", store=None, event_values=None):
        """Pay the customer of this received return back in store credit, as its order's return
        policy says: a new gift card, or their eWallet topped up (Odoo's loyalty card, with a
        line of its history naming the return); the store credit is invoiced to the customer
        and settles the return's credit note (or the order's payment when it was not invoiced).
        The return is then refunded.

        Called by the flow, whoever received the goods (see ``sale.order._cc_receive_return``).
        :raise UserError: when the policy names no program any more
        """
        self.ensure_one()
        order = self.order_id
        holder = order._cc_return_policy_holder()
        program = holder.cc_return_credit_program_id
        owes = self.state == "received" and self.refund_mode == "store_credit"
        if not owes or self.currency_id.is_zero(self.amount_total):
            raise UserError(self.env._("%(ret)s owes no store credit.", ret=self.name))
        if not program or not program.active:
            raise UserError(self.env._(
                "%(policy)s refunds returns in store credit but has no active gift card or eWallet program: "
                "ask a web-order manager to choose one.", policy=holder.display_name))
        card = self._cc_credit_card(program)
        invoice = self._cc_credit_invoice(program)
        self.write({"loyalty_card_id": card.id, "credit_invoice_id": invoice.id})
        self._cc_refunded(reference=program.name, channel=channel, store=store, event_values=event_values)
        return card

    def _cc_credit_card(self, program):
        """The gift card or eWallet credited with this return's amount (in the program's
        currency), and the line of its history naming the return."""
        order = self.order_id
        points = self.currency_id._convert(self.amount_total, program.currency_id, self.company_id,
                                           fields.Date.context_today(self))
        Card = self.env["loyalty.card"]
        card = Card
        if program.program_type == "ewallet":
            card = Card.search([("program_id", "=", program.id), ("partner_id", "=", order.partner_id.id)],
                               order="id", limit=1)
            if card:
                card.points += points
        if not card:
            card = Card.create({"program_id": program.id, "partner_id": order.partner_id.id, "points": points})
        self.env["loyalty.history"].create({
            "card_id": card.id,
            "description": self.env._("Refund of return %(ret)s of %(order)s", ret=self.name, order=order.name),
            "issued": points,
            "order_model": order._name,
            "order_id": order.id,
        })
        return card

    def _cc_credit_invoice(self, program):
        """The store credit sold to the customer for the return's amount (no tax: the credit's
        tax is due when it is spent), posted and reconciled with what the customer is owed: the
        return's credit note, or else what they paid for the order."""
        order = self.order_id
        product = program.trigger_product_ids[:1] or program.reward_ids.discount_line_product_id[:1]
        invoice = self.env["account.move"].with_company(self.company_id).create({
            "move_type": "out_invoice",
            "partner_id": order.partner_invoice_id.id,
            "currency_id": self.currency_id.id,
            "invoice_origin": order.name,
            "ref": self.env._("Store credit for return %(ret)s", ret=self.name),
            "invoice_line_ids": [Command.create({
                "product_id": product.id,
                "name": self.env._("%(program)s: refund of return %(ret)s", program=program.name, ret=self.name),
                "quantity": 1,
                "price_unit": self.amount_total,
                "tax_ids": [Command.clear()],
            })],
        })
        invoice.action_post()
        owed = self.credit_note_id.filtered(
            lambda m: m.state == "posted" and not m.currency_id.is_zero(m.amount_residual))
        if not owed:
            owed = order.transaction_ids.payment_id.move_id
        receivable = invoice.line_ids.account_id.filtered(lambda a: a.account_type == "asset_receivable")
        lines = (invoice | owed).line_ids.filtered(
            lambda line: line.account_id == receivable and not line.reconciled
            and line.partner_id.commercial_partner_id == invoice.commercial_partner_id)
        if lines.filtered(lambda line: line.move_id != invoice):
            lines.reconcile()
        return invoice
