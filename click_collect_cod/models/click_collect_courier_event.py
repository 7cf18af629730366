import json

from odoo import api, models


class ClickCollectCourierEvent(models.Model):
    _inherit = "click_collect.courier.event"

    @api.model
    def _cc_record_payouts(self, applied):
        """Override of `click_collect`: a callback that says the courier paid out the cash of its
        shipment (GHN: its CODTransferDate) becomes a remittance line, reconciled (once per
        shipment).

        Money is booked from a signed callback only. The token of an unsigned one is a static
        secret in a URL's configuration: whoever holds it must not book remittances, pay the
        invoices and close the orders. An unsigned payout has the courier asked (its shipment
        detail), and only what the courier confirms is booked.
        """
        booked = super()._cc_record_payouts(applied)
        payouts = []
        for event, picking in applied:
            paid_out = event._cc_paid_out(picking)
            if paid_out:
                payouts.append((event, picking, paid_out))
        if not payouts:
            return booked
        # the shipments remitted already, read once for the whole wave
        listed = {
            (line.statement_id.carrier_id.id, line.tracking_ref)
            for line in self.env["click_collect.cod.statement.line"].search([
                ("statement_id.carrier_id", "in", [event.carrier_id.id for event, _p, _o in payouts]),
                ("tracking_ref", "in", [picking.carrier_tracking_ref for _e, picking, _o in payouts]),
            ])
        }
        for event, picking, paid_out in payouts:
            carrier = event.carrier_id
            if (carrier.id, picking.carrier_tracking_ref) in listed:
                continue
            if event.signed:
                recorded = carrier._cc_record_remittances([(picking, *paid_out)])
            else:
                recorded = carrier._cc_fetch_remittances(picking)
            if recorded:
                booked.add(event.id)
                listed.add((carrier.id, picking.carrier_tracking_ref))
        return booked

    def _cc_paid_out(self, picking):
        """What this callback says the courier paid out for the shipment, (amount, date) as the
        courier wrote them, when its order awaits that cash; else None."""
        self.ensure_one()
        carrier = self.carrier_id
        if not carrier._cc_fetches_remittances() or picking.sale_id.cc_state != "awaiting_cod":
            return None
        try:
            data = json.loads(self.payload or "{}")
        except ValueError:
            return None
        read = carrier._courier_hook("read_callback")
        event = read(data) if read and isinstance(data, dict) else None
        return (event and event.get("paid_out")) or None
