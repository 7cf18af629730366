import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import IntegrityError

from odoo import api, fields, models

from ..tools.jobs import trigger_job
from ..tools.text import nonblank_text

_logger = logging.getLogger(__name__)

# A signed callback older or newer than this is refused (seconds).
TIMESTAMP_WINDOW = 300
MAX_BODY = 256 * 1024
# A callback whose processing fails is applied again after these minutes, then given up.
BACKOFF_MINUTES = (5, 15, 60, 240)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1


def _same(given, expected):
    """Constant-time comparison of a header with a secret; any text, also non-ASCII, compares."""
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape"))


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
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True,
        help="The shipment's company, or the courier's until the shipment is known (none for a courier "
             "of every company).",
    )
    event_key = fields.Char(required=True, readonly=True, help="The event's identity at the courier.")
    tracking_ref = fields.Char(string="Tracking Number", index=True, readonly=True)
    status = fields.Char(string="Courier Status", readonly=True)
    payload = fields.Text(readonly=True)
    signed = fields.Boolean(
        readonly=True,
        help="The callback carried a valid signature (HMAC) besides the courier's token: only a "
             "signed callback books the cash it says the courier paid out; an unsigned one has "
             "the courier asked first.",
    )
    picking_id = fields.Many2one("stock.picking", readonly=True, ondelete="set null")
    state = fields.Selection(
        [("pending", "To Process"), ("done", "Applied"), ("ignored", "Nothing to Change"), ("error", "Error")],
        default="pending", required=True, index=True, readonly=True,
    )
    error = fields.Text(readonly=True)
    attempt_count = fields.Integer(string="Failed Attempts", readonly=True)
    next_attempt_at = fields.Datetime(string="Next Attempt", readonly=True,
                                      help="When the scheduled job applies a failed callback again.")

    _event_key_uniq = models.Constraint(
        "UNIQUE(carrier_id, event_key)", "A courier event is received once.",
    )

    @api.depends("picking_id.company_id", "carrier_id.company_id")
    def _compute_company_id(self):
        for event in self:
            event.company_id = event.picking_id.company_id or event.carrier_id.company_id

    # ------------------------------------------------------------------ receiving

    @api.model
    def _cc_receive(self, carrier, headers, body, query_token=None):
        """Check and store one callback of ``carrier``; processing happens after commit. The
        carrier's connector reads the callback (its ``callback`` hook: the shipment's tracking
        number, its status, what makes the event unique, the cash paid out if it says so).

        The token comes in the ``X-Webhook-Token`` header, or, for a courier that posts its
        callbacks as they are (GHN signs nothing and sends no header of ours), in the URL's
        ``token`` parameter that its dashboard holds. With a signing key, the callback must
        also be signed (a proxy in front of the courier signs it).

        :return: (HTTP status, answer dict)
        :raise WebhookRefused: unsigned, badly signed, stale or malformed callbacks
        """
        if len(body) > MAX_BODY:
            raise WebhookRefused(413, "too large")
        carrier_sudo = carrier.sudo()  # sudo: the secrets are readable by administrators only
        secret = carrier_sudo.cc_webhook_secret
        if not secret:
            raise WebhookRefused(403, "webhook not configured")
        if not _same(headers.get("X-Webhook-Token") or query_token or "", secret):
            raise WebhookRefused(401, "bad token")
        signed = bool(carrier_sudo.cc_webhook_hmac_secret)
        if signed:
            stamp = headers.get("X-Webhook-Timestamp", "")
            # ASCII digits only: "²" is a digit to str.isdigit, and int() takes no 5000 digits
            if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12) \
                    or abs(time.time() - int(stamp)) > TIMESTAMP_WINDOW:
                raise WebhookRefused(401, "stale or missing timestamp")
            expected = hmac.new(carrier_sudo.cc_webhook_hmac_secret.encode(), stamp.encode() + b"." + body,
                                hashlib.sha256).hexdigest()
            if not _same(headers.get("X-Webhook-Signature", ""), expected):
                raise WebhookRefused(401, "bad signature")
        try:
            # UTF-8 only (json.loads would guess UTF-16 or UTF-32 from bytes)
            text = body.decode("utf-8")
            data = json.loads(text)
        except (ValueError, RecursionError):  # invalid UTF-8 is a ValueError too
            raise WebhookRefused(400, "not JSON") from None
        read = carrier._cc_connector_hook("read_callback")
        event = read(data) if read and isinstance(data, dict) else None
        if not event or not nonblank_text(event.get("tracking_ref")) or not nonblank_text(event.get("status")):
            raise WebhookRefused(400, "not a status callback of this courier")
        key = hashlib.sha256("|".join(str(part) for part in event["identity"]).encode(
            "utf-8", "surrogatepass")).hexdigest()
        try:
            with self.env.cr.savepoint():
                self.create({
                    "carrier_id": carrier.id, "event_key": key, "tracking_ref": event["tracking_ref"][:64],
                    "status": event["status"][:64], "payload": text, "signed": signed,
                })
        except IntegrityError:
            return 200, {"status": "duplicate"}
        trigger_job(self.env, "click_collect.ir_cron_process_courier_events")
        return 200, {"status": "accepted"}

    # ------------------------------------------------------------------ processing

    @api.model
    def _cc_cron_process(self, limit=500):
        """Scheduled job: apply the callbacks received, and retry those that failed when due."""
        due = self.search([
            "|", ("state", "=", "pending"),
            "&", "&", ("state", "=", "error"), ("attempt_count", "<", MAX_ATTEMPTS),
            ("next_attempt_at", "<=", fields.Datetime.now()),
        ], order="id", limit=limit)
        due._cc_process()
        if len(due) == limit:
            trigger_job(self.env, "click_collect.ir_cron_process_courier_events")

    def _cc_process(self):
        """Apply pending callbacks (and failed ones again), oldest first. Callbacks of different
        shipments are applied together, in waves of one callback per shipment in the order they
        came; a wave that fails is applied again one callback at a time, so that one failure
        stops none. A failure is kept on the event and retried with back-off; after
        MAX_ATTEMPTS it is given up and said in the order's chatter."""
        events = self.filtered(lambda e: e.state in ("pending", "error")).sorted("id")
        if not events:
            return
        pickings = self.env["stock.picking"].search([
            ("carrier_tracking_ref", "in", events.mapped("tracking_ref")),
            ("carrier_id", "in", events.carrier_id.ids),
        ])
        by_ref = {(p.carrier_id.id, p.carrier_tracking_ref): p for p in pickings}
        todo = []
        for event in events:
            picking = by_ref.get((event.carrier_id.id, event.tracking_ref))
            if not picking:
                event.write({"state": "ignored", "error": self.env._("No shipment has this tracking number.")})
            elif event.state == "error" and event._cc_superseded():
                # an older status applied after a newer one would move the shipment back
                event.write({"state": "ignored", "next_attempt_at": False,
                             "error": self.env._("A later status of this shipment was applied.")})
            else:
                todo.append((event, picking))
        retry_at = None
        while todo:
            wave, later, seen = [], [], set()
            for event, picking in todo:
                (later if picking.id in seen else wave).append((event, picking))
                seen.add(picking.id)
            todo = later
            if len(wave) > 1 and self._cc_apply_wave(wave):
                continue
            for event, picking in wave:
                failed_until = event._cc_apply(picking)
                if failed_until:
                    retry_at = min(retry_at or failed_until, failed_until)
        if retry_at:
            trigger_job(self.env, "click_collect.ir_cron_process_courier_events", retry_at)

    def _cc_apply_wave(self, wave):
        """Apply callbacks of different shipments together: [(event, picking)].

        :return: whether they were applied (False: nothing changed, apply them one by one)
        """
        try:
            with self.env.cr.savepoint():
                changed = self.env["stock.picking"]._cc_apply_carrier_statuses(
                    {picking: event.status for event, picking in wave}, channel="webhook")
                paid_out = self._cc_record_payouts(wave)
        except Exception as error:  # applied again one by one, each failure on its own event
            _logger.info("Courier callbacks applied one by one: %s", error)
            return False
        for event, picking in wave:
            event.write({"state": "done" if picking in changed or event.id in paid_out else "ignored",
                         "picking_id": picking.id, "error": False, "next_attempt_at": False})
        return True

    def _cc_apply(self, picking):
        """Apply one callback to its shipment; a failure is kept on the event.

        :return: when to retry it, if it failed and is to be retried
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                changed = picking._cc_apply_carrier_status(self.status, channel="webhook")
                changed = bool(self._cc_record_payouts([(self, picking)])) or changed
            self.write({"state": "done" if changed else "ignored", "picking_id": picking.id, "error": False,
                        "next_attempt_at": False})
            return None
        except Exception as error:  # kept on the event, for a person to see, and retried
            attempts = self.attempt_count + 1
            _logger.warning("Courier event %s not applied (attempt %s of %s): %s", self.id, attempts,
                            MAX_ATTEMPTS, error)
            values = {"state": "error", "picking_id": picking.id, "error": str(error),
                      "attempt_count": attempts, "next_attempt_at": False}
            if attempts < MAX_ATTEMPTS:
                values["next_attempt_at"] = fields.Datetime.now() + timedelta(minutes=BACKOFF_MINUTES[attempts - 1])
            self.write(values)
            if attempts == MAX_ATTEMPTS:
                self._cc_log_given_up()
            return values["next_attempt_at"]

    @api.model
    def _cc_record_payouts(self, applied):
        """Book what callbacks say their courier paid out for their shipments (cash collected on
        delivery); the base books nothing (see click_collect_cod).

        :param applied: [(event, picking)] of callbacks just applied
        :return: the ids of the events whose payout was booked
        """
        return set()

    def _cc_superseded(self):
        """Whether a later callback of the same shipment was applied."""
        self.ensure_one()
        return bool(self.search_count([
            ("carrier_id", "=", self.carrier_id.id), ("tracking_ref", "=", self.tracking_ref),
            ("state", "=", "done"), ("id", ">", self.id),
        ], limit=1))

    def _cc_log_given_up(self):
        """Say in the order's chatter that a courier status could not be applied."""
        self.ensure_one()
        order = self.picking_id.sale_id
        if not order:
            return
        order._message_log(body=Markup("<b>%s</b><br/>%s") % (
            self.env._("The courier status \"%(status)s\" of %(ref)s could not be applied after %(count)s "
                       "attempts; retry it from Courier Callbacks once the cause is fixed.",
                       status=self.status, ref=self.tracking_ref, count=self.attempt_count),
            self.error or "",
        ))

    def action_retry(self):
        """Apply failed callbacks again (a web-order manager, after fixing the cause)."""
        self.check_access("read")
        # sudo: callbacks are written by the system only; the manager asks to replay them.
        events = self.sudo().filtered(lambda e: e.state == "error")
        events.write({"state": "pending", "error": False, "attempt_count": 0, "next_attempt_at": False})
        events._cc_process()
        return True
