from odoo import models
from odoo.exceptions import UserError


class PosOrder(models.Model):
    _inherit = "pos.order"

    def action_pos_order_paid(self):
        """A POS order that settles web orders (pos_sale's settle flow) makes them paid."""
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
            for line in pos_order_sudo.lines:
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
