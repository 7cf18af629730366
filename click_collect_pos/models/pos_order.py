from odoo import models
from odoo.exceptions import UserError


class PosOrder(models.Model):
    _inherit = "pos.order"

    def action_pos_order_paid(self):
        """A POS order that settles web orders (pos_sale's settle flow) makes them paid. Goods
        of a web order come back through its return (the web-orders screen's Return, which pays
        back from the till where the return policy says so), not through a refund of the POS
        order that took its money: that one would pay back without the goods, the window or
        what earlier returns refunded."""
        # sudo: the cashier may not read the web order; only the link is read
        refunds = self.lines.sudo().filtered(lambda pl: pl.refunded_orderline_id.sale_order_origin_id.cc_fulfilment)
        if refunds:
            raise UserError(self.env._(
                "%(orders)s: a web order's goods come back with Return on the web-orders screen, not "
                "with a refund of the point of sale order that took its money.",
                orders=", ".join(refunds.refunded_orderline_id.sale_order_origin_id.mapped("name")),
            ))
        res = super().action_pos_order_paid()
        self._cc_register_web_order_payments()
        return res

    def _cc_register_web_order_payments(self):
        """Record what this POS order took for each web order it settles as that order's
        payment (see sale.order._cc_register_pos_payment).

        A point of sale settles the web orders of its own store only, and never counts more
        for them than its till received (the payments, less the change given back): a cart
        whose other lines cancel a web order's amount pays nothing of it."""
        for pos_order in self:
            amounts = {}
            # sudo: the money is taken: recording it must not depend on what the cashier may
            # read of the sales order (the transaction and the chatter still name the cashier).
            pos_order_sudo = pos_order.sudo()
            # lines taking goods back (a till refund of a return) pay nothing
            for line in pos_order_sudo.lines.filtered(lambda pl: pl.qty > 0):
                order = line.sale_order_origin_id
                if order.cc_fulfilment:
                    amounts[order] = amounts.get(order, 0.0) + line.price_subtotal_incl
            if not amounts:
                continue
            store = pos_order_sudo.config_id.cc_store_id
            foreign = [order for order in amounts if order.cc_store_id != store]
            if foreign:
                raise UserError(self.env._(
                    "%(orders)s belong to another store than %(pos)s: a web order is paid at its "
                    "own store's counter.",
                    orders=", ".join(order.name for order in foreign), pos=pos_order_sudo.config_id.name,
                ))
            received = sum(pos_order_sudo.payment_ids.mapped("amount"))
            for order, settled in amounts.items():
                amount = min(settled, received)
                if order.currency_id.compare_amounts(amount, 0) > 0:
                    order._cc_register_pos_payment(pos_order, amount)
                    received -= amount

    def _prepare_invoice_vals(self):
        """Override of `point_of_sale`: the till refund of a web order's return (see
        pos.config._cc_till_refund) is a credit note reversing the order's invoice."""
        vals = super()._prepare_invoice_vals()
        # sudo: the web order may be another store's; only its invoice is read
        returns = self.env["click_collect.return"].sudo().search([("pos_order_id", "in", self.ids)]) \
            if len(self) == 1 and self.is_refund else None
        if returns:
            invoices = returns.line_ids.sale_line_id.invoice_lines.move_id.filtered(
                lambda m: m.state == "posted" and m.move_type == "out_invoice").sorted("id")
            if invoices:
                vals.update({
                    "reversed_entry_id": invoices[-1].id,
                    "ref": self.env._("Return %(ret)s of %(order)s", ret=returns[0].name,
                                      order=returns[0].order_id.name),
                })
        return vals
