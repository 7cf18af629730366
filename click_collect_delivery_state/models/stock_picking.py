from odoo import models
from odoo.exceptions import UserError

# OCA delivery_state -> the flow state a ship-from-store order moves to. The other carrier
# states (recorded at the carrier, shipment cancelled, no more updates) move nothing.
FLOW_TARGETS = {
    "in_transit": "shipped",
    "customer_delivered": "delivered",
    "incident": "failed",
    "warehouse_delivered": "returned",
}


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _cc_carrier_tracking_values(self, status, tracking_state, when):
        """Override of `click_collect`: the flow's own connectors fill OCA's carrier state and
        tracking state too, so that what reads them (lists, filters, delivery_state's emails)
        sees the shipments of web orders as every other."""
        return {**super()._cc_carrier_tracking_values(status, tracking_state, when),
                "delivery_state": tracking_state, "tracking_state": status}

    def tracking_state_update(self):
        """Override of `delivery_state`: the shipments of the flow's own connectors are asked the
        way the flow's polling asks them (one call per batch where the carrier takes several,
        statuses applied together, a failure kept on the shipment as its tracking error); the
        others go to their connector's ``<type>_tracking_state_update`` as before."""
        own = self.filtered(lambda p: p.carrier_id._cc_has_connector() and p.carrier_tracking_ref)
        if own:
            self.env["delivery.carrier"]._cc_poll(own)
            failed = own.filtered("cc_tracking_error")
            # delivery_state's own way: its scheduled job goes on, a person is told
            if failed and not self.env.context.get("cron_id"):
                raise UserError("\n".join(f"{p.name}: {p.cc_tracking_error}" for p in failed))
        return super(StockPicking, self - own).tracking_state_update()

    def write(self, vals):
        """Override of `stock`: a new carrier state (``delivery_state``, written by a carrier
        connector) moves the web orders of these shipments. When the flow's own connectors write
        it (``cc_carrier_status`` is written with it), they move the orders themselves."""
        res = super().write(vals)
        if vals.get("delivery_state") in FLOW_TARGETS and "cc_carrier_status" not in vals:
            self._cc_follow_delivery_state(FLOW_TARGETS[vals["delivery_state"]])
        return res

    def _cc_follow_delivery_state(self, target):
        """Move the ship-from-store orders of these deliveries to ``target``.

        The scheduled job of delivery_state runs as the system, which moves the orders. A person
        who updates the carrier state (delivery_state's button) moves them as themselves: the
        flow's door checks that they may (a store user of the order's store), so that writing a
        carrier state over RPC is no way around the door.
        """
        # sudo: read which web orders these deliveries serve (the writer may not read the order
        # of another store; the door below checks what they may do with it)
        pickings = self.sudo().filtered(
            lambda p: p.picking_type_code == "outgoing" and not p.cc_tracking_manual
            and p.sale_id.cc_fulfilment == "ship"
        )
        if not pickings:
            return
        system = self.env.su or self.env.user._is_superuser()
        orders = pickings.sale_id if system else pickings.sale_id.with_env(self.env)
        notes = {
            picking.sale_id.id: self.env._(
                "%(carrier)s: %(state)s (%(ref)s)", carrier=picking.carrier_id.name or "",
                state=dict(picking._fields["delivery_state"]._description_selection(self.env))[picking.delivery_state],
                ref=picking.carrier_tracking_ref or "",
            )
            for picking in pickings
        }
        orders._cc_follow_carrier(target, channel="carrier", note=notes)
