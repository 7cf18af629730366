import logging

from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.access import check_system_fields
from ..tools.courier import CourierError

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



# URLs the courier's credentials are sent to: set by system administrators only
CREDENTIAL_URL_FIELDS = ("courier_endpoint_url",)


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    courier_endpoint_url = fields.Char(
        string="Service URL", copy=False,
        help="Leave empty to use the carrier's test or production service (the Environment "
             "switch); set it to reach the service through a proxy or another address. The "
             "courier's credentials are sent there: administrators set it.",
    )
    courier_timeout = fields.Float(string="Timeout (Seconds)", default=15.0)
    courier_retries = fields.Integer(string="Retries", default=2,
                                help="Further attempts after a network error or a 5xx answer.")
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
    cc_has_connector = fields.Boolean(string="Has a Connector", compute="_compute_cc_has_connector")
    cc_takes_callbacks = fields.Boolean(string="Posts Status Callbacks", compute="_compute_cc_has_connector")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("courier_endpoint_url"):
                check_system_fields(self, vals, CREDENTIAL_URL_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_system_fields(self, vals, CREDENTIAL_URL_FIELDS)
        return super().write(vals)

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

    # ------------------------------------------------------------------ connectors
    # A carrier with a connector implements, besides Odoo's `<delivery_type>_*` carrier methods
    # (rate_shipment, send_shipping, cancel_shipment, get_tracking_link) and OCA
    # delivery_state's `<delivery_type>_tracking_state_update`, these `<delivery_type>_<hook>`
    # methods, none of them about the flow: `courier_client` (its transport client, plain
    # Python), `courier_ping(client)`, `tracking_states` ({carrier status: tracking state}),
    # `fetch_tracking(client, shipments, statuses, errors)` (fills {picking: status} and
    # {picking: error}); optionally `courier_currency` (the one it counts in, else the
    # company's), `read_callback(data)` (it posts status callbacks: reads one, see
    # click_collect.courier.event), `print_label(picking)` (its copy of a shipment's label) and
    # `cod_paid_out(client, picking)` (it says which cash it has paid out: read by
    # click_collect_cod). Nothing in the flow lists the carriers. The hooks take Python objects:
    # `@api.private`, they are no RPC endpoints.

    def _cc_connector_hook(self, hook):
        """This carrier's connector method ``<delivery_type>_<hook>``, or None (also for no
        carrier)."""
        if not self:
            return None
        self.ensure_one()
        # only a provider of the selection names a connector (a record in an onchange is not
        # checked against it yet)
        if self.delivery_type not in self._fields["delivery_type"].get_values(self.env):
            return None
        method = getattr(self, f"{self.delivery_type}_{hook}", None)
        return method if callable(method) else None

    def _cc_has_connector(self):
        return bool(self._cc_connector_hook("courier_client"))

    @api.model
    def _cc_connector_types(self, hook="courier_client"):
        """The delivery types whose carriers implement the connector method ``hook``."""
        return [
            delivery_type for delivery_type in self._fields["delivery_type"].get_values(self.env)
            if hasattr(self, f"{delivery_type}_{hook}")
        ]

    @api.depends("delivery_type")
    def _compute_cc_has_connector(self):
        for carrier in self:
            carrier.cc_has_connector = carrier._cc_has_connector()
            carrier.cc_takes_callbacks = bool(carrier._cc_connector_hook("read_callback"))

    # ------------------------------------------------------------------ transport

    def _courier_client(self):
        """The transport client of this carrier (plain Python, no ORM)."""
        self.ensure_one()
        # sudo: credentials are readable by administrators only; the client uses them to act
        # on behalf of whoever ships, tracks or prints.
        client = self.sudo()._cc_connector_hook("courier_client")
        if not client:
            raise UserError(self.env._("%(carrier)s has no connector.", carrier=self.name))
        return client()

    def _courier_call(self, func, *args, **kwargs):
        """Call the carrier; its errors become messages a person can act on."""
        try:
            return func(*args, **kwargs)
        except CourierError as error:
            _logger.info("%s: %s", self.name, error)
            raise UserError(self.env._("%(carrier)s: %(error)s", carrier=self.name, error=str(error))) from None

    def action_courier_test_connection(self):
        self.ensure_one()
        client = self._courier_call(self._courier_client)
        self._courier_call(self._cc_connector_hook("courier_ping"), client)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "title": self.name,
                       "message": self.env._("The connection works."), "sticky": False},
        }

    # ------------------------------------------------------------------ helpers

    def _courier_currency(self):
        """The currency the courier counts in (its connector's ``courier_currency``), or None."""
        currency = self._cc_connector_hook("courier_currency")
        return currency() if currency else None

    def _courier_convert(self, amount, from_currency, to_currency, company):
        if not from_currency or not to_currency or from_currency == to_currency:
            return amount
        return from_currency._convert(amount, to_currency, company, fields.Date.context_today(self))

    def _courier_weight_grams(self, moves_or_lines):
        weight = 0.0
        for record in moves_or_lines:
            product = record.product_id
            qty = record.product_uom_qty if "product_uom_qty" in record._fields else 1.0
            weight += (product.weight or 0.0) * qty
        return max(round(weight * 1000), 100)

    # ------------------------------------------------------------------ status sync

    def _cc_tracking_states(self):
        """{carrier status: tracking state} (DELIVERY_STATES) of this carrier's connector."""
        table = self._cc_connector_hook("tracking_states")
        return table() if table else {}

    @api.model
    def _cc_open_shipments_domain(self):
        return [
            ("carrier_id.delivery_type", "in", self._cc_connector_types()),
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
                client = carrier._courier_client()
                # fills statuses and errors as it goes: what it got before failing is kept
                carrier._cc_connector_hook("fetch_tracking")(client, shipments, statuses, errors)
            except CourierError as error:
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
