"""Faults: a mail server that refuses, an SMS service that fails (a courier that fails:
test_click_collect_couriers). The flow goes on, nothing is lost, each failure shows on the
record a person looks at, and is retried."""

from unittest.mock import patch

from psycopg2.errors import SerializationFailure

from odoo import fields
from odoo.tests import tagged

from odoo.addons.click_collect.models import click_collect_notification as notification_model
from odoo.addons.click_collect.tools import mail_outcome

from .common import ClickCollectCommon


def _notes(order):
    return order.message_ids.filtered(lambda m: m.message_type == "notification").mapped("body")


@tagged("post_install", "-at_install")
class TestMailServerRefusals(ClickCollectCommon):
    """What Odoo's mail queue does with a refused email (state exception, never retried by
    Odoo) shows on the order's customer message, and the email is queued again while the
    refusal may pass. The real SMTP exchange is in tests/test_faults_e2e.py."""

    def _ready_email(self):
        order = self._order()
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        order.cc_notification_ids.filtered(lambda n: n.state == "pending")._cc_send()
        notification = order.cc_notification_ids.filtered(lambda n: n.step == "ready")
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", notification.message_ids.ids)])
        self.assertEqual((notification.state, notification.email_result, len(mail)), ("done", "queued", 1))
        return order, notification, mail

    @staticmethod
    def _refused(mail, reason, failure_type="unknown"):
        """What mail.mail._send does when the SMTP server refuses."""
        mail.write({"state": "exception", "failure_reason": reason, "failure_type": failure_type})
        mail._postprocess_sent_message(success_pids=[], success_emails=[], failure_reason=reason,
                                       failure_type=failure_type)

    @staticmethod
    def _delivered(mail):
        mail.write({"state": "sent", "failure_reason": False, "failure_type": False})
        mail._postprocess_sent_message(success_pids=mail.recipient_ids.ids, success_emails=[])

    def test_temporary_refusal_shows_and_is_retried_until_delivered(self):
        order, notification, mail = self._ready_email()
        Notification = self.env["click_collect.notification"]
        self._refused(mail, "SMTPRecipientsRefused: {'customer@example.com': (451, b'4.7.1 Try again later')}")
        self.assertRecordValues(notification, [{"state": "failed", "email_result": "failed", "sms_result": "queued"}])
        self.assertIn("451", notification.error)
        self.assertIn("sent again automatically", notification.error)
        self.assertEqual(order.cc_state, "ready", "the flow goes on")
        self.assertTrue(any("could not be sent" in body and "451" in body for body in _notes(order)))
        Notification._cron_retry_messages()
        self.assertEqual((mail.state, notification.email_retry_count), ("outgoing", 1), "queued again")
        Notification._cron_retry_messages()
        self.assertEqual(notification.email_retry_count, 1, "an email waiting in the queue is not counted twice")
        self._delivered(mail)
        self.assertRecordValues(notification, [{"state": "done", "email_result": "sent", "error": False}])
        self.assertTrue(any("delivered on a later attempt" in body for body in _notes(order)))

    def test_connection_refused_is_retried_a_bounded_number_of_times(self):
        order, notification, mail = self._ready_email()
        Notification = self.env["click_collect.notification"]
        for _retry in range(notification_model.EMAIL_RETRIES):
            self._refused(mail, "[Errno 111] Connection refused", failure_type="mail_smtp")
            Notification._cron_retry_messages()
            self.assertEqual(mail.state, "outgoing")
        self._refused(mail, "[Errno 111] Connection refused", failure_type="mail_smtp")
        self.assertEqual(notification.email_retry_count, notification_model.EMAIL_RETRIES)
        Notification._cron_retry_messages()
        self.assertEqual(mail.state, "exception", "given up")
        self.assertIn("Given up after", notification.error)
        given_up = [body for body in _notes(order) if "Given up after" in body]
        self.assertEqual(len(given_up), 1, "said once on the order")

    def test_permanent_refusal_is_not_retried(self):
        _order, notification, mail = self._ready_email()
        self._refused(mail, "SMTPRecipientsRefused: {'customer@example.com': (550, b'5.1.1 No such user')}")
        self.env["click_collect.notification"]._cron_retry_messages()
        self.assertEqual((mail.state, notification.email_retry_count), ("exception", 0))
        self.assertIn("not sent again automatically", notification.error)

    def test_failure_kinds(self):
        temporary = mail_outcome.mail_failure_is_temporary
        self.assertTrue(temporary("mail_smtp", "Connection refused"))
        self.assertTrue(temporary("unknown", "SMTPSenderRefused: (421, b'4.3.2 Service shutting down', 'x')"))
        self.assertTrue(temporary("unknown", "timed out"))
        self.assertFalse(temporary("unknown", "SMTPDataError: (554, b'5.7.1 Message rejected')"))
        self.assertFalse(temporary("mail_email_invalid", "Invalid address"))

    def test_other_mails_are_left_alone(self):
        partner_mail = self.env["mail.mail"].sudo().create({
            "email_to": "someone@example.com", "subject": "Not a customer message", "body_html": "<p>x</p>",
        })
        self._refused(partner_mail, "(451, b'later')")
        self.env["click_collect.notification"]._cron_retry_messages()
        self.assertEqual(partner_mail.state, "exception", "only the customer messages of web orders are retried")


