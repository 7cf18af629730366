from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .. import const


class SaleOrder(models.Model):
    """Web orders: the buttons of the form, and their payments (registered by hand, by the web
    shop, by a courier or at a counter)."""

    _inherit = "sale.order"

    # ------------------------------------------------------------------ actions

    def action_cc_transition(self):
        """Button and list action: the target state comes in the context (``cc_target``).

        On several orders (a list action), the orders that may move do, and the others are
        reported with why ("2 of 3 web orders are now Accepted. S00042 is New and cannot
        become Accepted: ..."): independent orders are not all-or-nothing. When none may move,
        nothing does and the reasons are the error."""
        target = self.env.context.get("cc_target")
        if not target:
            raise UserError(self.env._("No flow state was given."))
        self._cc_check_target(target)
        refusals = self._cc_refusals(target) if len(self) > 1 else {}
        refused = self.browse().concat(*refusals)
        if refused and refused == self:
            raise UserError("\n".join(reason for reasons in refusals.values() for reason in reasons))
        (self - refused)._cc_transition(target, channel="backoffice")
        if not refused:
            return True
        label = dict(self._fields["cc_state"]._description_selection(self.env))[target]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("%(moved)s of %(total)s web orders are now %(state)s",
                                    moved=len(self) - len(refused), total=len(self), state=label),
                "message": " ".join(reason for reasons in refusals.values() for reason in reasons),
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_cc_ship(self):
        self.ensure_one()
        return self._cc_wizard_action("click_collect.ship", self.env._("Ship %(order)s", order=self.name))

    def action_cc_hand_over_in_part(self):
        """Hand over in full or in part (the hand-over screen)."""
        self.ensure_one()
        return self._cc_wizard_action("click_collect.handover", self.env._("Hand over %(order)s", order=self.name))

    def action_cc_register_payment(self):
        self.ensure_one()
        return self._cc_wizard_action(
            "click_collect.payment.register", self.env._("Register a payment for %(order)s", order=self.name),
        )

    def _cc_wizard_action(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    # ------------------------------------------------------------------ payments

    @api.model
    def _cc_transaction_values(self, provider, amount, *, provider_reference=False, operation="offline",
                               payment_method=None, date=None, journal=None, reference=None, **extra):
        """The values of a payment transaction of this web order, registered by the current
        user: by hand (``offline``), confirmed by the web shop (``online_direct``), collected
        by a courier or taken at a point of sale. ``extra``: more fields."""
        self.ensure_one()
        Tx = self.env["payment.transaction"]
        return {
            "provider_id": provider.id,
            "payment_method_id": (payment_method or self._cc_provider_payment_method(provider)).id,
            "reference": reference or Tx._compute_reference(provider.code, prefix=self.name),
            "provider_reference": provider_reference,
            "amount": amount,
            "currency_id": self.currency_id.id,
            "partner_id": self.partner_id.id,
            "operation": operation,
            "sale_order_ids": [fields.Command.set(self.ids)],
            "cc_registered_by_id": self.env.uid,
            "cc_payment_date": date or fields.Date.context_today(self),
            "cc_journal_id": journal.id if journal else False,
            **extra,
        }

    def _cc_provider_payment_method(self, provider):
        """The payment method of a provider, also when the provider is not enabled (a wire
        transfer provider only used for payments registered by hand)."""
        # sudo: payment methods of a disabled provider are the system's; only the id is used
        return provider.payment_method_ids[:1] or self.env["payment.method"].sudo().with_context(
            active_test=False,
        ).search([("code", "in", list(provider._get_default_payment_method_codes()))], limit=1)

    def _cc_default_payment_journal(self, method):
        """Cash at the counter goes to the store's till, the rest to the store's bank journal.

        A store without its own journal books in the company's first journal of that type,
        except for store staff: they book only into their store's journals."""
        store = self.cc_store_id
        journal = store.cc_cash_journal_id if method == "pay_at_store" else store.cc_bank_journal_id
        if journal or self._cc_payment_journals_limited():
            return journal
        journal_type = "cash" if method == "pay_at_store" else "bank"
        Journal = self.env["account.journal"]
        company = ("company_id", "=", self.company_id.id)
        return (Journal.search([company, ("type", "=", journal_type)], limit=1)
                or Journal.search([company, ("type", "in", ("bank", "cash"))], limit=1))

    def _cc_payment_journals_limited(self):
        """Whether the user books payments only into the journals of the order's store (store
        staff), not into any bank or cash journal of the company."""
        return not self.env.su and self.env.user._cc_is_clerk()

    def _cc_check_payment_journal(self, journal):
        """Refuse a journal the user may not book this order's payment into."""
        self.ensure_one()
        if journal.company_id != self.company_id or journal.type not in ("bank", "cash"):
            raise UserError(self.env._("%(journal)s is not a bank or cash journal of %(company)s.",
                                       journal=journal.name, company=self.company_id.name))
        if self._cc_payment_journals_limited() and journal not in self.cc_store_id._cc_payment_journals():
            raise UserError(self.env._(
                "%(journal)s is not a journal of %(store)s: store staff book payments into their "
                "store's till or bank journal only.", journal=journal.name, store=self.cc_store_id.name,
            ))

    def _cc_cod_unpaid(self):
        """Whether the courier collects this order's cash on delivery (it is not paid yet)."""
        self.ensure_one()
        return self.cc_payment_method == "cod" and self.cc_payment_state != "paid"

    def _cc_amount_due(self):
        """What the customer still owes for this order (nothing when it is paid or overpaid)."""
        self.ensure_one()
        return max(self.amount_total - self.cc_amount_paid, 0.0)

    def _cc_register_payment(self, amount, reference, *, date=None, method=None, journal=None):
        """Record a payment received for this order as an Odoo payment transaction.

        The transaction (and the account.payment Odoo posts for it) carries the amount, the
        reference, the date and the user who registered it.

        :param float amount: the amount received, in the order's currency
        :param str reference: the bank, receipt or carrier reference of the payment
        :param date: when the money was received (default today)
        :param str method: transfer, pay_at_store or cod (default: the order's method)
        :param journal: the bank or cash journal (account.journal) that received the money
        :return: the payment.transaction
        """
        self.ensure_one()
        method = method or self.cc_payment_method
        if self.currency_id.compare_amounts(amount, 0) <= 0:
            raise UserError(self.env._("The amount of a payment must be positive."))
        # One payment at a time per order: a second cashier paying the same order at the same
        # moment waits here, then (the first payment having updated the order) its transaction
        # is retried and sees the order paid.
        self.env.cr.execute(SQL("SELECT id FROM sale_order WHERE id = %s FOR NO KEY UPDATE", self.id))
        if self.cc_fulfilment and self.cc_payment_state == "paid":
            raise UserError(self.env._("%(order)s is paid already.", order=self.name))
        mode = const.METHOD_CUSTOM_MODE.get(method)
        if not mode:
            raise UserError(self.env._(
                "Payments by %(method)s are registered by the payment provider itself, not by hand.",
                method=dict(self._fields["cc_payment_method"]._description_selection(self.env)).get(method, method),
            ))
        self.check_access("write")
        # sudo: payment providers and transactions are managed by the system; the user's
        # right on the order was checked just above.
        provider = self.env["payment.provider"].sudo().search([
            ("code", "=", "custom"), ("custom_mode", "=", mode),
            ("company_id", "=", self.company_id.id),
        ], limit=1)
        if not provider:
            raise UserError(self.env._("No payment provider handles %(mode)s payments in %(company)s.",
                              mode=mode, company=self.company_id.name))
        journal = journal or self._cc_default_payment_journal(method)
        if not journal:
            if self._cc_payment_journals_limited():
                raise UserError(self.env._(
                    "%(store)s has no journal for this payment: a web-order manager sets its till "
                    "and its bank journal on the store.", store=self.cc_store_id.name,
                ))
            raise UserError(self.env._("%(company)s has no bank or cash journal to book the payment in.",
                              company=self.company_id.name))
        self._cc_check_payment_journal(journal)
        reference = (reference or "").strip()
        if not reference and journal.type != "cash":
            raise UserError(self.env._("A payment needs a reference (bank statement, receipt or slip number)."))
        payment_method = self._cc_provider_payment_method(provider)
        if not payment_method:
            raise UserError(self.env._("The payment provider %(provider)s has no payment method.",
                                       provider=provider.name))
        tx = self.env["payment.transaction"].sudo().create(self._cc_transaction_values(
            provider, amount, provider_reference=reference or False, payment_method=payment_method,
            date=date, journal=journal,
        ))
        tx._set_done()
        tx._post_process()
        self.message_post(body=self.env._(
            "Payment of %(amount)s registered by %(user)s in %(journal)s (reference %(reference)s, %(date)s).",
            amount=self._cc_format_amount(amount), user=self.env.user.name, journal=journal.name,
            reference=reference or "-", date=fields.Date.to_string(tx.cc_payment_date),
        ), subtype_xmlid="mail.mt_note")
        return tx
