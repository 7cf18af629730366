from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL, clean_context


class PosConfig(models.Model):
    """A point of sale receives goods of any web order of its company coming back, and pays
    the customer back from its till when the return policy says so."""

    _inherit = "pos.config"

    def cc_return_find(self, code):
        """A web order whose goods a customer brings back, by number, barcode, pickup QR code,
        email or phone: what the return needs (``sale.order._cc_pos_return_describe``) with the
        reasons and the till's payment methods, or ``{"error"}``."""
        self = self.with_context(clean_context(self.env.context))  # noqa: PLW0642 (no client defaults)
        self._cc_check_pos()
        store = self.cc_store_id
        order, error = self.env["sale.order"]._cc_return_lookup(code if isinstance(code, str) else "",
                                                                company=self.company_id)
        if error:
            return {"error": error}
        try:
            order._cc_check_returnable(store)
        except UserError as refusal:
            return {"error": refusal.args[0]}
        # the order as superuser (see _cc_return_lookup): what the return needs of it
        result = order._cc_pos_return_describe(store)
        result["reasons"] = [{"id": reason.id, "name": reason.name}
                             for reason in self.env["click_collect.return.reason"].search([])]
        result["payment_methods"] = [
            {"id": method.id, "name": method.name, "is_cash": method.is_cash_count}
            for method in self._cc_refund_payment_methods()
        ] if result["refund_mode"] == "till" else []
        return result

    def _cc_refund_payment_methods(self):
        """The till's payment methods that pay a customer back here: cash, and cards taken by
        hand (not the customer's account, a terminal, a QR code or an online payment, which the
        till's screen or a provider drive)."""
        return self.payment_method_ids.filtered(
            lambda m: m.type in ("cash", "bank") and m.payment_method_type == "none" and not m.split_transactions
            and not m.use_payment_terminal and not ("is_online_payment" in m._fields and m.is_online_payment)
        )

    def cc_return_receive(self, order_id, lines, *, reason_id=None, note=None, late_reason=None,
                          return_id=None, payment_method_id=None):
        """Receive goods of a web order at this point of sale's store (channel "pos"), and, when
        the return policy pays back at the till, pay the customer back with ``payment_method_id``
        through a point of sale refund in the open session.

        :param list lines: [{"sale_line_id", "quantity", "condition"}]
        :param int return_id: the announced return these goods are, if any
        :return: ``{"ok", "message", "return_id", "pos_order_id", "cash"}``; refusals raise a
            UserError naming the order, the line and why
        """
        self = self.with_context(clean_context(self.env.context))  # noqa: PLW0642 (no client defaults)
        self._cc_check_pos()
        for name, value, kind in (("order", order_id, int), ("reason", reason_id, int), ("return", return_id, int),
                                  ("payment method", payment_method_id, int), ("note", note, str),
                                  ("late reason", late_reason, str), ("lines", lines, list)):
            if value not in (None, False) and (not isinstance(value, kind) or isinstance(value, bool)):
                raise UserError(self.env._("Invalid %(name)s: %(value)r", name=name, value=value))
        store = self.cc_store_id
        # sudo: the order may be another store's (the return is received at any store of its
        # company); _cc_receive_return checks the user's store and everything of the order
        order = self.env["sale.order"].sudo().search([
            ("id", "=", order_id or 0), ("company_id", "=", self.company_id.id), ("cc_fulfilment", "!=", False),
        ])
        if not order:
            raise UserError(self.env._("Order could not be found"))
        refund_mode = order._cc_return_refund_mode(order._cc_return_policy()[1])
        method = self.env["pos.payment.method"]
        if refund_mode == "till":
            self._cc_check_till(order)
            method = self._cc_refund_payment_methods().filtered(lambda m: m.id == payment_method_id)
            if not method:
                raise UserError(self.env._("Choose how %(pos)s pays the customer back (cash or card).",
                                           pos=self.name))
        reason = self.env["click_collect.return.reason"].browse(reason_id).exists() if reason_id else None
        # sudo: the announced return is checked by _cc_receive_return to be this order's
        requested = self.env["click_collect.return"].sudo().browse(return_id).exists() if return_id else None
        ret = order.sudo(False)._cc_receive_return(
            store, lines or [], reason=reason, note=note, late_reason=late_reason, channel="pos",
            event_values={"pos_config_id": self.id}, requested=requested, refund_mode=refund_mode,
        )
        pos_order = self.env["pos.order"]
        if refund_mode == "till" and ret.state == "received":
            pos_order = self._cc_till_refund(ret, method)
        ret = ret.sudo()
        message = self.env._("%(ret)s received: %(state)s.", ret=ret.name,
                             state=dict(ret._fields["state"]._description_selection(self.env))[ret.state])
        if pos_order:
            message = self.env._("%(ret)s received: pay %(amount)s back to the customer (%(method)s).",
                                 ret=ret.name, amount=order._cc_format_amount(-pos_order.amount_paid),
                                 method=method.name)
        return {"ok": True, "message": message, "return_id": ret.id, "pos_order_id": pos_order.id or False,
                "cash": bool(pos_order and method.is_cash_count)}

    def _cc_check_till(self, order):
        """The user works this till (a cashier: the refund is a POS order), its session is open
        and stays so until the refund is booked (a closing at the same moment waits), and it
        pays in the order's currency."""
        self.env["pos.order"].check_access("create")
        session = self.current_session_id
        state = None
        if session:
            self.env.cr.execute(SQL("SELECT state FROM pos_session WHERE id = %s FOR UPDATE", session.id))
            state = self.env.cr.fetchone()[0]
        if state not in ("opening_control", "opened"):
            raise UserError(self.env._("Open the session of %(pos)s to pay a customer back from its till.",
                                       pos=self.name))
        if self.currency_id != order.currency_id:
            raise UserError(self.env._(
                "%(order)s was paid in %(currency)s, %(pos)s pays in %(till)s: the back office refunds it.",
                order=order.name, currency=order.currency_id.name, pos=self.name, till=self.currency_id.name,
            ))

    def _cc_till_refund(self, ret, method):
        """Pay the customer of the return ``ret`` back from this till: Odoo's refund order in
        the open session, paid with ``method`` (money out of the till, counted at the session's
        closing), invoiced: a credit note for the customer, on the revenue store's analytic
        account, reversing the order's invoice when there is one.

        :return: the pos.order, paid
        """
        # sudo: the refund's lines link to the lines of an order the cashier may not read
        # (another store's); the cashier's return was checked by _cc_receive_return, the till
        # and the payment method are this point of sale's (checked as the cashier)
        ret = ret.sudo()
        order = ret.order_id
        pos_order = self.env["pos.order"].sudo().create(order._cc_pos_refund_values(ret, self))
        ret.pos_order_id = pos_order
        pos_order.lines._onchange_amount_line_all()
        pos_order._compute_prices()
        pos_order.add_payment({
            "pos_order_id": pos_order.id,
            "amount": pos_order._get_rounded_amount(
                pos_order.amount_total, method.is_cash_count or not self.only_round_cash_method),
            "name": ret.name,
            "payment_method_id": method.id,
        })
        pos_order._process_saved_order(False)
        # what the till paid back (rounded as the till rounds) is what the return refunds
        left = -pos_order.amount_paid
        for ret_line, pos_line in zip(ret.line_ids, pos_order.lines, strict=True):
            amount = left if ret_line == ret.line_ids[-1] else -pos_line.price_subtotal_incl
            ret_line.price_unit = amount / ret_line.quantity
            left -= amount
        ret.credit_note_id = pos_order.account_move
        ret._cc_refunded(reference=pos_order.pos_reference or pos_order.name, channel="pos",
                         store=self.cc_store_id, event_values={"pos_config_id": self.id})
        return pos_order
