import logging

from odoo import models
from odoo.exceptions import AccessError, UserError

from odoo.addons.click_collect.models.delivery_carrier import FINAL_DELIVERY_STATES, FLOW_TARGETS

_logger = logging.getLogger(__name__)


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _cc_carrier_tracking_values(self, status, tracking_state, when):
        """Override of `click_collect`: what the flow's polling and callbacks hear fills OCA's
        carrier state and tracking state too (as a connector writes them), so that what reads
        them (lists, filters) sees the shipments of web orders as every other."""
        return {**super()._cc_carrier_tracking_values(status, tracking_state, when),
                **self._courier_tracking_values(status, tracking_state, when)}

    def _courier_cod_amount(self):
        """Override of `delivery_courier_base`: the courier of a web order collects what the
        flow says is due in cash on delivery."""
        # sudo: whoever ships (a warehouse user) may not read the order and its payments; only
        # the amount due is used, sent to the courier
        order = self.sudo().sale_id
        if order.cc_fulfilment:
            return order._cc_cod_due()
        return super()._courier_cod_amount()

    def _cc_is_system(self):
        """Whether the system acts (delivery_state's scheduled job), not a person."""
        return self.env.su or self.env.user._is_superuser()

    def tracking_state_update(self):
        """Override of `delivery_state`: the open shipments of web orders are asked the way the
        flow's polling asks them (one call per batch where the carrier takes several, statuses
        applied together, a failure kept on the shipment as its tracking error); the others go
        to their connector's ``<type>_tracking_state_update`` as before.
        A person asks for the deliveries they may change; their moves are the carrier's word,
        under their name."""
        # sudo: whether a delivery serves a web order (the person may not read the order)
        own = self.filtered(lambda p: p.carrier_id._cc_has_connector() and p.sudo().sale_id.cc_fulfilment)
        if own:
            system = self._cc_is_system()
            if not system:
                own.check_access("write")
            # what the flow's own polling asks about: open shipments that no person took over
            own_open = own.filtered_domain([
                ("state", "=", "done"), ("picking_type_code", "=", "outgoing"),
                ("carrier_tracking_ref", "!=", False), ("cc_tracking_manual", "=", False),
                ("cc_delivery_state", "not in", FINAL_DELIVERY_STATES),
            ])
            self.env["delivery.carrier"]._cc_poll(own_open, channel="cron" if system else "carrier")
            failed = own_open.filtered("cc_tracking_error")
            # delivery_state's own way: its scheduled job goes on, a person is told
            if failed and not system:
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

        delivery_state's scheduled job runs as the system, which moves the orders; when an order
        cannot follow (a guard of the flow), the carrier state is still recorded and the order
        says why in its chatter. A person who writes a carrier state (delivery_state's button,
        or a write over RPC) moves the orders as themselves: the flow's door checks that they
        may (a store user of the order's store), and the timeline names them.
        """
        # sudo: read which web orders these deliveries serve (the writer may not read the order
        # of another store; the door below checks what they may do with it)
        pickings = self.sudo().filtered(
            lambda p: p.picking_type_code == "outgoing" and not p.cc_tracking_manual
            and p.sale_id.cc_fulfilment == "ship"
        )
        if not pickings:
            return
        labels = dict(self._fields["delivery_state"]._description_selection(self.env))
        notes = {
            picking.sale_id.id: self.env._(
                "%(carrier)s: %(state)s (%(ref)s)", carrier=picking.carrier_id.name or "",
                state=labels[picking.delivery_state], ref=picking.carrier_tracking_ref or "",
            )
            for picking in pickings
        }
        if not self._cc_is_system():
            pickings.sale_id.with_env(self.env)._cc_follow_carrier(target, channel="carrier", note=notes)
            return
        orders = pickings.sale_id
        try:
            with self.env.cr.savepoint():
                orders._cc_follow_carrier(target, channel="carrier", note=notes)
            return
        except (UserError, AccessError) as error:  # one cannot follow: each on its own below
            if len(orders) == 1:
                self._cc_log_not_followed(orders, notes, error)
                return
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    order._cc_follow_carrier(target, channel="carrier", note=notes)
            except (UserError, AccessError) as error:
                self._cc_log_not_followed(order, notes, error)

    def _cc_log_not_followed(self, order, notes, error):
        """Say on ``order`` why it does not follow what its carrier says (the door's refusal)."""
        reason = str(error.args[0]) if error.args else ""
        _logger.info("%s does not follow its carrier state: %s", order.name, reason)
        order._message_log(body=self.env._(
            "The carrier says %(note)s; the order could not follow: %(reason)s",
            note=notes[order.id], reason=reason,
        ))

    def _send_delivery_state_delivered_email(self):
        """Override of `delivery_state`: the customers of web orders hear from the flow's own
        messages (per web shop), never also from delivery_state's "delivered" email."""
        # sudo: whoever writes the carrier state may not read the order of another store
        web = self.filtered(lambda p: p.sudo().sale_id.cc_fulfilment)
        return super(StockPicking, self - web)._send_delivery_state_delivered_email()
