import hashlib
import hmac
import json
import logging
import time

from psycopg2 import IntegrityError

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# A signed callback older or newer than this is refused (seconds).
TIMESTAMP_WINDOW = 300
MAX_BODY = 256 * 1024


class WebhookRefused(Exception):
    """A courier callback that is not taken: (HTTP status, reason)."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class ClickCollectCourierEvent(models.Model):
    """A status callback received from a courier, kept once per event and processed after the
    request that brought it."""

    _name = "click_collect.courier.event"
    _description = "Courier Status Callback"
    _order = "id desc"
    _rec_name = "tracking_ref"

    carrier_id = fields.Many2one("delivery.carrier", required=True, index=True, ondelete="cascade", readonly=True)
    event_key = fields.Char(required=True, readonly=True, help="The event's identity at the courier.")
    tracking_ref = fields.Char(string="Tracking Number", index=True, readonly=True)
    status = fields.Char(string="Courier Status", readonly=True)
    payload = fields.Text(readonly=True)
    picking_id = fields.Many2one("stock.picking", readonly=True, ondelete="set null")
    state = fields.Selection(
        [("pending", "To Process"), ("done", "Applied"), ("ignored", "Nothing to Change"), ("error", "Error")],
        default="pending", required=True, index=True, readonly=True,
    )
    error = fields.Text(readonly=True)

    _event_key_uniq = models.Constraint(
        "UNIQUE(carrier_id, event_key)", "A courier event is received once.",
    )

    # ------------------------------------------------------------------ receiving

    @api.model
    def _cc_receive(self, carrier, headers, body):
        """Check and store one callback of ``carrier``; processing happens after commit.

        :return: (HTTP status, answer dict)
        :raise WebhookRefused: unsigned, badly signed, stale or malformed callbacks
        """
        if len(body) > MAX_BODY:
            raise WebhookRefused(413, "too large")
        carrier_sudo = carrier.sudo()  # sudo: the secrets are readable by administrators only
        secret = carrier_sudo.cc_webhook_secret
        if not secret:
            raise WebhookRefused(403, "webhook not configured")
        if not hmac.compare_digest(headers.get("X-Webhook-Token", ""), secret):
            raise WebhookRefused(401, "bad token")
        if carrier_sudo.cc_webhook_hmac_secret:
            stamp = headers.get("X-Webhook-Timestamp", "")
            if not stamp.isdigit() or abs(time.time() - int(stamp)) > TIMESTAMP_WINDOW:
                raise WebhookRefused(401, "stale or missing timestamp")
            expected = hmac.new(carrier_sudo.cc_webhook_hmac_secret.encode(), stamp.encode() + b"." + body,
                                hashlib.sha256).hexdigest()
            if not hmac.compare_digest(headers.get("X-Webhook-Signature", ""), expected):
                raise WebhookRefused(401, "bad signature")
        try:
            data = json.loads(body)
        except ValueError:
            raise WebhookRefused(400, "not JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("OrderCode"), str) \
                or not isinstance(data.get("Status"), str):
            raise WebhookRefused(400, "OrderCode and Status are required")
        key = hashlib.sha256("|".join(
            str(data.get(name, "")) for name in ("OrderCode", "Status", "Type", "Time")
        ).encode()).hexdigest()
        try:
            with self.env.cr.savepoint():
                self.create({
                    "carrier_id": carrier.id, "event_key": key, "tracking_ref": data["OrderCode"][:64],
                    "status": data["Status"][:64], "payload": body.decode("utf-8", "replace"),
                })
        except IntegrityError:
            return 200, {"status": "duplicate"}
        self.env.ref("click_collect.ir_cron_process_courier_events")._trigger()
        return 200, {"status": "accepted"}

    # ------------------------------------------------------------------ processing

    @api.model
    def _cc_cron_process(self, limit=500):
        pending = self.search([("state", "=", "pending")], order="id", limit=limit)
        pending._cc_process()
        if len(pending) == limit:
            self.env.ref("click_collect.ir_cron_process_courier_events")._trigger()

    def _cc_process(self):
        """Apply pending callbacks, oldest first, each on its own: one failure stops none."""
        events = self.filtered(lambda e: e.state == "pending").sorted("id")
        pickings = self.env["stock.picking"].search([
            ("carrier_tracking_ref", "in", events.mapped("tracking_ref")),
            ("carrier_id", "in", events.carrier_id.ids),
        ])
        by_ref = {(p.carrier_id.id, p.carrier_tracking_ref): p for p in pickings}
        for event in events:
            picking = by_ref.get((event.carrier_id.id, event.tracking_ref))
            if not picking:
                event.write({"state": "ignored", "error": self.env._("No shipment has this tracking number.")})
                continue
            try:
                with self.env.cr.savepoint():
                    changed = picking._cc_apply_carrier_status(event.status, channel="webhook")
                event.write({"state": "done" if changed else "ignored", "picking_id": picking.id, "error": False})
            except Exception as error:  # kept on the event, for a person to see
                _logger.warning("Courier event %s not applied: %s", event.id, error)
                event.write({"state": "error", "picking_id": picking.id, "error": str(error)})

    def action_retry(self):
        """Apply failed callbacks again (a web-order manager, after fixing the cause)."""
        self.check_access("read")
        # sudo: callbacks are written by the system only; the manager asks to replay them.
        events = self.sudo().filtered(lambda e: e.state == "error")
        events.write({"state": "pending", "error": False})
        events._cc_process()
        return True
