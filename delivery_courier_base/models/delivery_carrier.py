import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.courier import CourierError, CourierRefused, CourierUnreachable

_logger = logging.getLogger(__name__)

# A carrier's request waits at most this long (seconds), and is tried again at most this often:
# a worker is not held for longer by a slow carrier.
MAX_TIMEOUT = 60
MAX_RETRIES = 5


class DeliveryCarrier(models.Model):
    """What carrier connectors share.

    A connector adds its provider to ``delivery_type`` and implements, besides Odoo's
    ``<delivery_type>_rate_shipment``, ``_send_shipping``, ``_cancel_shipment`` and
    ``_get_tracking_link``, the ``<delivery_type>_<hook>`` methods of this contract (plain
    Python objects in and out: ``@api.private``, they are no RPC endpoints):

    - ``courier_client()``: its transport client (plain Python, no ORM), built from the
      carrier's credentials (read as superuser, see ``_courier_client``);
    - ``courier_ping(client)``: a harmless request that proves the credentials (Test Connection);
    - ``tracking_states()``: {carrier status: carrier state of OCA ``delivery_state``};
    - ``fetch_tracking(shipments, statuses, errors)``: the carrier's status of each shipment,
      in as few calls as the carrier allows; fills ``statuses`` ({picking: status}) and
      ``errors`` ({picking: message}) as it goes, and raises UserError when the carrier cannot
      be asked at all (what it filled before is kept);
    - ``courier_currency()``, optional: the currency the carrier counts in (else the company's).

    With the first two, ``<delivery_type>_tracking_state_update`` (OCA ``delivery_state``'s
    hook) is ``_courier_tracking_state_update``. A connector may offer more hooks to who ships
    with it (callbacks, labels again, the cash it paid out): they are looked up the same way, by
    ``_courier_hook``.
    """

    _inherit = "delivery.carrier"

    courier_endpoint_url = fields.Char(
        string="Service URL", copy=False, groups="base.group_system",
        help="Leave empty to use the carrier's test or production service (the Environment "
             "switch); set it to reach the service through a proxy or another address. The "
             "carrier's credentials are sent there: administrators set it.",
    )
    courier_timeout = fields.Float(string="Timeout (Seconds)", default=15.0)
    courier_retries = fields.Integer(string="Retries", default=2,
                                     help="Further attempts after a network error or a 5xx answer.")
    courier_has_connector = fields.Boolean(string="Has a Connector", compute="_compute_courier_has_connector")

    @api.constrains("courier_timeout", "courier_retries")
    def _check_courier_patience(self):
        for carrier in self:
            if not 1 <= carrier.courier_timeout <= MAX_TIMEOUT or not 0 <= carrier.courier_retries <= MAX_RETRIES:
                raise ValidationError(self.env._(
                    "%(carrier)s: the timeout is between 1 and %(timeout)s seconds, the retries between 0 and "
                    "%(retries)s (a request waits at most their product).",
                    carrier=carrier.name, timeout=MAX_TIMEOUT, retries=MAX_RETRIES,
                ))

    @api.depends("delivery_type")
    def _compute_courier_has_connector(self):
        for carrier in self:
            carrier.courier_has_connector = bool(carrier._courier_hook("courier_client"))

    def _courier_hook(self, hook):
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

    @api.model
    def _courier_types(self, hook="courier_client"):
        """The delivery types whose carriers implement the connector method ``hook``."""
        return [
            delivery_type for delivery_type in self._fields["delivery_type"].get_values(self.env)
            if callable(getattr(self, f"{delivery_type}_{hook}", None))
        ]

    def _courier_client(self):
        """The transport client of this carrier (plain Python, no ORM).

        :raise CourierError: the carrier lacks what its connector needs (credentials)
        :raise UserError: the carrier has no connector
        """
        self.ensure_one()
        # sudo: credentials are readable by administrators only; the client uses them to act
        # on behalf of whoever ships, tracks or prints.
        client = self.sudo()._courier_hook("courier_client")
        if not client:
            raise UserError(self.env._("%(carrier)s has no connector.", carrier=self.name))
        return client()

    def _courier_user_error(self, error):
        """A carrier's error as a message a person can act on: what failed, the address
        called, why, and which settings to check; its title says whether the courier could not
        be reached (CourierUnreachable) or refused the request (CourierRefused)."""
        lines = [self.env._("%(carrier)s: %(error)s", carrier=self.name, error=str(error))]
        if error.url:
            lines.append(self.env._("Address called: %(url)s", url=error.url))
        if error.cause:
            lines.append(self.env._("Cause: %(cause)s", cause=self._courier_cause_text(error.cause)))
        if error.unreachable:
            lines.append(self.env._(
                "Check the Service URL and the Environment on %(carrier)s's form (Configuration tab), this "
                "server's access to the internet, and the courier's service status.", carrier=self.name))
            return CourierUnreachable("\n".join(lines))
        if error.url:
            lines.append(self.env._(
                "Check the credentials on %(carrier)s's form, and the shipment's addresses, phone and "
                "weight: the courier's own words above say what it refused.", carrier=self.name))
            return CourierRefused("\n".join(lines))
        return UserError("\n".join(lines))

    def _courier_cause_text(self, cause):
        """Why the courier could not be reached (tools.courier.network_cause), in words."""
        return {
            "timeout": self.env._("no answer within %(seconds)s seconds", seconds=f"{self.courier_timeout:g}"),
            "tls": self.env._("the secure connection (TLS) failed: check the address and its certificate"),
            "dns": self.env._("the server's name was not found (DNS)"),
            "refused": self.env._("the connection was refused: nothing answers at this address"),
            "route": self.env._("no network route to the server"),
            "closed": self.env._("the server closed the connection without answering"),
        }.get(cause, cause)

    def _courier_call(self, func, *args, **kwargs):
        """Call the carrier; its errors become messages a person can act on (UserError)."""
        try:
            return func(*args, **kwargs)
        except CourierError as error:
            _logger.info("%s: %s", self.name, error)
            raise self._courier_user_error(error) from None

    def action_courier_test_connection(self):
        self.ensure_one()
        client = self._courier_call(self._courier_client)
        self._courier_call(self._courier_hook("courier_ping"), client)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "title": self.name,
                       "message": self.env._("The connection works."), "sticky": False},
        }

    def _courier_tracking_state_update(self, picking):
        """Ask the carrier where ``picking`` is and record it (``delivery_state``).

        :raise UserError: the carrier could not say
        """
        if not picking.carrier_tracking_ref:  # never sent to the carrier (or cancelled there)
            return
        statuses, errors = {}, {}
        self._courier_hook("fetch_tracking")(picking, statuses, errors)
        if picking in errors:
            raise UserError(self.env._("%(carrier)s: %(error)s", carrier=self.name, error=errors[picking]))
        picking._courier_record_tracking(statuses.get(picking), self._courier_hook("tracking_states")())

    # ------------------------------------------------------------------ helpers

    def _courier_currency(self):
        """The currency the carrier counts in (its connector's ``courier_currency``), or None."""
        currency = self._courier_hook("courier_currency")
        return currency() if currency else None

    def _courier_convert(self, amount, from_currency, to_currency, company):
        if not from_currency or not to_currency or from_currency == to_currency:
            return amount
        return from_currency._convert(amount, to_currency, company, fields.Date.context_today(self))

    def _courier_weight_grams(self, moves_or_lines):
        """The weight of moves or sale lines in grams (100 g at least)."""
        weight = 0.0
        for record in moves_or_lines:
            product = record.product_id
            qty = record.product_uom_qty if "product_uom_qty" in record._fields else 1.0
            weight += (product.weight or 0.0) * qty
        return max(round(weight * 1000), 100)