@tagged("post_install", "-at_install")
class TestSmsServiceFailures(ClickCollectCommon):
    """What Odoo's SMS queue does with an SMS the SMS service did not take (state error, never
    retried by Odoo) shows on the order's customer message, and the SMS is queued again while
    the failure may pass. Odoo's tests never reach the SMS service: Odoo records that as the
    service's server error, the failure that may pass. The real HTTP exchange is in
    tests/test_faults_e2e.py."""

    def _ready_sms(self, order=None):
        order = order or self._order()
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        order.cc_notification_ids.filtered(lambda n: n.state == "pending")._cc_send()
        notification = order.cc_notification_ids.filtered(lambda n: n.step == "ready")
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "in", notification.message_ids.ids)])
        self.assertEqual((notification.sms_result, len(sms), sms.state), ("queued", 1, "outgoing"))
        return order, notification, sms

    def test_service_down_shows_and_is_retried_until_sent(self):
        order, notification, sms = self._ready_sms()
        Notification = self.env["click_collect.notification"]
        sms.send()  # Odoo's SMS job: the service cannot be reached
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertRecordValues(notification, [{"state": "failed", "sms_result": "failed", "email_result": "queued"}])
        self.assertIn("sent again automatically", notification.error)
        self.assertEqual(order.cc_state, "ready", "the flow goes on")
        self.assertTrue(any("could not be sent" in body and "SMS" in body for body in _notes(order)))
        Notification._cron_retry_messages()
        self.assertEqual((sms.state, notification.sms_retry_count), ("outgoing", 1), "queued again")
        Notification._cron_retry_messages()
        self.assertEqual(notification.sms_retry_count, 1, "an SMS waiting in the queue is not counted twice")
        self._sms_service_answers(sms, "success")
        self.assertRecordValues(notification, [{"state": "done", "sms_result": "sent", "error": False}])
        self.assertTrue(any("sent on a later attempt" in body for body in _notes(order)))

    def test_service_down_is_retried_a_bounded_number_of_times(self):
        order, notification, sms = self._ready_sms()
        Notification = self.env["click_collect.notification"]
        for _retry in range(notification_model.SMS_RETRIES):
            sms.send()
            Notification._cron_retry_messages()
            self.assertEqual(sms.state, "outgoing")
        sms.send()
        self.assertEqual(notification.sms_retry_count, notification_model.SMS_RETRIES)
        Notification._cron_retry_messages()
        self.assertEqual(sms.state, "error", "given up")
        self.assertIn("Given up after", notification.error)
        given_up = [body for body in _notes(order) if "Given up after" in body]
        self.assertEqual(len(given_up), 1, "said once on the order")

    def test_refusal_is_not_retried(self):
        order, notification, sms = self._ready_sms()
        self._sms_service_answers(sms, "wrong_number_format")
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_number_format"))
        self.env["click_collect.notification"]._cron_retry_messages()
        self.assertEqual((sms.state, notification.sms_retry_count), ("error", 0))
        self.assertRecordValues(notification, [{"state": "failed", "sms_result": "failed"}])
        self.assertIn("Wrong Number Format", notification.error)
        self.assertIn("not sent again automatically", notification.error)
        self.assertEqual(order.cc_state, "ready")

    def test_email_and_sms_failures_are_kept_apart(self):
        order, notification, sms = self._ready_sms()
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", notification.message_ids.ids)])
        TestMailServerRefusals._refused(mail, "[Errno 111] Connection refused", failure_type="mail_smtp")
        sms.send()
        self.assertEqual(notification.error.count("sent again automatically"), 2, notification.error)
        self.assertIn("Email:", notification.error)
        self.assertIn("SMS:", notification.error)
        TestMailServerRefusals._delivered(mail)
        self.assertRecordValues(notification, [{"state": "failed", "email_result": "sent", "sms_result": "failed"}])
        self.assertNotIn("Email:", notification.error)
        self.assertIn("SMS:", notification.error)
        self.env["click_collect.notification"]._cron_retry_messages()
        self._sms_service_answers(sms, "success")
        self.assertRecordValues(notification, [{"state": "done", "error": False}])
        self.assertEqual(order.cc_state, "ready")

    def test_answers_of_a_batch_are_recorded_in_bounded_queries(self):
        orders = self.env["sale.order"].concat(*(self._order() for _i in range(8)))
        for order in orders:
            self._ready_sms(order)
        messages = orders.cc_notification_ids.message_ids
        all_sms = self.env["sms.sms"].sudo().search([("mail_message_id", "in", messages.ids)])
        self.assertEqual(len(all_sms), 16, "accepted and ready of eight orders")
        all_sms.flush_recordset()
        self.env.cr.precommit.run()  # the back-office alerts of the orders' arrival, sent at commit
        self.env.invalidate_all()
        # 33 queries for 16 SMS as for 8: Odoo's sending, then the messages of a batch recorded
        # together and one note per order; and 2 for Odoo's bus notice of the failure to the
        # messages' author (created at the next savepoint, as nothing else waits for the commit)
        with self.assertQueryCount(35):
            all_sms.send()  # one answer (the service down) for sixteen SMS
        notifications = orders.cc_notification_ids.filtered("message_ids")
        self.assertEqual(set(notifications.mapped("sms_result")), {"failed"})

    def test_other_sms_are_left_alone(self):
        sms = self.env["sms.sms"].sudo().create({"number": "+32470000001", "body": "Not a customer message"})
        sms.send()
        self.assertEqual(sms.state, "error")
        self.env["click_collect.notification"]._cron_retry_messages()
        self.assertEqual(sms.state, "error", "only the customer messages of web orders are retried")


