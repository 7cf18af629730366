import logging
import re
from functools import partial

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import const

_logger = logging.getLogger(__name__)

# step -> (xml id of the mail.template, xml id of the sms.template)
STEP_TEMPLATES = {
    step: (f"click_collect.mail_template_{step}", f"click_collect.sms_template_{step}")
    for step, _label in const.NOTIFICATION_STEPS
}
# A customer email the mail server refused for a reason that may pass (a 4xx answer, no
# connection) is queued again by the scheduled job, at most EMAIL_RETRIES times.
EMAIL_RETRIES = 5
# mail.mail failure types that no retry cures
PERMANENT_MAIL_FAILURES = {
    "mail_email_invalid", "mail_email_missing", "mail_from_invalid", "mail_from_missing", "mail_spam",
    "mail_bl", "mail_optout", "mail_dup",
}
# the SMTP reply code in smtplib's errors, e.g. "(451, b'4.3.0 Try again later')"
SMTP_REPLY_CODE = re.compile(r"\((\d{3}), b?['\"]")


def mail_failure_is_temporary(failure_type, failure_reason):
    """Whether sending the mail again later may work: no connection to the mail server, or a
    4xx answer; not a 5xx answer nor a wrong address."""
    if failure_type in PERMANENT_MAIL_FAILURES:
        return False
    if failure_type == "mail_smtp":  # the mail server could not be reached or refused the session
        return True
    code = SMTP_REPLY_CODE.search(failure_reason or "")
    return not (code and code.group(1).startswith("5"))


RESULTS = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("off", "Switched off"),
    ("no_address", "No address"),
    ("failed", "Failed"),
]


