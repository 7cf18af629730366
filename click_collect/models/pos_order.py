from odoo import models


class PosOrder(models.Model):
    _inherit = "pos.order"

    def action_pos_order_paid(self):
        """A POS order that settles web orders (pos_sale's settle flow) makes them paid."""
        res = super().action_pos_order_paid()
        self._cc_register_web_order_payments()
        return res

    def _cc_register_web_order_payments(self):
        """Record what this POS order took for each web order it settles as that order's
        payment (see sale.order._cc_register_pos_payment)."""
        for pos_order in self:
            amounts = {}
            # sudo: the money is taken: recording it must not depend on what the cashier may
            # read of the sales order (the transaction and the chatter still name the cashier).
            for line in pos_order.sudo().lines:
                order = line.sale_order_origin_id
                if order.cc_fulfilment:
                    amounts[order] = amounts.get(order, 0.0) + line.price_subtotal_incl
            for order, amount in amounts.items():
                if order.currency_id.compare_amounts(amount, 0) > 0:
                    order._cc_register_pos_payment(pos_order, amount)
