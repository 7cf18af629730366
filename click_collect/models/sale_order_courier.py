from odoo import models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    """Web orders: their shipment by a courier and what the courier's tracking tells."""

    _inherit = "sale.order"

    # ------------------------------------------------------------------ couriers

    def _cc_shipped_deliveries(self):
        """The orders' deliveries handed to a courier (a tracking number), whatever the courier."""
        return self.picking_ids.filtered(
            lambda p: p.state == "done" and p.location_dest_id.usage == "customer" and p.carrier_tracking_ref
        )

    def _cc_shipments(self):
        """The orders' deliveries handed to a courier with a connector."""
        return self._cc_shipped_deliveries().filtered(lambda p: p.carrier_id._cc_has_connector())

    def _cc_ship_with_carrier(self, carrier, channel="backoffice"):
        """Create the shipment at the courier (tracking number, label), then ship the order."""
        self.ensure_one()
        if self.cc_state not in ("preparing", "failed"):
            raise UserError(self.env._("%(order)s cannot be shipped now (it is %(state)s).", order=self.name,
                              state=dict(self._fields["cc_state"]._description_selection(self.env))[self.cc_state]))
        if self._cc_cod_unpaid() and not carrier.allow_cash_on_delivery:
            raise UserError(self.env._(
                "%(carrier)s does not collect cash on delivery: choose a courier that does for %(order)s.",
                carrier=carrier.name, order=self.name,
            ))
        pickings = self._cc_store_deliveries()
        if len(pickings) != 1:
            raise UserError(self.env._("%(order)s needs exactly one delivery to ship (it has %(count)s).",
                              order=self.name, count=len(pickings)))
        pickings.carrier_id = carrier
        pickings.send_to_shipper()
        self._cc_set_shipment(carrier, carrier.name, pickings.carrier_tracking_ref)
        return self._cc_transition("shipped", channel=channel)

    def _cc_set_shipment(self, carrier, courier_name, tracking_ref):
        """Record the courier and the tracking number of an order about to be shipped.

        :param carrier: the delivery.carrier, if any (a courier with or without a connector)
        :param str courier_name: the courier's name, for a courier without a record
        :param str tracking_ref: the courier's tracking number
        """
        self.ensure_one()
        courier_name = (courier_name or "").strip() or carrier.name
        tracking_ref = (tracking_ref or "").strip()
        if not courier_name or not tracking_ref:
            raise UserError(self.env._("Shipping needs the courier and the tracking number."))
        if "shipped" not in self._cc_allowed_targets():
            raise UserError(self.env._("%(order)s cannot be shipped now (it is %(state)s).", order=self.name,
                              state=dict(self._fields["cc_state"]._description_selection(self.env))[self.cc_state]))
        if not self.env.su:
            self.check_access("write")
        # sudo: the courier and the tracking number are flow fields (see _cc_check_flow_values),
        # written by this action once it checked that the user may ship this order.
        self.sudo().write({
            "carrier_id": carrier.id or self.carrier_id.id,
            "cc_courier_name": courier_name,
            "cc_tracking_ref": tracking_ref,
        })

    def _cc_follow_carrier(self, target, channel="webhook", note=None):
        """Move ship-from-store orders to what the courier reports, through the table (returned
        passes by failed); each order's goal is ``_cc_carrier_goal``. Orders on the same path
        move together, one transition per step.

        :param note: a text for the timeline, or {order id: text}
        """
        paths = {}
        for order in self.filtered(lambda o: o.cc_fulfilment == "ship"):
            path = tuple(order._cc_path_to(order._cc_carrier_goal(target)))
            if path:
                paths[path] = paths.get(path, self.browse()) | order
        for path, orders in paths.items():
            for step in path:
                orders._cc_transition(step, channel=channel, note=note)

    def _cc_carrier_goal(self, target):
        """The state this order reaches when its courier reports ``target`` (an addon's own
        state in its place, e.g. awaiting its cash instead of delivered)."""
        self.ensure_one()
        return target

    def _cc_path_to(self, goal):
        """The shortest way from the order's state to ``goal`` in the table (empty when the
        order is there already or cannot get there)."""
        self.ensure_one()
        if self.cc_state == goal:
            return []
        paths = {self.cc_state: []}
        frontier = [self.cc_state]
        carrier_states = self._cc_carrier_states() | {"shipped"}
        while frontier:
            state = frontier.pop(0)
            for fulfilment, source, target in self._cc_transition_table():
                if fulfilment == self.cc_fulfilment and source == state and target not in paths \
                        and target in carrier_states:
                    paths[target] = [*paths[state], target]
                    if target == goal:
                        return paths[target]
                    frontier.append(target)
        return []

    def action_cc_print_label(self):
        self.ensure_one()
        shipments = self._cc_shipments() or self.picking_ids.filtered("carrier_tracking_ref")
        if not shipments:
            raise UserError(self.env._("%(order)s has no shipment with a label.", order=self.name))
        return shipments[:1].action_cc_print_label()

    def action_cc_resume_tracking(self):
        self._cc_shipped_deliveries().action_cc_resume_tracking()
        return True
