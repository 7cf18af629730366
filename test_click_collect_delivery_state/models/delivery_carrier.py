from urllib.parse import quote

import requests

from odoo import fields, models
from odoo.exceptions import UserError

# The feed's words -> OCA delivery_state
FEED_STATES = {
    "accepted": "shipping_recorded_in_carrier",
    "on_the_way": "in_transit",
    "delivered": "customer_delivered",
    "not_delivered": "incident",
    "back_at_sender": "warehouse_delivered",
}


class DeliveryCarrier(models.Model):
    """A carrier connector in the shape of OCA's: its tracking is fetched from the carrier
    (``GET <feed URL>/<tracking number>`` answers ``{"status": "delivered"}``) by delivery_state's
    hook, and written to the delivery's ``delivery_state`` and ``tracking_state``. Nothing else."""

    _inherit = "delivery.carrier"

    delivery_type = fields.Selection(
        selection_add=[("tracking_feed", "Tracking feed")], ondelete={"tracking_feed": "set default"},
    )
    tracking_feed_url = fields.Char(string="Tracking Feed URL", groups="base.group_system", copy=False)

    def tracking_feed_rate_shipment(self, order):
        return {"success": True, "price": 0.0, "error_message": False, "warning_message": False}

    def tracking_feed_get_tracking_link(self, picking):
        return False

    def tracking_feed_tracking_state_update(self, picking):
        """delivery_state's hook: ask the feed where the shipment is."""
        # sudo: the feed's URL is configuration of administrators; whoever updates the state
        # uses it, and never sees it (the errors below do not name it)
        url = f"{self.sudo().tracking_feed_url}/{quote(picking.carrier_tracking_ref or '', safe='')}"
        try:
            answer = requests.get(url, timeout=5)
            answer.raise_for_status()
            status = answer.json().get("status")
        except (requests.RequestException, ValueError) as error:
            raise UserError(self.env._("The tracking feed did not answer (%s).", type(error).__name__)) from None
        if status not in FEED_STATES:
            raise UserError(self.env._("The tracking feed answered an unknown status: %s", status))
        picking.write({"tracking_state": status, "delivery_state": FEED_STATES[status]})
