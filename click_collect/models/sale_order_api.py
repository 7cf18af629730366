from odoo import api, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    """Web orders: looking them up by number or barcode, and what the web-shop API answers."""

    _inherit = "sale.order"

    # ------------------------------------------------------------------ lookup

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

    # ---- web-shop API

    def _cc_api_describe(self):
        """The orders as the web-shop API answers them (a list of dicts, in the same order).

        Reads in batch: a fixed number of queries whatever the number of orders.
        """
        from ..tools.api_contract import STATUS_CODES, format_datetime

        lines_by_order = {}
        for line in self.order_line:
            if not line.display_type and not line.is_delivery:
                lines_by_order.setdefault(line.order_id.id, []).append(line)
        events_by_order = {}
        for event in self.cc_event_ids._cc_steps().sorted(lambda e: (e.date, e.id)):
            events_by_order.setdefault(event.order_id.id, []).append(event)
        result = []
        for order in self:
            carrier = order.carrier_id
            result.append({
                "order_no": order.name,
                "external_ref": order.cc_external_ref or None,
                "status": order.cc_state,
                "status_code": STATUS_CODES.get(order.cc_state),
                "fulfilment": order.cc_fulfilment,
                "store": order.cc_store_id.code,
                "amount_total": order.amount_total,
                "currency": order.currency_id.name,
                "paid": order.cc_payment_state == "paid",
                "amount_paid": order.cc_amount_paid,
                "payment_method": order.cc_payment_method or None,
                "lines": [
                    {
                        "variant_id": line.product_id.id,
                        "ean": line.product_id.barcode or None,
                        "name": line.name,
                        "qty": line.product_uom_qty,
                        "price_unit": line.price_unit,
                    }
                    for line in lines_by_order.get(order.id, [])
                ],
                "carrier": carrier.name or order.cc_courier_name or None,
                "tracking_ref": order.cc_tracking_ref or None,
                # the courier's link, as the customer's messages and tracking page give it
                "tracking_url": order.cc_carrier_tracking_url or None,
                "timeline": [
                    {
                        "status": event.to_state,
                        "status_code": STATUS_CODES.get(event.to_state),
                        "at": format_datetime(event.date),
                        "store": event.store_id.code or None,
                    }
                    for event in events_by_order.get(order.id, [])
                ],
                "created_at": format_datetime(order.create_date),
                "updated_at": format_datetime(order.write_date),
            })
        return result

    def _cc_api_register_online_payment(self, amount, reference):
        """Record an online payment that the web shop's own payment provider confirmed.

        It is a done payment transaction of the "Web Shop Payments" provider, with the web
        shop's reference, for which Odoo posts an account.payment in the bank journal.
        """
        self.ensure_one()
        # sudo: payment providers and transactions are the system's; this is the web shop's
        # payment of the order its API user has just created
        provider = self.env.ref("click_collect.payment_provider_web_shop").sudo()
        journal = self._cc_default_payment_journal("online")
        if not journal:
            raise UserError(self.env._("%(company)s has no bank journal to book the payment in.",
                              company=self.company_id.name))
        tx = self.env["payment.transaction"].sudo().create(self._cc_transaction_values(
            provider, amount, provider_reference=reference, operation="online_direct",
            payment_method=provider.with_context(active_test=False).payment_method_ids[:1], journal=journal,
        ))
        tx._set_done()
        tx._post_process()
        return tx
