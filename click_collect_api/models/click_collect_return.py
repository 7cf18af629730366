from odoo import models

from odoo.addons.click_collect.models.click_collect_return import RECEIVED_STATES

from ..tools.api_contract import API_PREFIX, format_datetime


class ClickCollectReturn(models.Model):
    """Returns as the web-shop API answers them."""

    _inherit = "click_collect.return"

    def _cc_api_describe(self):
        """The returns as the API and the webhooks describe them (a list of dicts)."""
        return [{
            "return_no": ret.name,
            "external_ref": ret.external_ref or None,
            "status": ret.state,
            "store": ret.store_id.code,
            "courier": ret.courier_name or None,
            "tracking_ref": ret.tracking_ref or None,
            # the courier's label, while the parcel is on its way (the web shop's key opens it)
            "label_url": f"{API_PREFIX}/orders/{ret.order_id.name}/returns/{ret.name}/label"
            if ret.label_id and ret.state == "requested" else None,
            "requested_at": format_datetime(ret.date),
            "received_at": format_datetime(ret.received_date),
            "refunded_at": format_datetime(ret.refunded_date),
            "refund_amount": ret.amount_total,
            "refund_mode": ret.refund_mode,
            "refund_reference": ret.refund_reference or None,
            "reason": ret.reason_id.name or None,
            "note": ret.reason_note or None,
            "lines": [{
                "variant_id": line.product_id.id,
                "ean": line.product_id.barcode or None,
                "qty": line.quantity,
                # the goods' condition is known once they came back
                "condition": line.condition if ret.state in RECEIVED_STATES else None,
            } for line in ret.line_ids],
        } for ret in self]
