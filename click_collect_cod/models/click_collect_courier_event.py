import json

from odoo import models


class ClickCollectCourierEvent(models.Model):
    _inherit = "click_collect.courier.event"

    def _cc_record_payout(self, picking):
        """Override of `click_collect`: a callback that says the courier paid out the cash of the
        shipment (GHN: its CODTransferDate) becomes a remittance line, reconciled (once per
        shipment).

        Money is booked from a signed callback only. The token of an unsigned one is a static
        secret in a URL's configuration: whoever holds it must not book remittances, pay the
        invoices and close the orders. An unsigned payout has the courier asked (its shipment
        detail), and only what the courier confirms is booked.
        """
        self.ensure_one()
        carrier = self.carrier_id
        if not carrier._cc_fetches_remittances() or picking.sale_id.cc_state != "awaiting_cod":
            return False
        try:
            data = json.loads(self.payload or "{}")
        except ValueError:
            return False
        read = carrier._cc_connector_hook("callback")
        event = read(data) if read and isinstance(data, dict) else None
        paid_out = event and event.get("paid_out")
        if not paid_out:
            return False
        if self.env["click_collect.cod.statement.line"].search_count([
            ("statement_id.carrier_id", "=", carrier.id), ("tracking_ref", "=", picking.carrier_tracking_ref),
        ], limit=1):
            return False
        if not self.signed:
            return bool(carrier._cc_fetch_remittances(picking))
        return bool(carrier._cc_record_remittances([(picking, *paid_out)]))