class ClickCollectNotification(models.Model):
    """One customer message of a web order (email and SMS of one step), queued by the flow.

    The door queues one record per order and step in the transaction of the transition; the
    messages are rendered and posted after that transaction commits (or by the scheduled job
    when the server stopped in between), so a failure to send never blocks nor rolls back the
    flow. What happened is kept here and shown on the order.
    """

    _name = "click_collect.notification"
    _description = "Web Order Customer Message"
    _order = "id desc"

    order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="cascade")
    event_id = fields.Many2one("click_collect.event", string="Timeline Event", ondelete="set null")
    step = fields.Selection(const.NOTIFICATION_STEPS, required=True, readonly=True)
    note = fields.Char(readonly=True, help="Why the message was sent, when it was not a change of state.")
    state = fields.Selection(
        [("pending", "To Send"), ("done", "Done"), ("failed", "Failed")],
        default="pending", required=True, readonly=True, index=True,
    )
    email_result = fields.Selection(
        RESULTS, string="Email", readonly=True,
        help="Queued: in Odoo's mail queue. Sent: the mail server took it.",
    )
    sms_result = fields.Selection(
        RESULTS, string="SMS", readonly=True,
        help="Sent: handed to Odoo's SMS service, whose answer shows on the SMS in the chatter.",
    )
    error = fields.Text(readonly=True)
    message_ids = fields.Many2many(
        "mail.message", string="Messages", readonly=True,
        help="The email and SMS posted in the order's chatter for this notification.",
    )
    sent_date = fields.Datetime(string="Processed On", readonly=True)
    email_retry_count = fields.Integer(
        string="Email Retries", readonly=True,
        help="How many times the email was queued again after the mail server refused it.",
    )

    # ------------------------------------------------------------------ queue

    @api.model
    def _cc_queue(self, orders, step, *, events=None, note=None):
        """Queue the message ``step`` for ``orders`` and send it once the transaction commits."""
        if not orders:
            return self.browse()
        event_by_order = {event.order_id.id: event.id for event in (events or [])}
        # sudo: the queue is written by the flow for every user who may move the orders.
        notifications = self.sudo().create([
            {"order_id": order.id, "step": step, "note": note or False,
             "event_id": event_by_order.get(order.id, False)}
            for order in orders
        ])
        self._cc_send_after_commit(notifications.ids)
        return notifications.sudo(False)

    @api.model
    def _cc_send_after_commit(self, notification_ids):
        """Send these notifications in a new transaction, after the current one commits."""
        if self.pool._init:
            # installing or updating modules (e.g. demo data): the scheduled job sends them
            return
        postcommit = self.env.cr.postcommit
        pending = postcommit.data.get("click_collect.notification")
        if pending is None:
            pending = postcommit.data["click_collect.notification"] = []
            postcommit.add(partial(self._cc_send_in_new_cursor, self.pool, self.env.uid, pending))
        pending.extend(notification_ids)

    @api.model
    def _cc_send_in_new_cursor(self, registry, uid, notification_ids):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, uid, {})
                env["click_collect.notification"].browse(notification_ids)._cc_send()
        except Exception:
            # the notifications stay pending: the scheduled job sends them
            _logger.exception("Customer messages %s could not be sent after commit", notification_ids)

    @api.model
    def _cron_send_pending(self):
        """Scheduled job: send the customer messages still waiting (e.g. after a restart)."""
        self.search([("state", "=", "pending")], order="id")._cc_send()

    # ------------------------------------------------------------------ sending

    def _cc_lock_pending(self):
        """The pending notifications of self that no other transaction is sending."""
        if not self:
            return self
        self.flush_recordset(["state"])
        self.env.cr.execute(
            "SELECT id FROM click_collect_notification WHERE id = ANY(%s) AND state = 'pending' "
            "ORDER BY id FOR UPDATE SKIP LOCKED",
            [self.ids],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _cc_send(self):
        """Render and post the email and the SMS of each pending notification.

        Each message is posted in its own savepoint: a template that fails to render or a
        missing address is recorded here and logged on the order, never raised.
        """
        # sudo: customer messages are sent on behalf of the company, whoever moved the order;
        # templates, recipients and switches all come from configuration.
        notifications = self.sudo()._cc_lock_pending()
        send_sms = False
        for notification in notifications:
            order = notification.order_id
            email_on, sms_on = order._cc_notification_switches(notification.step)
            mail_xmlid, sms_xmlid = STEP_TEMPLATES[notification.step]
            errors, messages = [], self.env["mail.message"]
            values = {"sent_date": fields.Datetime.now()}
            values["email_result"], messages = notification._cc_send_channel(
                email_on, order.partner_id.email, partial(order._cc_post_email, mail_xmlid), errors, messages,
                posted="queued",  # sent when the mail server takes it (_cc_mail_outcome)
            )
            values["sms_result"], messages = notification._cc_send_channel(
                sms_on, order.partner_id.phone, partial(order._cc_post_sms, sms_xmlid), errors, messages,
            )
            values["message_ids"] = [fields.Command.set(messages.ids)]
            send_sms = send_sms or values["sms_result"] == "sent"
            values["state"] = "failed" if errors else "done"
            values["error"] = "\n".join(errors) or False
            notification.write(values)
            if errors:
                notification._cc_log_failure(errors)
        if send_sms:
            # the SMS are queued; ask Odoo's SMS job to send them now
            cron = self.env.ref("sms.ir_cron_sms_scheduler_action", raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()
        return notifications

    def _cc_send_channel(self, switched_on, address, post, errors, messages, *, posted="sent"):
        """Post one message (email or SMS) unless switched off or without address.

        :param str posted: the result of a message posted
        :return: (result, messages posted so far)
        """
        if not switched_on:
            return "off", messages
        if not address:
            return "no_address", messages
        try:
            with self.env.cr.savepoint():
                messages |= post()
        except Exception as error:  # a message must never stop the flow
            _logger.warning("Customer message of %s failed", self.order_id.name, exc_info=True)
            errors.append(str(error.args[0] if isinstance(error, UserError) else error))
            return "failed", messages
        return posted, messages

    # ------------------------------------------------------------------ the mail server's answer

    @api.model
    def _cc_mail_outcome(self, mails, failure_type=None, failure_reason=None):
        """The mail server took or refused these mail.mail (called by mail.mail as it sends):
        the customer messages they carry say so."""
        messages = mails.filtered(lambda m: m.model == "sale.order").mail_message_id
        if not messages:
            return
        # sudo: the outcome of sending is recorded whoever (or whichever job) sent the mail
        notifications = self.sudo().search([("message_ids", "in", messages.ids)])
        if not failure_type:
            notifications.filtered(lambda n: n.email_result == "queued").email_result = "sent"
        for notification in notifications:
            if failure_type:
                # a mail server that cannot be reached leaves its reason on the mails only
                reason = failure_reason or next(iter(filter(None, mails.filtered(
                    lambda m, n=notification: m.mail_message_id in n.message_ids).mapped("failure_reason"))), None)
                notification._cc_email_failed(failure_type, reason)
            elif notification.email_result == "failed":  # sent again (by the job, or by hand)
                notification._cc_email_delivered()

    def _cc_email_failed(self, failure_type, failure_reason):
        self.ensure_one()
        reason = (failure_reason or failure_type or "").strip()[:500]
        retried = mail_failure_is_temporary(failure_type, failure_reason) and self.email_retry_count < EMAIL_RETRIES
        if retried:
            error = self.env._(
                "Email: the mail server refused it (%(reason)s). It is sent again automatically "
                "(%(count)s of %(max)s retries done).",
                reason=reason, count=self.email_retry_count, max=EMAIL_RETRIES,
            )
        elif self.email_retry_count:
            error = self.env._(
                "Email: the mail server refused it (%(reason)s). Given up after %(count)s retries.",
                reason=reason, count=self.email_retry_count,
            )
        else:
            error = self.env._(
                "Email: the mail server refused it (%(reason)s). It is not sent again automatically.",
                reason=reason,
            )
        first = self.email_result != "failed"
        self.write({"email_result": "failed", "state": "failed", "error": error})
        if first or not retried:
            self._cc_log_failure([error])

    def _cc_email_delivered(self):
        self.ensure_one()
        sms_failed = self.sms_result == "failed"
        self.write({"email_result": "sent", "state": "failed" if sms_failed else "done",
                    "error": self.error if sms_failed else False})
        step_label = dict(self._fields["step"]._description_selection(self.env))[self.step]
        self.order_id._message_log(body=self.env._(
            "The email \"%(step)s\" was delivered on a later attempt.", step=step_label,
        ))

    @api.model
    def _cron_retry_emails(self):
        """Scheduled job: queue again the customer emails the mail server refused for a reason
        that may pass, each at most EMAIL_RETRIES times; Odoo's mail queue sends them."""
        notifications = self.search([
            ("email_result", "=", "failed"), ("email_retry_count", "<", EMAIL_RETRIES),
            ("message_ids", "!=", False),
        ])
        if not notifications:
            return
        # sudo: the job re-queues the mails of the customer messages, which only it reads
        mails = self.env["mail.mail"].sudo().search([
            ("mail_message_id", "in", notifications.message_ids.ids), ("state", "=", "exception"),
        ]).filtered(lambda m: mail_failure_is_temporary(m.failure_type, m.failure_reason))
        if not mails:
            return
        for notification in notifications.filtered(lambda n: n.message_ids & mails.mail_message_id):
            notification.email_retry_count += 1
        mails.mark_outgoing()
        self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()

    def _cc_log_failure(self, errors):
        step_label = dict(self._fields["step"]._description_selection(self.env))[self.step]
        body = Markup("%s<br/>%s") % (
            self.env._("The customer message \"%(step)s\" could not be sent:", step=step_label),
            Markup("<br/>").join(errors),
        )
        self.order_id._message_log(body=body)


class ClickCollectNotificationSetting(models.Model):
    """Which customer messages a web shop's orders send, per step and channel."""

    _name = "click_collect.notification.setting"
    _description = "Web Shop Customer Message Setting"
    _order = "web_shop_id, sequence, id"

    web_shop_id = fields.Many2one("click_collect.web.shop", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="web_shop_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    step = fields.Selection(const.NOTIFICATION_STEPS, required=True)
    email = fields.Boolean(default=True)
    sms = fields.Boolean(string="SMS", default=True)

    _step_uniq = models.Constraint(
        "UNIQUE(web_shop_id, step)", "A web shop has one setting per customer message.",
    )
