from unittest.mock import patch

import babel.dates

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.base.models.ir_cron import IrCron

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestCustomerMessages(ClickCollectCommon):
    """Every customer-facing step queues one message, sent after the transaction with the
    step's email and SMS templates, in the customer's language, with the right values."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_a.write({
            "opening_hours": cls.env.ref("resource.resource_calendar_std").id,
            "cc_pickup_days": 5,
        })
        cls.store_a.partner_id.write({"street": "Rue Neuve 12", "zip": "1000", "city": "Brussels"})
        cls.carrier.tracking_url = "https://track.example.com/parcel?ref=<shipmenttrackingnumber>"
        cls.web_shop = cls.env["click_collect.web.shop"].create({"name": "CC Test Shop", "code": "CCTS"})

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _secrets(order):
        """The order's pickup code and tracking token, read as the flow reads them."""
        return order.sudo().cc_pickup_code, order.sudo().cc_tracking_token

    def _move(self, order, *targets):
        for target in targets:
            if target == "shipped":
                order.write({"carrier_id": self.carrier.id, "cc_tracking_ref": "TRK-777"})
            if target == "collected":
                self._pay(order, method="pay_at_store")
            order._cc_transition(target)
        return order

    def _sent(self, order, step):
        """Send the order's pending messages (as after the commit); return the notification of
        ``step``, its email (mail.mail) and its SMS (sms.sms)."""
        order.cc_notification_ids.filtered(lambda n: n.state == "pending")._cc_send()
        notification = order.cc_notification_ids.filtered(lambda n: n.step == step).sorted("id")[-1:]
        self.assertTrue(notification, f"a {step} message was queued")
        messages = notification.message_ids
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", messages.ids)])
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "in", messages.ids)])
        return notification, mail, sms

    def _assert_sent(self, order, step, *, email=(), sms=(), subject=None):
        notification, mail, text = self._sent(order, step)
        self.assertRecordValues(notification, [{"state": "done", "email_result": "queued", "sms_result": "queued"}])
        self.assertEqual(len(mail), 1, "one email")
        self.assertEqual(mail.recipient_ids, order.partner_id)
        self.assertEqual(len(text), 1, "one SMS")
        self.assertEqual(text.partner_id, order.partner_id)
        self.assertEqual(text.state, "outgoing", "queued for Odoo's SMS job")
        code, token = self._secrets(order)
        self.assertIn(f"/order/track/{order.id}?token={token}", mail.body_html,
                      "every email links to the tracking page, with the tracking token")
        for copy in notification.message_ids:
            for secret in filter(None, (code, token)):
                self.assertNotIn(secret, copy.body, "the chatter's copy keeps no secret")
        if subject:
            self.assertIn(subject, mail.subject)
        for value in email:
            self.assertIn(value, mail.body_html)
        for value in sms:
            self.assertIn(value, text.body)
        # what mail.mail._send does once the mail server took it (Odoo's tests send no mail)
        mail.write({"state": "sent", "auto_delete": False})  # kept for the checks that follow
        mail._postprocess_sent_message(success_pids=mail.recipient_ids.ids, success_emails=[])
        self.assertEqual(notification.email_result, "sent")
        self._sms_service_answers(text, "success")
        self.assertEqual((notification.sms_result, notification.state), ("sent", "done"))
        return notification, mail, text

    # ------------------------------------------------------------------ steps

    def test_accepted(self):
        order = self._move(self._order(), "accepted")
        self._assert_sent(order, "accepted", subject=f"your order {order.name} is accepted",
                          email=[order.name, "Test Store A", "ready for pickup"],
                          sms=[order.name, "accepted", "Test Store A", f"/order/track/{order.id}?token="])
        ship = self._move(self._order("ship"), "accepted")
        self._assert_sent(ship, "accepted", email=["as soon as it is shipped"])

    def test_the_message_job_does_not_write_the_order(self):
        """A web order gets Odoo's portal token as it enters the flow: the job sending its
        messages only reads it, and updates no order a clerk's click or a courier's status may
        be updating at the same moment."""
        order = self._move(self._order(), "accepted", "preparing", "ready")
        self.assertTrue(order.sudo().access_token, "made as the order entered the flow")

        def row_version():
            self.env.flush_all()
            self.env.cr.execute("SELECT ctid FROM sale_order WHERE id = %s", [order.id])
            return self.env.cr.fetchone()[0]

        before = row_version()
        sent = order.cc_notification_ids.filtered(lambda n: n.state == "pending")
        self.assertEqual(set(sent.mapped("step")), {"accepted", "ready"})
        sent._cc_send()
        self.assertEqual(set(sent.mapped("state")), {"done"})
        self.assertEqual(row_version(), before, "the order's row was not updated")

    def test_ready_for_pickup(self):
        order = self._move(self._order(), "accepted", "preparing", "ready")
        code, token = self._secrets(order)
        access_token = order._portal_ensure_token()
        self.assertRegex(code, r"^\d{6}$")
        deadline = order.cc_pickup_deadline
        ready_day = fields.Date.context_today(order, order.cc_state_date)  # the deadline's time zone
        self.assertEqual((deadline - ready_day).days, 5, "waits the store's days at the counter")
        _notification, mail, _text = self._assert_sent(
            order, "ready", subject="is ready for pickup",
            email=["Test Store A", "Rue Neuve 12, 1000 Brussels", "Monday \u2013 Friday",
                   "08:00\u201312:00, 13:00\u201317:00", code, f"/order/track/{order.id}/qr.png?token={token}",
                   f"/order/track/{order.id}/barcode.png?access_token={access_token}",
                   "Please pay"],
            sms=["ready for pickup", "Test Store A", "Rue Neuve 12, 1000 Brussels", f"Pickup code: {code}",
                 f"{deadline:%B} {deadline.day}, {deadline.year}"],
        )
        # the date spelled out: "12/08/2026" reads as 12 August to a Belgian customer
        self.assertIn(f"{deadline:%B} {deadline.day}, {deadline.year}", mail.body_html)

    def test_shipped_with_courier_and_tracking_link(self):
        order = self._move(self._order("ship"), "accepted", "preparing", "shipped")
        link = "https://track.example.com/parcel?ref=TRK-777"
        self.assertEqual(order.cc_carrier_tracking_url, link)
        self._assert_sent(order, "shipped", email=["CC Test Courier", "TRK-777", link.replace("&", "&amp;")],
                          sms=["CC Test Courier", "TRK-777", link])

    def test_shipped_without_carrier_has_no_link(self):
        order = self._order("ship")
        self._move(order, "accepted", "preparing")
        order.write({"cc_courier_name": "Bike Courier", "cc_tracking_ref": "B-1"})
        order._cc_transition("shipped")
        self.assertFalse(order.cc_carrier_tracking_url)
        _notification, mail, _text = self._assert_sent(order, "shipped", email=["Bike Courier", "B-1"],
                                                       sms=["Bike Courier"])
        self.assertNotIn("Follow my parcel", mail.body_html)

    def test_collected_and_delivered_words_match_the_fulfilment(self):
        pickup = self._move(self._order(), "accepted", "preparing", "ready", "collected")
        _notification, mail, text = self._assert_sent(pickup, "delivered", subject="is collected",
                                                      email=["You collected your order", "Test Store A"],
                                                      sms=["is collected"])
        self.assertNotIn("shipped", mail.body_html + text.body)
        self.assertNotIn("delivered", mail.body_html + text.body)
        ship = self._order("ship", method="pay_at_store")
        self._move(ship, "accepted", "preparing", "shipped", "delivered")
        self._assert_sent(ship, "delivered", email=["has been delivered"], sms=["is delivered"])

    def test_delivery_failed(self):
        order = self._move(self._order("ship"), "accepted", "preparing", "shipped", "failed")
        self._assert_sent(order, "failed", subject="could not be delivered",
                          email=["CC Test Courier", "could not deliver"], sms=["could not deliver"])

    def test_expired_and_cancelled(self):
        expired = self._move(self._order(), "accepted", "preparing", "ready", "expired")
        self._assert_sent(expired, "cancelled", subject="is expired", email=["was not collected"], sms=["is expired"])
        cancelled = self._move(self._order(), "cancelled")
        self._assert_sent(cancelled, "cancelled", subject="is cancelled", email=["has been cancelled"],
                          sms=["is cancelled"])

    def test_pickup_reminder_once_per_stay(self):
        order = self._move(self._order(), "accepted", "preparing", "ready")
        not_ready = self._move(self._order(), "accepted")
        (order | not_ready)._cc_notify_pickup_reminder()
        self.assertFalse(not_ready.cc_notification_ids.filtered(lambda n: n.step == "reminder"))
        code, _token = self._secrets(order)
        self._assert_sent(order, "reminder", subject="is waiting for you",
                          email=[code, "Rue Neuve 12"], sms=[code])
        order._cc_notify_pickup_reminder()
        self.assertEqual(len(order.cc_notification_ids.filtered(lambda n: n.step == "reminder")), 1,
                         "the expiry job may call again: one reminder per stay at the counter")

    def test_payment_received_for_transfer_orders(self):
        order = self._order(method="transfer")
        self._pay(order, method="transfer", amount=30.0)
        self.assertFalse(order.cc_notification_ids, "a partial payment is not the payment")
        self._pay(order, method="transfer", amount=50.0)
        self._assert_sent(order, "payment", subject="payment received", email=["80.00"], sms=["80.00"])
        counter = self._move(self._order(), "accepted", "preparing", "ready", "collected")
        self.assertNotIn("payment", counter.cc_notification_ids.mapped("step"), "only transfers")

    def test_silent_states(self):
        order = self._move(self._order(), "accepted", "preparing")
        self.assertEqual(order.cc_notification_ids.mapped("step"), ["accepted"])

    # ------------------------------------------------------------------ language

    def test_messages_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        mail_template = self.env.ref("click_collect.mail_template_ready")
        sms_template = self.env.ref("click_collect.sms_template_ready")
        mail_template.with_context(lang="fr_FR").subject = "Votre commande {{ object.name }} est prête"
        sms_template.with_context(lang="fr_FR").body = (
            "Votre commande {{ object.name }} vous attend chez {{ object.cc_store_id.name }} jusqu'au "
            "{{ format_date(object.cc_pickup_deadline) }}. Code : {{ object.cc_pickup_code }}"
        )
        french = self.customer.copy({"name": "Client Français", "lang": "fr_FR"})
        order = self._order()
        order.partner_id = french
        self._move(order, "accepted", "preparing", "ready")
        _notification, mail, text = self._sent(order, "ready")
        self.assertEqual(mail.subject, f"Votre commande {order.name} est prête")
        self.assertIn(f"jusqu'au {order.cc_pickup_deadline.strftime('%d/%m/%Y')}", text.body)
        self.assertIn(babel.dates.format_date(order.cc_pickup_deadline, "long", locale="fr_FR"), mail.body_html,
                      "the date in the customer's language")
        self.assertIn(self._secrets(order)[0], text.body)
        english = self._move(self._order(), "accepted", "preparing", "ready")
        _notification, mail, text = self._sent(english, "ready")
        self.assertIn("is ready for pickup", mail.subject)
        self.assertIn("ready for pickup", text.body)

    # ------------------------------------------------------------------ switches, failures, timing

    def test_step_switched_off_per_web_shop_and_channel(self):
        settings = self.web_shop.notification_setting_ids
        self.assertEqual(len(settings), 11, "one setting per step, all on")
        self.assertTrue(all(settings.mapped("email")) and all(settings.mapped("sms")))
        settings.filtered(lambda s: s.step == "accepted").email = False
        settings.filtered(lambda s: s.step == "ready").write({"email": False, "sms": False})
        order = self._order()
        order.cc_web_shop_id = self.web_shop
        self._move(order, "accepted")
        notification, mail, text = self._sent(order, "accepted")
        self.assertRecordValues(notification, [{"email_result": "off", "sms_result": "queued", "state": "done"}])
        self.assertFalse(mail)
        self.assertEqual(len(text), 1)
        self._move(order, "preparing", "ready")
        notification, mail, text = self._sent(order, "ready")
        self.assertRecordValues(notification, [{"email_result": "off", "sms_result": "off"}])
        self.assertFalse(mail | self.env["mail.mail"].browse(text.ids))
        self.assertFalse(notification.message_ids, "nothing at all is sent for a step switched off")
        # an order without web shop sends everything
        plain = self._move(self._order(), "accepted")
        self._assert_sent(plain, "accepted")

    def test_no_address(self):
        order = self._order()
        order.partner_id = self.customer.copy({"email": False, "phone": False})
        self._move(order, "accepted")
        notification, _mail, _text = self._sent(order, "accepted")
        self.assertRecordValues(notification, [{"email_result": "no_address", "sms_result": "no_address",
                                                "state": "done"}])

    def test_failure_to_send_never_blocks_and_shows_on_the_order(self):
        # a template edited by someone, that fails to render for this customer only
        self.env.ref("click_collect.mail_template_accepted").body_html = (
            '<p>Hello <t t-out="object.no_such_field if object.partner_id.name == \'CC Failing\' else \'\'"/></p>'
        )
        order = self._order()
        order.partner_id = self.customer.copy({"name": "CC Failing"})
        self._move(order, "accepted")
        self.assertEqual(order.cc_state, "accepted", "the flow moved on")
        notification, mail, text = self._sent(order, "accepted")
        self.assertRecordValues(notification, [{"state": "failed", "email_result": "failed", "sms_result": "queued"}])
        self.assertIn("no_such_field", notification.error)
        self.assertFalse(mail)
        self.assertEqual(len(text), 1, "the SMS still goes")
        note = order.message_ids.filtered(lambda m: "could not be sent" in (m.body or ""))
        self.assertEqual(len(note), 1, "the failure is logged in the order's chatter")

    def test_sent_by_the_job_not_in_the_transition(self):
        """The transition queues the message and triggers the job, in its own transaction:
        nothing is rendered nor sent in the request of the user who moved the order, and nothing
        waits for the commit in that request."""
        job = self.env.ref("click_collect.ir_cron_send_customer_messages")
        Trigger = self.env["ir.cron.trigger"].sudo()
        triggers_before = Trigger.search_count([("cron_id", "=", job.id)])
        order = self._order()
        mails_before = self.env["mail.mail"].sudo().search_count([])
        order.with_user(self.user_store_a)._cc_transition("accepted")
        self.assertEqual(order.cc_notification_ids.state, "pending")
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails_before, "nothing rendered yet")
        self.assertGreater(Trigger.search_count([("cron_id", "=", job.id)]), triggers_before,
                           "the job runs once this transaction commits")
        self.assertFalse(self.env.cr.postcommit.data.get("click_collect.notification"),
                         "nothing is sent by the request after its commit")
        # the scheduled job sends it, from the company as when it was sent in the request
        self.env["click_collect.notification"].with_user(self.env.ref("base.user_root"))._cron_send_pending()
        self.assertEqual(order.cc_notification_ids.state, "done")
        self.assertGreater(self.env["mail.mail"].sudo().search_count([]), mails_before)
        email = order.cc_notification_ids.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(email.author_id, order.company_id.partner_id)

    def test_the_job_sends_in_batches_committed_one_by_one(self):
        Notification = self.env["click_collect.notification"]
        Notification.search([("state", "=", "pending")]).write({"state": "done"})
        orders = self.env["sale.order"].concat(*[self._move(self._order(), "accepted") for _i in range(3)])
        progress = []

        def commit_progress(cron, processed=0, *, remaining=None, deactivate=False):
            progress.append((processed, remaining))
            return 60.0

        with patch.object(IrCron, "_commit_progress", commit_progress):
            Notification.with_context(ir_cron_progress_id=1)._cron_send_pending(batch_size=2)
        self.assertEqual(progress, [(2, 1), (1, 0)], "(sent, left) after each batch")
        self.assertEqual(set(orders.cc_notification_ids.mapped("state")), {"done"})

    def test_one_failing_message_leaves_the_others_sent_and_masked(self):
        """Messages are posted together; when one fails, each is posted again on its own: the
        others go once, their chatter copies masked; the failing one says why."""
        good, no_email, broken = (self._move(self._order(), "accepted", "preparing") for _i in range(3))
        Order = type(self.env["sale.order"])
        post_email, switches = Order._cc_post_email, Order._cc_notification_switches

        def post_email_but(order, template_xmlid):
            if order == no_email:
                raise ValueError("The mail template broke for this order.")
            return post_email(order, template_xmlid)

        def switches_but(order, step):
            if order == broken:
                raise ValueError("A broken setting")
            return switches(order, step)

        pending = (good | no_email | broken).cc_notification_ids.filtered(lambda n: n.state == "pending")
        pending._cc_send()
        for order in (good, no_email, broken):
            order._cc_transition("ready")
        ready = (good | no_email | broken).cc_notification_ids.filtered(lambda n: n.state == "pending")
        with patch.object(Order, "_cc_post_email", post_email_but), \
                patch.object(Order, "_cc_notification_switches", switches_but):
            ready._cc_send()
        by_order = {n.order_id: n for n in ready}
        self.assertRecordValues(by_order[good], [{"state": "done", "email_result": "queued", "sms_result": "queued"}])
        self.assertRecordValues(by_order[no_email], [{"state": "failed", "email_result": "failed",
                                                      "sms_result": "queued"}])
        self.assertIn("The mail template broke", by_order[no_email].error)
        self.assertRecordValues(by_order[broken], [{"state": "failed", "email_result": False}])
        self.assertIn("A broken setting", by_order[broken].error)
        self.assertEqual(len(by_order[good].message_ids), 2, "one email and one SMS, once")
        self.assertEqual(len(by_order[no_email].message_ids), 1, "the SMS")
        for order in (good, no_email):
            code, token = self._secrets(order)
            for message in by_order[order].message_ids:
                self.assertNotIn(code, message.body)
                self.assertNotIn(token, message.body)

    def test_emails_of_the_job_do_not_wait_for_the_hourly_mail_queue(self):
        """Odoo's scheduled jobs (server actions) leave the emails they post to the mail queue,
        whose own job runs hourly: the customer messages' job has it run at once."""
        mail_queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        Trigger = self.env["ir.cron.trigger"].sudo()

        def queue_triggers():
            return Trigger.search([("cron_id", "=", mail_queue.id)])

        order = self._move(self._order(), "accepted")
        before = queue_triggers()
        self.env.ref("click_collect.ir_cron_send_customer_messages").ir_actions_server_id.sudo().run()
        notification = order.cc_notification_ids
        mail = self.env["mail.mail"].sudo().search([("mail_message_id", "in", notification.message_ids.ids)])
        self.assertEqual((notification.email_result, mail.state), ("queued", "outgoing"), "left to the mail queue")
        triggered = queue_triggers() - before
        self.assertTrue(triggered, "the mail queue runs")
        self.assertLessEqual(max(triggered.mapped("call_at")), fields.Datetime.now(), "at once")
        # after a request, Odoo sends the email after the commit; the queue runs later for any left
        second = self._move(self._order(), "accepted")
        before = queue_triggers()
        second.cc_notification_ids._cc_send()
        self.assertGreater(min((queue_triggers() - before).mapped("call_at")), fields.Datetime.now())

    def test_resend_ready_message(self):
        order = self._move(self._order(), "accepted", "preparing", "ready")
        self._sent(order, "ready")
        order.with_user(self.user_store_a).action_cc_resend_ready_message()
        ready = order.cc_notification_ids.filtered(lambda n: n.step == "ready")
        self.assertEqual(len(ready), 2)
        self.assertIn("Sent again by", ready.sorted("id")[-1].note)
        self._assert_sent(order, "ready", email=[self._secrets(order)[0]])
        with self.assertRaisesRegex(UserError, "Only orders ready for pickup"):
            self._move(self._order(), "accepted").action_cc_resend_ready_message()
        with self.assertRaises(AccessError):
            order.with_user(self.user_store_b).action_cc_resend_ready_message()

    # ------------------------------------------------------------------ the code stays with the customer

    def test_staff_read_no_pickup_code_in_the_chatter(self):
        """Attack: a store user (or a web-order manager) reads the "ready for pickup" email and
        SMS of an order in its chatter, or their rows in Odoo's mail and SMS queues, over RPC,
        to learn the customer's pickup code or the token of the link that shows it."""
        order = self._move(self._order(), "accepted", "preparing", "ready")
        order._cc_notify_pickup_reminder()
        code, token = self._secrets(order)
        _notification, mail, text = self._sent(order, "ready")
        self.assertIn(code, mail.body_html, "the customer's email has the code")
        self.assertIn(code, text.body, "the customer's SMS has the code")
        self.assertIn(token, mail.body_html)
        for user in (self.user_store_a, self.user_manager):
            messages = order.with_user(user).message_ids
            self.assertTrue(messages)
            for message in messages.read(["body", "subject", "preview"]):
                for secret in (code, token):
                    self.assertNotIn(secret, str(message), f"{user.login} reads no secret in the chatter")
            copies = self.env["mail.message"].with_user(user).search([
                ("model", "=", "sale.order"), ("res_id", "=", order.id), ("body", "ilike", "\u2022\u2022\u2022"),
            ])
            self.assertGreaterEqual(len(copies), 4, "ready and reminder, email and SMS: masked copies")
            with self.assertRaises(AccessError):
                self.env["mail.mail"].with_user(user).search([("mail_message_id", "in", copies.ids)])
            with self.assertRaises(AccessError):
                self.env["sms.sms"].with_user(user).search([("mail_message_id", "in", copies.ids)])

    def test_follower_of_notes_gets_no_copy_of_the_code(self):
        """Attack: a store user follows the order's internal notes (where the customer messages
        are logged) to receive the "ready for pickup" message, with its code, by email or in
        their inbox."""
        order = self._order()
        note = self.env.ref("mail.mt_note")
        self.user_store_a.notification_type = "email"
        order.with_user(self.user_store_a).message_subscribe(
            partner_ids=self.user_store_a.partner_id.ids, subtype_ids=(note | self.env.ref("mail.mt_comment")).ids,
        )
        self.assertIn(note, order.message_follower_ids.filtered(
            lambda f: f.partner_id == self.user_store_a.partner_id).subtype_ids)
        self._move(order, "accepted", "preparing", "ready")
        notification, mail, _text = self._sent(order, "ready")
        self.assertEqual(mail.recipient_ids, self.customer, "the customer alone")
        self.assertFalse(self.env["mail.notification"].sudo().search([
            ("mail_message_id", "in", notification.message_ids.ids),
            ("res_partner_id", "=", self.user_store_a.partner_id.id),
        ]), "no email, no inbox notification for the follower")

    def test_links_rendered_by_staff_carry_no_tracking_token(self):
        """Attack: a web-order manager renders a message's link (a template preview, a message
        sent by hand) to get the tracking token that shows the code."""
        order = self._move(self._order(), "accepted", "preparing", "ready")
        _code, token = self._secrets(order)
        for user in (self.user_store_a, self.user_manager):
            url = order.with_user(user)._cc_tracking_url()
            self.assertNotIn(token, url)
            if user == self.user_store_a:
                self.assertTrue(url.endswith(f"/order/track/{order.id}"), "store staff read no portal token")
            else:
                self.assertIn(f"/order/track/{order.id}?access_token=", url, "Odoo's token: the page without the code")
            self.assertNotIn(token, order.with_user(user)._cc_code_image_url("qr"))
            with self.assertRaises(AccessError):
                order.with_user(user).read(["cc_tracking_token"])

    # ------------------------------------------------------------------ companies

    def test_another_company_reads_no_messages_settings_nor_tries(self):
        """Attack: a web-order manager of another company reads this company's customer
        messages, its web shops' message settings and the "track my order" wrong tries (which
        name its orders), by RPC."""
        company_b = self.env["res.company"].create({"name": "CC Company B"})
        manager_b = new_test_user(self.env, "cc_test_manager_b", groups="click_collect.group_manager",
                                  company_id=company_b.id, company_ids=[Command.set(company_b.ids)])
        order = self._move(self._order(), "accepted")
        notification = order.cc_notification_ids
        self.assertEqual(notification.company_id, order.company_id)
        settings = self.web_shop.notification_setting_ids
        attempt = self.env["click_collect.track.attempt"].sudo().create({
            "key": f"order:{order.id}", "company_id": order.company_id.id,
        })
        records = ((notification, "click_collect.notification"), (settings, "click_collect.notification.setting"),
                   (attempt, "click_collect.track.attempt"))
        for recordset, model in records:
            self.assertEqual(self.env[model].with_user(self.user_manager).search([("id", "in", recordset.ids)]),
                             recordset.sudo(False), f"{model}: this company's manager reads them")
            self.assertFalse(self.env[model].with_user(manager_b).search([("id", "in", recordset.ids)]),
                             f"{model}: nothing for another company")
            with self.assertRaises(AccessError):
                recordset.with_user(manager_b).read(["id"])

    # ------------------------------------------------------------------ Odoo's own delivery messages

    def test_odoo_shipped_email_and_sms_never_reach_web_customers(self):
        self.company.write({"stock_move_email_validation": True, "stock_text_confirmation": True,
                            "has_received_warning_stock_sms": True})
        # stock_sms sends nothing while tests run: let it act as on a live server here
        with patch("odoo.modules.module.current_test", False):
            pickup = self._move(self._order(), "accepted", "preparing", "ready", "collected")
            ship = self._move(self._order("ship"), "accepted", "preparing", "shipped")
        for order in (pickup, ship):
            picking = order.picking_ids
            self.assertEqual(picking.state, "done")
            self.assertFalse(picking.message_ids.filtered(lambda m: "has been shipped" in (m.body or "")),
                             "no Odoo delivery email")
            self.assertFalse(picking.message_ids.filtered(lambda m: m.message_type == "sms"), "no Odoo delivery SMS")
            self.assertFalse(self.env["sms.sms"].sudo().search([
                ("partner_id", "=", self.customer.id), ("body", "ilike", "has been shipped"),
            ]))
        # a plain sales order keeps Odoo's email
        plain = self.env["sale.order"].create({
            "partner_id": self.customer.id, "warehouse_id": self.store_a.id,
            "order_line": [Command.create({"product_id": self.product_1.id, "product_uom_qty": 1})],
        })
        plain.action_confirm()
        picking = plain.picking_ids
        picking.move_ids.quantity = 1
        picking.with_context(skip_sms=True).button_validate()
        self.assertTrue(picking.message_ids.filtered(lambda m: "has been shipped" in (m.body or "")))


