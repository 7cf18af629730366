from odoo import models
from odoo.exceptions import UserError


class PosConfig(models.Model):
    """A point of sale receives goods of any web order of its company coming back, and pays
    the customer back from its till when the return policy says so."""

    _inherit = "pos.config"

    def cc_return_find(self, code):
        """A web order whose goods a customer brings back, by number, barcode, pickup QR code,
        email or phone: what the return needs (``sale.order._cc_pos_return_describe``) with the
        reasons and the till's payment methods, or ``{"error"}``."""
        self._cc_check_pos()
        store = self.cc_store_id
        order, error = self.env["sale.order"]._cc_return_lookup(code, company=self.company_id)
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
        result["payment_methods"] = [{"id": method.id, "name": method.name}
                                     for method in self._cc_refund_payment_methods()] \
            if result["refund_mode"] == "till" else []
        return result

    def _cc_refund_payment_methods(self):
        """The till's payment methods that pay a customer back here: cash and cards taken by
        hand (not the customer's account, nor a terminal, which the till's screen drives)."""
        return self.payment_method_ids.filtered(
            lambda m: m.type != "pay_later" and not m.split_transactions and not m.use_payment_terminal
        )

    def cc_return_receive(self, order_id, lines, *, reason_id=None, note=None, late_reason=None,
                          return_id=None, payment_method_id=None):
        """Receive goods of a web order at this point of sale's store (channel "pos"), and, when
        the return policy pays back at the till, pay the customer back with ``payment_method_id``
        through a point of sale refund in the open session.

        :param list lines: [{"sale_line_id", "quantity", "condition"}]
        :param int return_id: the announced return these goods are, if any
        :return: ``{"ok", "message", "return_id", "pos_order_id"}``; refusals raise a UserError
            naming the order, the line and why
        """
        self._cc_check_pos()
        store = self.cc_store_id
        # sudo: the order may be another store's (the return is received at any store of its
        # company); _cc_receive_return checks the user's store and everything of the order
        order = self.env["sale.order"].sudo().search([
            ("id", "=", order_id if isinstance(order_id, int) else 0), ("company_id", "=", self.company_id.id),
            ("cc_fulfilment", "!=", False),
        ])
        if not order:
            raise UserError(self.env._("Order could not be found"))
        refund_mode = order._cc_return_refund_mode(order._cc_return_policy()[1])
        method = self.env["pos.payment.method"]
        if refund_mode == "till":
            self._cc_check_till()
            method = self._cc_refund_payment_methods().filtered(lambda m: m.id == payment_method_id)
            if not method:
                raise UserError(self.env._("Choose how %(pos)s pays the customer back (cash or card).",
                                           pos=self.name))
        reason = self.env["click_collect.return.reason"].browse(reason_id).exists() if reason_id else None
        # sudo: the announced return is checked by _cc_receive_return to be this order's
        requested = self.env["click_collect.return"].sudo().browse(return_id).exists() if return_id else None
        event_values = {"pos_config_id": self.id}
        ret = order.sudo(False)._cc_receive_return(
            store, lines, reason=reason, note=note, late_reason=late_reason, channel="pos",
            event_values=event_values, requested=requested, refund_mode=refund_mode,
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
        return {"ok": True, "message": message, "return_id": ret.id, "pos_order_id": pos_order.id or False}

    def _cc_check_till(self):
        """The user works this till (a cashier: the refund is a POS order) in its open session."""
        self.env["pos.order"].check_access("create")
        session = self.current_session_id
        if not session or session.state not in ("opening_control", "opened"):
            raise UserError(self.env._("Open the session of %(pos)s to pay a customer back from its till.",
                                       pos=self.name))

    def _cc_till_refund(self, ret, method):
        """Pay the customer of the return ``ret`` back from this till: Odoo's refund order in
        the open session, paid with ``method`` (money out of the till, counted at the session's
        closing), invoiced as a credit note when the order was invoiced.

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
        # what the till paid back is what the return refunds (prices rounded as the till does)
        for ret_line, pos_line in zip(ret.line_ids, pos_order.lines, strict=True):
            ret_line.price_unit = -pos_line.price_subtotal_incl / ret_line.quantity
        ret.credit_note_id = pos_order.account_move
        ret._cc_refunded(reference=pos_order.pos_reference or pos_order.name, channel="pos",
                         store=self.cc_store_id, event_values={"pos_config_id": self.id})
        return pos_order
