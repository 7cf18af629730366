import logging
from collections import defaultdict
from datetime import timedelta
from functools import partial

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from .. import const
from ..tools.jobs import trigger_job
from ..tools.mail_outcome import mail_failure_is_temporary

_logger = logging.getLogger(__name__)

# step -> (xml id of the mail.template, xml id of the sms.template)
STEP_TEMPLATES = {
    step: (f"click_collect.mail_template_{step}", f"click_collect.sms_template_{step}")
    for step, _label in const.NOTIFICATION_STEPS
}
# A customer email the mail server refused for a reason that may pass (a 4xx answer, no
# connection) is queued again by the scheduled job, at most EMAIL_RETRIES times.
EMAIL_RETRIES = 5
# An SMS the SMS service did not take because it could not be reached or failed (Odoo's
# failure type "sms_server") is queued again by the same job, at most SMS_RETRIES times; an SMS it
# refused (no credit, wrong number, unregistered account) waits for a person.
SMS_RETRIES = 5
TEMPORARY_SMS_FAILURES = {"sms_server"}
# what recording the answer of the mail server or of the SMS service reads of a message
OUTCOME_FIELDS = ["email_result", "email_error", "sms_result", "sms_error"]
# customer messages the job sends per committed batch
BATCH_SIZE = 100
# statuses of a recipient's mail.notification: the message was taken (SMS: "process" and
# "pending" are the SMS service's), or refused as it was sent
ANSWERS_TAKEN = ("process", "pending", "sent")
ANSWERS_FAILED = ("exception",)
RESULTS = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("off", "Switched off"),
    ("no_address", "No address"),
    ("failed", "Failed"),
]


class ChannelFailed(Exception):
    """Posting the email or the SMS of a customer message failed (``error``, for people)."""

    def __init__(self, channel, error):
        super().__init__(channel, error)
        self.channel, self.error = channel, error


