import logging
import secrets

from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError

_logger = logging.getLogger(__name__)

# Tracking vocabulary of OCA delivery_state (stock.picking.delivery_state), so that both can live
# together; "incident" is a delivery that failed.
DELIVERY_STATES = [
    ("shipping_recorded_in_carrier", "Shipping recorded in carrier"),
    ("in_transit", "In transit"),
    ("canceled_shipment", "Canceled shipment"),
    ("incident", "Incident"),
    ("customer_delivered", "Delivered to the customer"),
    ("warehouse_delivered", "Returned to the warehouse"),
]
FINAL_DELIVERY_STATES = ("canceled_shipment", "customer_delivered", "warehouse_delivered")
# Tracking state -> the flow state a ship-from-store order moves to; the others (recorded at the
# carrier, shipment cancelled) move nothing. Couriers say only where the shipment is (their
# connectors' `tracking_states`, OCA's delivery_state): the flow decides what follows.
FLOW_TARGETS = {
    "in_transit": "shipped",
    "customer_delivered": "delivered",
    "incident": "failed",
    "warehouse_delivered": "returned",
}



class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    cc_webhook_secret = fields.Char(
        string="Webhook Token", groups="base.group_system", copy=False,
        help="The carrier sends it in the X-Webhook-Token header of its status callbacks.",
    )
    cc_webhook_hmac_secret = fields.Char(
        string="Webhook Signing Key", groups="base.group_system", copy=False,
        help="When set, status callbacks must also carry X-Webhook-Timestamp and "
             "X-Webhook-Signature, the HMAC-SHA256 of '<timestamp>.<body>' with this key.",
    )
    cc_webhook_url = fields.Char(string="Webhook URL", compute="_compute_cc_webhook_url")
    cc_webhook_url_token = fields.Char(
        string="Webhook URL with Token", compute="_compute_cc_webhook_url", groups="base.group_system",
        help="For a courier's dashboard that takes a URL and sends no header of ours (GHN): the "
             "URL carries the token. Keep it as secret as the token.",
    )
    cc_has_connector = fields.Boolean(string="Courier Connector", compute="_compute_cc_has_connector")
    cc_takes_callbacks = fields.Boolean(string="Posts Status Callbacks", compute="_compute_cc_has_connector")

    def _compute_cc_webhook_url(self):
        for carrier in self:
            url = (
                f"{carrier.get_base_url()}/click_collect/courier/{carrier.id}/webhook"
                if carrier.id and carrier._cc_connector_hook("read_callback") else False
            )
            carrier.cc_webhook_url = url
            token_url = False
            if url and (self.env.su or self.env.user.has_group("base.group_system")):
                # sudo: the token is the system administrators' (checked just above)
                secret = carrier.sudo().cc_webhook_secret
                token_url = secret and f"{url}?{url_encode({'token': secret})}"
            carrier.cc_webhook_url_token = token_url

    def action_cc_generate_webhook_token(self):
        """A new random webhook token for the courier's status callbacks (and a new signing key
        where one is used): the courier's dashboard gets the new *Webhook URL with Token*;
        callbacks with the old ones are refused from now on. Administrators only (the fields'
        group: writing them is refused to anyone else)."""
        for carrier in self:
            values = {"cc_webhook_secret": secrets.token_urlsafe(32)}
            if carrier.cc_webhook_hmac_secret:
                values["cc_webhook_hmac_secret"] = secrets.token_urlsafe(32)
            carrier.write(values)
        return True

    # ------------------------------------------------------------------ connectors
    # The flow knows no carrier and does not need delivery_courier_base: it asks the connector
    # of a carrier (delivery_ghn, delivery_dhl_express, any addon built on
    # delivery_courier_base) for its ``<delivery_type>_<hook>`` methods: `courier_client` (it has a connector),
    # `tracking_states` ({carrier status: tracking state}) and `fetch_tracking(shipments,
    # statuses, errors)` (polling, see delivery_courier_base), `read_callback(data)` (it posts
    # status callbacks: reads one, see click_collect.courier.event), `print_label(picking)` (its
    # copy of a shipment's label); click_collect_cod reads `cod_paid_out(client, picking)` (the
    # cash it has paid out). The hooks take Python objects: `@api.private`, no RPC endpoints.

    def _cc_connector_hook(self, hook):
        """This carrier's connector method ``<delivery_type>_<hook>``, or None (also for no
        carrier). Connectors are built on delivery_courier_base, which looks them up; where it
        is not installed, no carrier has one."""
        lookup = getattr(self, "_courier_hook", None)
        return lookup(hook) if lookup else None

    def _cc_has_connector(self):
        return bool(self._cc_connector_hook("courier_client"))

    @api.model
    def _cc_connector_types(self, hook="courier_client"):
        """The delivery types whose carriers implement the connector method ``hook``."""
        types = getattr(self, "_courier_types", None)
        return types(hook) if types else []

    @api.depends("delivery_type")
    def _compute_cc_has_connector(self):
        for carrier in self:
            carrier.cc_has_connector = carrier._cc_has_connector()
            carrier.cc_takes_callbacks = bool(carrier._cc_connector_hook("read_callback"))

    # ------------------------------------------------------------------ status sync

    def _cc_tracking_states(self):
        """{carrier status: tracking state} (DELIVERY_STATES) of this carrier's connector."""
        table = self._cc_connector_hook("tracking_states")
        return table() if table else {}

    @api.model
    def _cc_open_shipments_domain(self):
        return [
            ("carrier_id.delivery_type", "in", self._cc_connector_types()),
            ("sale_id.cc_fulfilment", "!=", False),
            ("state", "=", "done"),
            ("carrier_tracking_ref", "!=", False),
            ("picking_type_code", "=", "outgoing"),
            ("cc_tracking_manual", "=", False),
            ("cc_delivery_state", "not in", FINAL_DELIVERY_STATES),
        ]

    @api.model
    def _cc_shipments_in_batches(self, domain, batch_size, process):
        """Run ``process`` on the shipments of ``domain``, a batch at a time, committed after
        each (with the job's progress); stop when it returns False."""
        Picking = self.env["stock.picking"]
        remaining = Picking.search_count(domain)
        last_id = 0
        while True:
            batch = Picking.search([*domain, ("id", ">", last_id)], order="id", limit=batch_size)
            if not batch:
                break
            last_id = batch[-1].id
            if process(batch) is False:
                break
            remaining -= len(batch)
            self.env["ir.cron"]._commit_progress(len(batch), remaining=max(remaining, 0))

    @api.model
    def _cc_cron_poll_shipments(self, batch_size=200):
        """Fetch the status of every open shipment of the connected carriers, in batches."""
        self._cc_shipments_in_batches(self._cc_open_shipments_domain(), batch_size, self._cc_poll)

    @api.model
    def _cc_poll(self, pickings, channel="cron"):
        """Poll the given shipments: one call per batch where the carrier takes several (DHL),
        one per shipment where it does not (GHN). A carrier that fails is retried next run; the
        failure is kept on the shipments (Tracking Error) until a poll gets their status.

        :return: the pickings whose tracking changed
        """
        changed = self.env["stock.picking"]
        for carrier, shipments in pickings.grouped("carrier_id").items():
            statuses, errors = {}, {}
            try:
                # fills statuses and errors as it goes: what it got before failing is kept
                carrier._cc_connector_hook("fetch_tracking")(shipments, statuses, errors)
            except (AccessError, MissingError):
                raise
            except UserError as error:
                _logger.warning("Polling %s failed, to be retried: %s", carrier.name, error)
                errors.update({picking: str(error) for picking in shipments if picking not in statuses})
            changed |= self._cc_apply_polled(statuses, errors, channel)
            self._cc_record_tracking_errors(shipments, errors)
        return changed

    @api.model
    def _cc_apply_polled(self, statuses, errors, channel="cron"):
        """Apply polled statuses ({picking: status}) all together; when that fails, one shipment
        at a time, so that one shipment that cannot move stops none (the next run retries it;
        its error is added to ``errors``).

        :return: the pickings whose tracking changed
        """
        Picking = self.env["stock.picking"]
        try:
            with self.env.cr.savepoint():
                return Picking._cc_apply_carrier_statuses(statuses, channel=channel)
        except Exception as error:  # replayed shipment by shipment below
            if len(statuses) == 1:
                picking, status = next(iter(statuses.items()))
                _logger.warning("Status %s of %s not applied: %s", status, picking.carrier_tracking_ref, error)
                errors[picking] = str(error)
                return Picking
        changed = Picking
        for picking, status in statuses.items():
            changed |= self._cc_apply_polled({picking: status}, errors, channel)
        return changed

    @api.model
    def _cc_record_tracking_errors(self, shipments, errors):
        """Keep the last polling error of each shipment; clear it once its status came."""
        now = fields.Datetime.now()
        for picking, error in errors.items():
            picking.write({"cc_tracking_error": error[:1000], "cc_tracking_error_date": now})
        cleared = shipments.filtered(lambda p: p.cc_tracking_error and p not in errors)
        if cleared:
            cleared.write({"cc_tracking_error": False, "cc_tracking_error_date": False})