@tagged("post_install", "-at_install")
class TestConcurrentCustomerMessages(ClickCollectCommon):
    """The mail queue and the SMS queue answer for the two halves of one customer message, in
    two jobs at once; the flow and the customer change orders while messages are posted. What
    meets a concurrent update (PostgreSQL's serialization failure) is never lost: the jobs pick
    it up."""

    @staticmethod
    def _concurrent_update(*_args, **_kwargs):
        raise SerializationFailure("could not serialize access due to concurrent update")

    def _ready(self):
        order = self._order()
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        return order

    def _triggered(self, xmlid, by=None):
        """The triggers of a job (due by ``by``, when given)."""
        domain = [("cron_id", "=", self.env.ref(xmlid).id)]
        if by:
            domain.append(("call_at", "<=", by))
        return self.env["ir.cron.trigger"].sudo().search_count(domain)

    def test_a_message_posted_during_a_concurrent_update_stays_for_the_job(self):
        first, second = self._ready(), self._ready()
        pending = (first | second).cc_notification_ids.filtered(lambda n: n.state == "pending")
        post_sms = type(self.env["sale.order"])._cc_post_sms

        def post_sms_but_first(order, template_xmlid):
            if order == first:
                self._concurrent_update()
            return post_sms(order, template_xmlid)

        triggers = self._triggered("click_collect.ir_cron_send_customer_messages")
        with patch.object(type(self.env["sale.order"]), "_cc_post_sms", post_sms_but_first):
            pending._cc_send()
        first_messages = first.cc_notification_ids
        self.assertEqual(set(first_messages.mapped("state")), {"pending"}, "left for the job, not failed")
        self.assertFalse(first_messages.message_ids, "no half-sent message")
        self.assertFalse([body for body in _notes(first) if "could not be sent" in body])
        self.assertEqual(set(second.cc_notification_ids.mapped("state")), {"done"}, "the others are sent")
        self.assertEqual(self._triggered("click_collect.ir_cron_send_customer_messages"), triggers + 1,
                         "the job runs again soon")
        self.env["click_collect.notification"]._cron_send_pending()
        sent = {"state": "done", "email_result": "queued", "sms_result": "queued"}
        self.assertRecordValues(first_messages, [sent, sent])
        self.assertEqual(len(first_messages.message_ids), 4, "an email and an SMS per step, once")

    def test_an_sms_answer_missed_is_recorded_by_the_job(self):
        order = self._ready()
        order.cc_notification_ids._cc_send()
        notification = order.cc_notification_ids.filtered(lambda n: n.step == "ready")
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "in", notification.message_ids.ids)])
        answer_job = "click_collect.ir_cron_record_message_answers"
        triggers = self._triggered(answer_job, by=fields.Datetime.now())
        with patch.object(type(self.env["click_collect.notification"]), "_cc_sms_outcome", self._concurrent_update):
            self._sms_service_answers(sms, "success")
        self.assertEqual(notification.sms_result, "queued", "the answer could not be recorded as it came")
        self.assertEqual(self._triggered(answer_job, by=fields.Datetime.now()), triggers + 1,
                         "the answer job runs at once")
        self.env.ref(answer_job).ir_actions_server_id.sudo().run()
        self.assertRecordValues(notification, [{"sms_result": "sent", "state": "done"}])

    def test_the_answer_job_that_meets_a_concurrent_update_runs_again_at_once(self):
        order = self._ready()
        order.cc_notification_ids._cc_send()
        notification = order.cc_notification_ids.filtered(lambda n: n.step == "ready")
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "in", notification.message_ids.ids)])
        Notification = type(self.env["click_collect.notification"])
        with patch.object(Notification, "_cc_sms_outcome", self._concurrent_update):
            self._sms_service_answers(sms, "success")
        answer_job = "click_collect.ir_cron_record_message_answers"
        triggers = self._triggered(answer_job, by=fields.Datetime.now())
        with patch.object(Notification, "_cc_channel_sent", self._concurrent_update):
            self.env.ref(answer_job).ir_actions_server_id.sudo().run()
        self.assertEqual(notification.sms_result, "queued")
        self.assertEqual(self._triggered(answer_job, by=fields.Datetime.now()), triggers + 1, "and runs again")
        self.env.ref(answer_job).ir_actions_server_id.sudo().run()
        self.assertEqual(notification.sms_result, "sent")

    def test_an_email_refusal_missed_is_recorded_and_retried_by_the_job(self):
        order = self._ready()
        order.cc_notification_ids._cc_send()
        notification = order.cc_notification_ids.filtered(lambda n: n.step == "ready")
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", notification.message_ids.ids)])
        triggers = self._triggered("click_collect.ir_cron_record_message_answers", by=fields.Datetime.now())
        with patch.object(type(self.env["click_collect.notification"]), "_cc_mail_outcome", self._concurrent_update):
            TestMailServerRefusals._refused(mail, "[Errno 111] Connection refused", failure_type="mail_smtp")
        self.assertEqual(notification.email_result, "queued")
        self.assertEqual(self._triggered("click_collect.ir_cron_record_message_answers", by=fields.Datetime.now()),
                         triggers + 1)
        self.env["click_collect.notification"]._cron_retry_messages()
        self.assertRecordValues(notification, [{"email_result": "failed", "state": "failed", "email_retry_count": 1}])
        self.assertIn("Connection refused", notification.error)
        self.assertEqual(mail.state, "outgoing", "and queued again")
        self.assertTrue(any("could not be sent" in body for body in _notes(order)))
        TestMailServerRefusals._delivered(mail)
        self.assertRecordValues(notification, [{"email_result": "sent", "state": "done"}])
