import hashlib
import hmac
import json
import logging
import time
import uuid
from datetime import timedelta
from http import HTTPStatus

import requests
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.click_collect.tools.jobs import trigger_job

from ..tools import api_contract

_logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Click-Collect-Signature"
EVENT_HEADER = "X-Click-Collect-Event-Id"
TIMEOUT = 10  # seconds per attempt
# Minutes to wait after each failed attempt; once they are used up, the delivery has failed.
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360, 720, 1440)
# What sending writes on a delivery; the rest (its body, web shop, order, event) never changes.
SEND_FIELDS = frozenset({"state", "attempt_count", "next_attempt_at", "last_attempt_at", "last_status_code",
                         "last_error", "url"})
MAX_REASON = 120  # characters of the reason of a failed attempt
# the webhooks of a return's steps (sale.order._cc_notify_return)
RETURN_EVENT_TYPES = {"return_received": "order.return_received", "refunded": "order.refunded",
                      "return_cancelled": "order.return_cancelled"}
# deliveries the job locks, sends and commits at a time: 10 x TIMEOUT at most between commits
COMMIT_EVERY = 10


def sign(secret, body, timestamp):
    """The signature header's value, ``t=<unix time>,v1=<hex>``: the HMAC-SHA256, with the web
    shop's secret, of the time, a dot and the raw body. The time is signed with the body: a
    receiver that refuses old signatures cannot be sent an old body again."""
    signed = f"{timestamp}.".encode() + body
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def _reason(status):
    """The short reason of an HTTP answer: its code and standard phrase, never the receiver's
    words (its body may hold anything, also what it should not have shown)."""
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


