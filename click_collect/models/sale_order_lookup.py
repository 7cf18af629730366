from odoo import api, models
from odoo.tools import email_normalize


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

    @api.model
    def _cc_return_lookup(self, code, company=None):
        """Find the web order a customer brings goods back from, at any store: by its number or
        barcode, the customer's pickup QR code, the tracking number of the parcel the customer
        sent back, or the customer's email or phone (one order collected or delivered).

        Returns (order as superuser, error): the store receiving the return may not read the
        order; what it is shown of it is what the return needs. ``company``: the return store's
        (order numbers may repeat across companies).
        """
        code = (code or "").strip()
        if not code:
            return self.browse(), self.env._("Type or scan an order number, or the customer's email or phone.")
        number, _pickup_code = self._cc_parse_scan(code)
        # sudo: a return is received at any store of the order's company (see the docstring)
        Orders = self.sudo().with_context(active_test=False)
        companies = (company or self.env.companies) & self.env.companies
        company = [("company_id", "in", companies.ids), ("cc_fulfilment", "!=", False)]
        order = Orders.search([*company, ("name", "in", list({number, number.upper()}))], limit=1) or \
            self.env["click_collect.return"].sudo().search(  # a parcel the customer sent back, by its tracking
                [("tracking_ref", "=", code), ("state", "=", "requested"), ("company_id", "in", companies.ids)],
                limit=1,
            ).order_id
        if order:
            return order, None
        if "@" in code:
            # the normalized address, compared as a whole (no pattern a user could widen)
            customer = [("partner_id.email_normalized", "=", email_normalize(code) or code)]
        elif sum(char.isdigit() for char in code) >= 6:
            customer = [("partner_id.phone_mobile_search", "=", code)]
        else:
            return self.browse(), self.env._("Order could not be found")
        orders = Orders.search([*company, *customer, ("cc_state", "in", list(self._cc_returnable_states()))],
                               limit=6, order="id desc")
        if not orders:
            return self.browse(), self.env._("No collected or delivered web order of this customer was found.")
        if len(orders) > 1:
            return self.browse(), self.env._(
                "This customer has several collected or delivered orders (%(orders)s): type the order's number.",
                orders=", ".join(orders[:5].mapped("name")),
            )
        return orders, None
