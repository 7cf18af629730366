from odoo import api, models


class SaleOrder(models.Model):
    """Web orders: looking them up by number or barcode."""

    _inherit = "sale.order"

    @api.model
    def _cc_lookup(self, code, store=None):
        """Find a web order by its number or barcode, for the scan screens, POS and API.

        One indexed query, whatever the number of orders. Returns (order, error): the order
        when the user may act on it, otherwise an empty recordset and a message.
        """
        code = (code or "").strip()
        if not code:
            return self.browse(), self.env._("Type or scan an order number.")
        domain = [("name", "in", list({code, code.upper()})), ("cc_fulfilment", "!=", False)]
        fields_to_fetch = ["cc_fulfilment", "cc_store_id"]
        order = self.search_fetch(domain, fields_to_fetch, limit=1)
        if order and (not store or order.cc_store_id == store):
            return order, None
        if not order:
            # sudo: to tell "not found" from "another store's order" without revealing more
            # than the store's name.
            order = self.sudo().search_fetch(domain, fields_to_fetch, limit=1)
            if not order:
                return self.browse(), self.env._("Order could not be found")
        return self.browse(), self.env._(
            "Order %(order)s belongs to another store (%(store)s).",
            order=order.name, store=order.cc_store_id.sudo().name,
        )