class ClickCollectWebhookDelivery(models.Model):
    """One status change of a web order, posted to the web shop that sent the order.

    Deliveries are queued by the flow's door in the transition's own transaction (a rolled back
    transition sends nothing), sent by the scheduled job it triggers once that transaction
    commits, retried with back-off while the web shop fails, and replayable from the back
    office. Sending never blocks nor undoes the flow.
    """

    _name = "click_collect.webhook.delivery"
    _description = "Web Shop Status Webhook"
    _order = "id desc"
    _rec_name = "event_uid"

    web_shop_id = fields.Many2one("click_collect.web.shop", required=True, readonly=True, ondelete="cascade",
                                  index=True)
    company_id = fields.Many2one(related="web_shop_id.company_id", store=True, precompute=True)
    order_id = fields.Many2one("sale.order", readonly=True, ondelete="cascade", index=True)
    event_id = fields.Many2one("click_collect.event", string="Timeline Event", readonly=True, ondelete="set null")
    event_uid = fields.Char(string="Event Id", required=True, readonly=True, copy=False,
                            default=lambda self: str(uuid.uuid4()))
    url = fields.Char(string="URL", readonly=True)
    payload = fields.Text(required=True, readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Delivered"), ("failed", "Failed")],
        default="pending", required=True, readonly=True, index=True,
    )
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    next_attempt_at = fields.Datetime(string="Next Attempt", readonly=True, default=fields.Datetime.now, index=True)
    last_attempt_at = fields.Datetime(string="Last Attempt", readonly=True)
    last_status_code = fields.Integer(string="Last HTTP Status", readonly=True)
    last_error = fields.Char(string="Last Reason", readonly=True,
                             help="Why the last attempt failed, in short: the receiver's answer is not kept.")

    _event_uid_uniq = models.Constraint("UNIQUE(event_uid)", "The event id of a webhook is unique.")

    def write(self, vals):
        """Deliveries are the system's outbox: only sending writes them, and only the outcome of
        its attempts. A body, once queued, is what the web shop gets, signed, at every attempt:
        nobody rewrites it, nor sends it to another web shop or for another order."""
        frozen = set(vals) - SEND_FIELDS
        if frozen or not self.env.su:
            raise AccessError(self.env._(
                "Status webhooks are written by the system only (refused: %(fields)s); "
                "use Send Again to send one again.",
                fields=", ".join(sorted(frozen or vals)),
            ))
        return super().write(vals)

    # ------------------------------------------------------------------ queue

    @api.model
    def _enqueue(self, events):
        """Queue one delivery per event of an order sent by a web shop with a webhook URL."""
        # sudo: whoever moves an order (store staff, the e-shop's visitor) has the web shop's
        # webhook queued, without reading web shops themselves.
        # refused attempts, unlocks and notes changed nothing: the web shop hears of none
        events = events.sudo()._cc_steps().filtered(lambda e: e.order_id.cc_web_shop_id.webhook_url)
        if not events:
            return self.browse()
        vals_list = []
        for event in events:
            order = event.order_id
            event_uid = str(uuid.uuid4())
            payload = {
                **self._payload_head(event, event_uid, "order.status_changed"),
                "status": event.to_state,
                "status_code": api_contract.STATUS_CODES[event.to_state],
                "previous_status": event.from_state or None,
                "previous_status_code": api_contract.STATUS_CODES.get(event.from_state),
                "store": event.store_id.code or None,
                "tracking_ref": order.cc_tracking_ref or None,
            }
            vals_list.append(self._values(event, event_uid, payload))
        return self._queue(vals_list)

    @api.model
    def _enqueue_return(self, event, step):
        """Queue the delivery of a step of a return (``step``: return_received, refunded),
        recorded as the timeline ``event``, to the web shop of the order, if it has a webhook."""
        # sudo: see _enqueue
        event = event.sudo()
        order = event.order_id
        if not order.cc_web_shop_id.webhook_url:
            return self.browse()
        event_uid = str(uuid.uuid4())
        payload = {
            **self._payload_head(event, event_uid, RETURN_EVENT_TYPES[step]),
            "return_status": order.cc_return_state or None,
            "return": event.return_id._cc_api_describe()[0],
        }
        return self._queue([self._values(event, event_uid, payload)])

    @api.model
    def _enqueue_store_change(self, event):
        """Queue the delivery of a change of the order's pickup store (the timeline ``event``:
        from its ``previous_store_id`` to its ``store_id``) to the web shop of the order, if it
        has a webhook."""
        # sudo: see _enqueue
        event = event.sudo()
        order = event.order_id
        if not order.cc_web_shop_id.webhook_url:
            return self.browse()
        event_uid = str(uuid.uuid4())
        payload = {
            **self._payload_head(event, event_uid, "order.store_changed"),
            "status": event.to_state,
            "status_code": api_contract.STATUS_CODES[event.to_state],
            "store": event.store_id.code,
            "previous_store": event.previous_store_id.code,
        }
        return self._queue([self._values(event, event_uid, payload)])

    @api.model
    def _payload_head(self, event, event_uid, kind):
        """What every webhook's body starts with: its id and type, when, and the order."""
        return {
            "event_id": event_uid,
            "type": kind,
            "timestamp": api_contract.format_datetime(event.date),
            "order_no": event.order_id.name,
            "external_ref": event.order_id.cc_external_ref or None,
        }

    @api.model
    def _values(self, event, event_uid, payload):
        order = event.order_id
        return {
            "web_shop_id": order.cc_web_shop_id.id,
            "order_id": order.id,
            "event_id": event.id,
            "event_uid": event_uid,
            "url": order.cc_web_shop_id.webhook_url,
            "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        }

    @api.model
    def _queue(self, vals_list):
        # sudo: deliveries are the system's outbox; whoever moved the order queues them.
        deliveries = self.sudo().create(vals_list)
        deliveries._send_after_commit()
        return deliveries

    def _send_after_commit(self):
        """Have the webhook job send these deliveries as soon as the transaction that queued
        them commits, outside the request that moved the orders. The trigger is written in this
        transaction: nothing is sent for a rolled back transition, and a server that stops after
        the commit sends them when it starts again."""
        trigger_job(self.env, "click_collect_api.ir_cron_webhook_send")

    @api.model
    def _cron_send(self, limit=COMMIT_EVERY):
        """Scheduled job: send the deliveries that are due, ``limit`` at a time, each lot
        locked then committed (from a scheduled job: the job stops when its time is up and runs
        again for the rest); those another worker is sending are left to it. A web shop that
        did not answer is not called again in this run."""
        in_job = bool(self.env.context.get("ir_cron_progress_id"))
        # sudo: the job sends the deliveries of every company
        Delivery, silent = self.sudo(), set()
        while lot := Delivery._lock_due(limit=limit, skip_shops=silent):
            silent |= lot._send(skip_shops=silent)
            if in_job and not self.env["ir.cron"]._commit_progress(len(lot), remaining=Delivery._due_count(silent)):
                return  # out of time: Odoo runs the job again at once for the rest

    def _due_count(self, skip_shops):
        return self.search_count([
            ("state", "=", "pending"), ("next_attempt_at", "<=", fields.Datetime.now()),
            ("web_shop_id", "not in", list(skip_shops)),
        ])

    def _lock_due(self, limit=None, skip_shops=()):
        """The pending deliveries that are due (among ``self`` when not empty; not of the web
        shops ``skip_shops``), locked for this transaction; those another worker is sending
        are left out."""
        query = SQL(
            """SELECT id FROM click_collect_webhook_delivery
                WHERE state = 'pending' AND next_attempt_at <= %s %s %s
                ORDER BY next_attempt_at, id %s
                FOR UPDATE SKIP LOCKED""",
            fields.Datetime.now(),
            SQL("AND id = ANY(%s)", self.ids) if self else SQL(),
            SQL("AND web_shop_id != ALL(%s)", list(skip_shops)) if skip_shops else SQL(),
            SQL("LIMIT %s", limit) if limit else SQL(),
        )
        self.env.flush_all()
        self.env.cr.execute(query)
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    # ------------------------------------------------------------------ sending

    def _send(self, skip_shops=()):
        """Post each delivery once; record the outcome and plan the next attempt. The
        deliveries of a web shop that did not answer (no connection, no answer in time) and of
        the web shops ``skip_shops`` are left as they are, for a later run.

        :return: the ids of the web shops that did not answer
        """
        if not self:
            return set()
        # the web shop's URL and secret of now: a replay reaches the endpoint it has now
        # (sudo: the secret is readable by administrators only; it signs, it is never shown)
        shops = {shop.id: (shop.webhook_url, shop.webhook_secret) for shop in self.web_shop_id.sudo()}
        session = requests.Session()
        next_attempt, silent = None, set(skip_shops)
        # sudo: the outcome of each attempt is the system's to write (see write())
        for delivery in self.sudo():
            if delivery.web_shop_id.id in silent:
                continue
            values = delivery._post(session, *shops[delivery.web_shop_id.id])
            delivery.write(values)
            if values.get("state") == "failed":
                delivery._log_given_up()
            if values.get("state") == "pending":
                next_attempt = min(next_attempt or values["next_attempt_at"], values["next_attempt_at"])
                if not values.get("last_status_code"):
                    silent.add(delivery.web_shop_id.id)
        if next_attempt:
            trigger_job(self.env, "click_collect_api.ir_cron_webhook_send", next_attempt)
        return silent - set(skip_shops)

    def _post(self, session, url, secret):
        """One attempt; returns the values to write."""
        now = fields.Datetime.now()
        values = {"attempt_count": self.attempt_count + 1, "last_attempt_at": now, "url": url or self.url}
        if not url:
            return dict(values, state="failed", last_status_code=0,
                        last_error=self.env._("The web shop has no webhook URL any more."))
        if not secret:
            return dict(values, state="failed", last_status_code=0,
                        last_error=self.env._("The web shop has no webhook secret: nothing is sent unsigned."))
        body = self.payload.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "click_collect-webhook/2",
            EVENT_HEADER: self.event_uid,
            SIGNATURE_HEADER: sign(secret, body, int(time.time())),
        }
        try:
            # stream: the answer's body is never read, only its status
            with session.post(url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False,
                              stream=True) as response:
                status = response.status_code
        except requests.Timeout:
            status, error = 0, self.env._("No answer within %(seconds)s seconds.", seconds=TIMEOUT)
        except requests.ConnectionError:
            status, error = 0, self.env._("The web shop could not be reached.")
        except requests.RequestException as exc:
            status, error = 0, exc.__class__.__name__
        else:
            if 200 <= status < 300:
                return dict(values, state="done", last_status_code=status, last_error=False)
            error = _reason(status)
        values.update(last_status_code=status, last_error=error[:MAX_REASON])
        if values["attempt_count"] > len(BACKOFF_MINUTES):
            values["state"] = "failed"
        else:
            values["state"] = "pending"
            values["next_attempt_at"] = now + timedelta(minutes=BACKOFF_MINUTES[values["attempt_count"] - 1])
        return values

    def _log_given_up(self):
        """Say in the order's chatter that the web shop was not told of a status change."""
        self.ensure_one()
        if not self.order_id:
            return
        status = json.loads(self.payload).get("status")
        self.order_id._message_log(body=Markup("<b>%s</b><br/>%s") % (
            self.env._("The web shop was not told that the order is %(status)s (%(count)s attempts); "
                       "replay it from Web Shop Webhooks once the web shop answers again.",
                       status=status, count=self.attempt_count),
            self.last_error or "",
        ))

    # ------------------------------------------------------------------ back office

    def action_replay(self):
        """Send the deliveries again now, whatever their state (the web shop lost them, or
        failed for longer than the retries): the same bodies, signed anew, to the web shops'
        URLs of now."""
        self.check_access("write")
        # sudo: the caller may replay these deliveries (checked above); their state is the
        # system's to write, and nothing but their state changes.
        deliveries = self.sudo()
        deliveries.write({"state": "pending", "next_attempt_at": fields.Datetime.now()})
        deliveries._lock_due()._send()
        return True