class ClickCollectNotification(models.Model):
    """One customer message of a web order (email and SMS of one step), queued by the flow.

    The door queues one record per order and step in the transaction of the transition and
    triggers the scheduled job, which renders and posts the messages once that transaction
    commits, outside the request of whoever moved the order: a failure to send never blocks nor
    rolls back the flow, and a server stopped in between sends them when it starts again. What
    happened is kept here and shown on the order.
    """

    _name = "click_collect.notification"
    _description = "Web Order Customer Message"
    _order = "id desc"

    order_id = fields.Many2one("sale.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, precompute=True, index=True,
        help="The order's company (its multi-company rule).",
    )
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
        help="Queued: in Odoo's SMS queue. Sent: the SMS service took it.",
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
    email_error = fields.Text(readonly=True)
    sms_error = fields.Text(string="SMS Error", readonly=True)
    sms_retry_count = fields.Integer(
        string="SMS Retries", readonly=True,
        help="How many times the SMS was queued again after the SMS service failed.",
    )

    @api.depends("order_id.company_id")
    def _compute_company_id(self):
        for notification in self:
            notification.company_id = notification.order_id.company_id

    # ------------------------------------------------------------------ queue

    @api.model
    def _cc_queue(self, orders, step, *, events=None, note=None):
        """Queue the message ``step`` for ``orders``: the scheduled job sends it once the
        transaction commits."""
        if not orders:
            return self.browse()
        event_by_order = {event.order_id.id: event.id for event in (events or [])}
        # sudo: the queue is written by the flow for every user who may move the orders.
        notifications = self.sudo().create([
            {"order_id": order.id, "step": step, "note": note or False,
             "event_id": event_by_order.get(order.id, False)}
            for order in orders
        ])
        self._cc_trigger_send()
        return notifications.sudo(False)

    @api.model
    def _cc_trigger_send(self, at=None):
        """Have the customer-message job run as soon as this transaction commits (or at
        ``at``): the messages leave the request of whoever moved the orders. The job's trigger is
        written in this transaction: a transition rolled back sends nothing, and a server that
        stops after the commit runs it when it starts again."""
        trigger_job(self.env, "click_collect.ir_cron_send_customer_messages", at)

    @api.model
    def _cron_send_pending(self, batch_size=BATCH_SIZE):
        """Scheduled job: send the customer messages waiting, oldest first, in batches (each
        committed, from a scheduled job); those another worker is sending are left to it, those
        that meet a concurrent update wait for the job's next run."""
        in_job = bool(self.env.context.get("ir_cron_progress_id"))
        # sudo: the job sends the messages of every company
        Notification, last_id = self.sudo(), 0
        while True:
            batch = Notification.search([("state", "=", "pending"), ("id", ">", last_id)], order="id", limit=batch_size)
            if not batch:
                return
            last_id = batch[-1].id
            sent = batch._cc_send()
            if in_job:
                remaining = Notification.search_count([("state", "=", "pending"), ("id", ">", last_id)])
                if not self.env["ir.cron"]._commit_progress(len(sent), remaining=remaining):
                    return  # out of time: Odoo runs the job again at once for the rest

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

        The notifications are posted together; when one fails, they are posted again, each in
        its own savepoint: a template that fails to render or a missing address is recorded
        on the notification and logged on the order, never raised, and a notification that
        meets a concurrent update (of the order or the customer) stays pending for the job,
        which runs again soon. A message posted is *queued*: the answers of the mail server and
        of the SMS service come later (``_cc_mail_outcome``, ``_cc_sms_outcome``).
        """
        # sudo: customer messages are sent on behalf of the company, whoever moved the order;
        # templates, recipients and switches all come from configuration.
        notifications = self.sudo()._cc_lock_pending()
        if not notifications:
            return notifications
        try:
            with self.env.cr.savepoint():
                queued, left_pending = notifications._cc_post(careful=False)
        except Exception:  # any failure: each message again, on its own
            _logger.info("Customer messages %s: one failed, posted again one by one", notifications.ids,
                         exc_info=True)
            queued, left_pending = notifications._cc_post(careful=True)
        if "sms" in queued:
            self._cc_trigger_queue("sms")
        if "email" in queued:
            # After a request, Odoo sends a posted email right after the commit; in a scheduled
            # job (a server action: mail_notify_force_send=False) it leaves it to the mail
            # queue, whose job runs hourly. The mail queue runs now from a job, and in a minute
            # after a request for any email that did not go.
            from_job = self.env.context.get("mail_notify_force_send") is False
            self._cc_trigger_queue("email", delay=None if from_job else timedelta(minutes=1))
        if left_pending:
            self._cc_trigger_send(fields.Datetime.now() + timedelta(minutes=1))
        return notifications

    def _cc_post(self, careful):
        """Post the messages of these notifications and record the outcome; the chatter's
        copies are masked together at the end.

        :param bool careful: each notification in a savepoint of its own, its failures
            recorded; otherwise the first failure is raised
        :return: (the channels queued, whether some notifications are left pending)
        """
        # read at once what each message's template reads (records are rendered one by one)
        self.order_id.fetch(["cc_tracking_token", "cc_pickup_code", "transaction_ids"])
        self.fetch(["message_ids"])
        queued, left_pending, posted, outcomes = set(), False, [], defaultdict(list)
        for notification in self:
            failed = {}
            while True:
                try:
                    if careful:
                        with self.env.cr.savepoint():
                            channels, messages, values = notification._cc_send_one(failed, careful=True)
                    else:
                        channels, messages, values = notification._cc_send_one(failed, careful=False)
                except ChannelFailed as failure:
                    failed[failure.channel] = failure.error  # posted again without it
                    continue
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    if not careful:
                        raise
                    _logger.info("Customer message %s met a concurrent update: left to the job", notification.id)
                    left_pending = True
                except Exception as error:
                    if not careful:
                        raise
                    # not a message's failure (recorded above): this one leaves the queue, said why
                    _logger.exception("Customer message %s could not be sent", notification.id)
                    notification.write({"state": "failed", "error": str(error)[:1000],
                                        "sent_date": fields.Datetime.now()})
                else:
                    queued |= channels
                    posted.append((notification.order_id, messages))
                    outcomes[tuple(values.items())].append(notification.id)
                    notification.message_ids = [fields.Command.link(message.id) for message in messages]
                break
        # the outcomes written together: the notifications alike in one query
        now = fields.Datetime.now()
        for values, ids in outcomes.items():
            self.browse(ids).write(dict(values, sent_date=now))
        self.env["sale.order"]._cc_mask_logged_copies(posted)
        return queued, left_pending

    def _cc_send_one(self, failed, careful=True):
        """Post the email and the SMS of this notification, but for the channels in ``failed``
        ({channel: error}: they failed on a first attempt).

        :return: (the channels queued, the messages posted, the values of the outcome)
        :raise ChannelFailed: a channel failed; what it posted is to be rolled back
        """
        self.ensure_one()
        # a return's message names that return (the order may have several)
        order = self.order_id.with_context(cc_notified_return_id=self.event_id.return_id.id)
        email_on, sms_on = order._cc_notification_switches(self.step)
        mail_xmlid, sms_xmlid = STEP_TEMPLATES[self.step]
        email_result, email_error, email = self._cc_send_channel(
            "email", email_on, order.partner_id.email, partial(order._cc_post_email, mail_xmlid),
            failed=failed, careful=careful)
        sms_result, sms_error, sms = self._cc_send_channel(
            "sms", sms_on, order.partner_id.phone, partial(order._cc_post_sms, sms_xmlid),
            failed=failed, careful=careful)
        errors = [error for error in (email_error, sms_error) if error]
        if errors:
            self._cc_log_failure(errors)
        channels = {channel for channel, result in (("email", email_result), ("sms", sms_result)) if result == "queued"}
        return channels, email | sms, self._cc_channel_values(email_result, email_error, sms_result, sms_error)

    def _cc_send_channel(self, channel, switched_on, address, post, *, failed, careful):
        """Post one message (email or SMS) unless switched off, without address or failed.

        :return: (result, error or False, the message posted)
        :raise ChannelFailed: posting failed (for a reason of the message's own), when
            ``careful``; otherwise whatever failed is raised
        """
        nothing = self.env["mail.message"]
        if not switched_on:
            return "off", False, nothing
        if not address:
            return "no_address", False, nothing
        if channel in failed:
            return "failed", failed[channel], nothing
        if not careful:
            return "queued", False, post()
        try:
            message = post()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # not the message's fault: sent again by the job
        except Exception as error:  # a message must never stop the flow
            _logger.warning("Customer message of %s failed", self.order_id.name, exc_info=True)
            raise ChannelFailed(channel, str(error.args[0] if isinstance(error, UserError) else error)) from error
        return "queued", False, message

    @api.model
    def _cc_channel_values(self, email_result, email_error, sms_result, sms_error):
        """The values of a message whose email and SMS ended so: it failed while one failed."""
        errors = [error for error in (email_error, sms_error) if error]
        return {
            "email_result": email_result, "email_error": email_error or False,
            "sms_result": sms_result, "sms_error": sms_error or False,
            "state": "failed" if "failed" in (email_result, sms_result) else "done",
            "error": "\n".join(errors) or False,
        }

    def _cc_set_channel(self, channel, result, error=False):
        """Record the answer about the ``channel`` ("email" or "sms") of these messages; the
        messages left alike are written together."""
        groups = defaultdict(list)
        for notification in self:
            answers = {
                "email": (notification.email_result, notification.email_error),
                "sms": (notification.sms_result, notification.sms_error),
                channel: (result, error),
            }
            values = self._cc_channel_values(*answers["email"], *answers["sms"])
            groups[tuple(values.items())].append(notification.id)
        for values, ids in groups.items():
            self.browse(ids).write(dict(values))

    def _cc_channel_sent(self, channel):
        """The mail server or the SMS service took the ``channel`` message of these; those that
        had failed say in their order's chatter that a later attempt went through."""
        taken = self.filtered(lambda n: n[f"{channel}_result"] in ("queued", "failed"))
        again = taken.filtered(lambda n: n[f"{channel}_result"] == "failed")
        taken._cc_set_channel(channel, "sent")
        if not again:
            return
        steps = dict(self._fields["step"]._description_selection(self.env))
        if channel == "email":
            text = self.env._("The email \"%(step)s\" was delivered on a later attempt.")
        else:
            text = self.env._("The SMS \"%(step)s\" was sent on a later attempt.")
        self._cc_log_on_orders([(n.order_id, text % {"step": steps[n.step]}) for n in again])

    # ------------------------------------------------------------------ the mail server's answer

    @api.model
    def _cc_mail_outcome(self, mails, failure_type=None, failure_reason=None):
        """The mail server took or refused these mail.mail (called by mail.mail as it sends):
        the customer messages they carry say so."""
        messages = mails.filtered(lambda m: m.model == "sale.order").mail_message_id
        if not messages:
            return
        # sudo: the outcome of sending is recorded whoever (or whichever job) sent the mail
        notifications = self.sudo().search_fetch([("message_ids", "in", messages.ids)], OUTCOME_FIELDS)
        if not failure_type:
            notifications._cc_channel_sent("email")
            return
        # a mail server that cannot be reached leaves its reason on the mails only
        reasons = {mail.mail_message_id.id: mail.failure_reason for mail in mails if mail.failure_reason}
        by_reason = notifications.grouped(lambda n: failure_reason or next(
            (reasons[message_id] for message_id in n.message_ids.ids if message_id in reasons), None))
        for reason, group in by_reason.items():
            group._cc_email_failed(failure_type, reason)

    def _cc_email_failed(self, failure_type, failure_reason):
        reason = (failure_reason or failure_type or "").strip()[:500]
        self._cc_channel_failed("email", reason, mail_failure_is_temporary(failure_type, failure_reason))

    def _cc_channel_failed(self, channel, reason, temporary):
        """The mail server refused (``channel`` "email"), or the SMS service did not take
        ("sms"), the message of these: each says why and whether it is sent again; the order's
        chatter hears of the first failure, and of giving up."""
        if not self:
            return
        if channel == "email":
            what, retries = self.env._("Email: the mail server refused it"), EMAIL_RETRIES
        else:
            what, retries = self.env._("SMS: the SMS service did not take it"), SMS_RETRIES
        by_error, logged = defaultdict(list), {}
        for notification in self:
            count = notification[f"{channel}_retry_count"]
            retried = temporary and count < retries
            if retried:
                error = self.env._(
                    "%(what)s (%(reason)s). It is sent again automatically (%(count)s of %(max)s retries done).",
                    what=what, reason=reason, count=count, max=retries,
                )
            elif count:
                error = self.env._("%(what)s (%(reason)s). Given up after %(count)s retries.",
                                   what=what, reason=reason, count=count)
            else:
                error = self.env._("%(what)s (%(reason)s). It is not sent again automatically.",
                                   what=what, reason=reason)
            by_error[error].append(notification.id)
            if notification[f"{channel}_result"] != "failed" or not retried:
                logged[notification] = [error]
        for error, ids in by_error.items():
            self.browse(ids)._cc_set_channel(channel, "failed", error)
        if logged:
            self._cc_log_failures(logged)

    # ------------------------------------------------------------------ the SMS service's answer

    @api.model
    def _cc_sms_outcome(self, sms, results):
        """The SMS service took or refused these sms.sms (called by sms.sms as it sends, with the
        service's ``results``: uuid, state, failure_reason): the customer messages they carry
        say so."""
        messages = sms.mail_message_id.filtered(lambda m: m.model == "sale.order")
        if not messages:
            return
        # sudo: the outcome of sending is recorded whoever (or whichever job) sent the SMS
        notifications = self.sudo().search_fetch([("message_ids", "in", messages.ids)], OUTCOME_FIELDS)
        failed = sms.filtered(lambda s: s.state == "error")
        taken = sms.filtered(lambda s: s.state in ("process", "pending", "sent"))
        notifications.filtered(lambda n: n.message_ids & taken.mail_message_id)._cc_channel_sent("sms")
        reasons = {result.get("uuid"): result.get("failure_reason") for result in results or ()}
        for (failure_type, failure_reason), group in failed.grouped(
                lambda s: (s.failure_type, reasons.get(s.uuid))).items():
            notifications.filtered(lambda n, g=group: n.message_ids & g.mail_message_id)._cc_sms_failed(
                failure_type, failure_reason,
            )

    def _cc_sms_failed(self, failure_type, failure_reason):
        labels = dict(self.env["sms.sms"]._fields["failure_type"]._description_selection(self.env))
        reason = (failure_reason or labels.get(failure_type) or failure_type or "").strip()[:500]
        self._cc_channel_failed("sms", reason, failure_type in TEMPORARY_SMS_FAILURES)

    # ------------------------------------------------------------------ retries

    @api.model
    def _cron_retry_messages(self):
        """Scheduled job: record the answers not recorded when they came, then queue again the
        customer emails the mail server refused, and the SMS the SMS service did not take, for
        a reason that may pass, each at most EMAIL_RETRIES (SMS_RETRIES) times; Odoo's mail and
        SMS queues send them."""
        self._cc_sync_outcomes()
        self._cc_retry_emails()
        self._cc_retry_sms()

    @api.model
    def _cc_trigger_answer_job(self):
        """An answer could not be recorded as it came: the answer job reads it as soon as this
        transaction, which records it in Odoo's delivery status, is committed. (The other
        answer, the one that won, is committed already: it made this one fail.)"""
        trigger_job(self.env, "click_collect.ir_cron_record_message_answers")

    @api.model
    def _cron_record_answers(self):
        """Scheduled job: record the answers that could not be recorded as they came. When an
        answer comes in while it runs, it runs again at once rather than fail and wait."""
        try:
            with self.env.cr.savepoint():
                self._cc_sync_outcomes()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            _logger.info("Answers to customer messages met a concurrent update: recorded by the next run")
            self._cc_trigger_answer_job()

    @api.model
    def _cc_sync_outcomes(self):
        """The answers of the mail server and of the SMS service are recorded as they come
        (``_cc_mail_outcome``, ``_cc_sms_outcome``), except when the customer message was being
        changed at that moment by another job (one answers for the email, the other for the
        SMS of the same message). Odoo keeps each answer on the message's notification of the
        customer (mail.notification): the messages still queued, or failed, take it from there."""
        notifications = self.search([
            ("message_ids", "!=", False), "|",
            ("email_result", "in", ("queued", "failed")), ("sms_result", "in", ("queued", "failed")),
        ])
        if not notifications:
            return
        # sudo: the delivery statuses Odoo keeps for the recipients of the customer messages
        answers = self.env["mail.notification"].sudo().search([
            ("mail_message_id", "in", notifications.message_ids.ids),
            ("notification_type", "in", ("email", "sms")),
            ("notification_status", "in", (*ANSWERS_TAKEN, *ANSWERS_FAILED)),
        ])
        answer_of = {(a.mail_message_id.id, a.notification_type, a.res_partner_id.id): a for a in answers}
        for channel in ("email", "sms"):
            taken, failed = self.browse(), defaultdict(self.browse)
            for notification in notifications:
                result = notification[f"{channel}_result"]
                customer = notification.order_id.partner_id.id
                answer = next(filter(None, (
                    answer_of.get((message_id, channel, customer)) for message_id in notification.message_ids.ids
                )), None)
                if not answer or result not in ("queued", "failed"):
                    continue
                if answer.notification_status in ANSWERS_TAKEN:
                    taken |= notification
                elif result == "queued":
                    failed[answer.failure_type, answer.failure_reason] |= notification
            taken._cc_channel_sent(channel)
            for (failure_type, failure_reason), group in failed.items():
                group._cc_channel_refused(channel, failure_type, failure_reason)

    def _cc_channel_refused(self, channel, failure_type, failure_reason):
        if channel == "email":
            self._cc_email_failed(failure_type, failure_reason)
        else:
            self._cc_sms_failed(failure_type, failure_reason)

    @api.model
    def _cc_retry_emails(self):
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
        notifications.filtered(lambda n: n.message_ids & mails.mail_message_id)._cc_count_retry("email")
        mails.mark_outgoing()
        self._cc_trigger_queue("email")

    @api.model
    def _cc_retry_sms(self):
        notifications = self.search([
            ("sms_result", "=", "failed"), ("sms_retry_count", "<", SMS_RETRIES), ("message_ids", "!=", False),
        ])
        if not notifications:
            return
        # sudo: the job re-queues the SMS of the customer messages, which only it reads
        sms = self.env["sms.sms"].sudo().search([
            ("mail_message_id", "in", notifications.message_ids.ids), ("state", "=", "error"),
            ("failure_type", "in", list(TEMPORARY_SMS_FAILURES)), ("to_delete", "=", False),
        ])
        if not sms:
            return
        notifications.filtered(lambda n: n.message_ids & sms.mail_message_id)._cc_count_retry("sms")
        sms.action_set_outgoing()
        self._cc_trigger_queue("sms")

    def _cc_count_retry(self, channel):
        field = f"{channel}_retry_count"
        for count, group in self.grouped(lambda n: n[field]).items():
            group.write({field: count + 1})

    @api.model
    def _cc_trigger_queue(self, channel, delay=None):
        """Ask Odoo's mail or SMS queue job to run (now, or after ``delay``)."""
        xmlid = "mail.ir_cron_mail_scheduler_action" if channel == "email" else "sms.ir_cron_sms_scheduler_action"
        cron = self.env.ref(xmlid, raise_if_not_found=False)
        if cron:
            # sudo: Odoo's own queue jobs, planned for whoever queued a message
            cron.sudo()._trigger(fields.Datetime.now() + delay if delay else None)

    def _cc_log_failure(self, errors):
        self.ensure_one()
        self._cc_log_failures({self: errors})

    @api.model
    def _cc_log_failures(self, errors_by_notification):
        """Say in each order's chatter which of its customer messages could not be sent, why."""
        steps = dict(self._fields["step"]._description_selection(self.env))
        self._cc_log_on_orders([
            (notification.order_id, Markup("%s<br/>%s") % (
                self.env._("The customer message \"%(step)s\" could not be sent:", step=steps[notification.step]),
                Markup("<br/>").join(errors),
            ))
            for notification, errors in errors_by_notification.items()
        ])

    @api.model
    def _cc_log_on_orders(self, order_bodies):
        """Log notes on orders, one per order (an order's bodies joined), in one batch."""
        bodies = defaultdict(list)
        for order, body in order_bodies:
            bodies[order.id].append(Markup("%s") % body)
        self.env["sale.order"].browse(list(bodies))._message_log_batch(
            {order_id: Markup("<br/>").join(parts) for order_id, parts in bodies.items()},
        )
