from odoo import fields, models
from odoo.exceptions import UserError

from ..tools.api_contract import STATUS_CODES, format_datetime


class SaleOrder(models.Model):
    """Web orders as the web-shop API answers them, their online payments, and the status
    webhooks to their web shops."""

    _inherit = "sale.order"

    # the web shop's technical user reads the timeline of its orders
    cc_event_ids = fields.One2many(groups="click_collect.group_store_user,click_collect_api.group_web_shop_api")

    def _cc_notify_web_shop(self, events):
        """Override of `click_collect`: post the new states to the web shops that sent the
        orders (signed status webhook). Deliveries are queued in this transaction and sent after
        commit, retried while the web shop fails (model click_collect.webhook.delivery)."""
        res = super()._cc_notify_web_shop(events)
        self.env["click_collect.webhook.delivery"]._enqueue(events)
        return res

    def _cc_notify_return(self, event, step):
        """Override of `click_collect`: post the return's step to the web shop that sent the
        order (signed webhook order.return_received or order.refunded), queued as the status
        webhooks are."""
        res = super()._cc_notify_return(event, step)
        self.env["click_collect.webhook.delivery"]._enqueue_return(event, step)
        return res

    def _cc_notify_store_change(self, event):
        """Override of `click_collect`: post the new pickup store to the web shop that sent the
        order (signed webhook order.store_changed), queued as the status webhooks are."""
        res = super()._cc_notify_store_change(event)
        self.env["click_collect.webhook.delivery"]._enqueue_store_change(event)
        return res

    def _cc_api_describe(self):
        """The orders as the web-shop API answers them (a list of dicts, in the same order).

        Reads in batch: a fixed number of queries whatever the number of orders.
        """
        lines_by_order = {}
        for line in self.order_line:
            if not line.display_type and not line.is_delivery:
                lines_by_order.setdefault(line.order_id.id, []).append(line)
        returns = self.cc_return_ids.sorted("id")
        returns_by_order = {}
        for ret, described in zip(returns, returns._cc_api_describe(), strict=True):
            returns_by_order.setdefault(ret.order_id.id, []).append(described)
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
                "return_status": order.cc_return_state or None,
                "returns": returns_by_order.get(order.id, []),
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
        provider = self.env.ref("click_collect_api.payment_provider_web_shop").sudo()
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
