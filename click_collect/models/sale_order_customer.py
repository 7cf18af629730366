import re
import secrets

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq

from .. import const

# What the copy of a customer message kept in the chatter shows instead of the pickup code and
# of the token of the link that shows it.
MASK = "\u2022" * 6


class SaleOrder(models.Model):
    """The customer's side of a web order: the messages of each step (click_collect.notification)
    and the values of their templates, the tracking page and its link.

    The link of every message opens the tracking page with the order's *tracking token*, a token
    of the flow that no user reads (unlike Odoo's ``access_token``, which every user who reads an
    order reads, and which opens the page without the pickup code).
    """

    _inherit = "sale.order"

    cc_tracking_token = fields.Char(
        string="Tracking Token", copy=False, readonly=True, groups=fields.NO_ACCESS, prefetch=False,
        help="The token of the tracking link in the customer's messages: it shows the pickup code. "
             "No user reads it; only the flow, as superuser, writes it in the messages it sends.",
    )
    cc_pickup_deadline = fields.Date(
        string="Last Day at the Counter", compute="_compute_cc_pickup_deadline",
        help="The last day a ready order waits at the counter (the store's days at the counter).",
    )
    cc_carrier_tracking_url = fields.Char(
        string="Tracking Link", compute="_compute_cc_carrier_tracking_url",
        help="The courier's tracking link, when the order has a courier and a tracking number.",
    )
    cc_notification_ids = fields.One2many(
        "click_collect.notification", "order_id", string="Customer Messages", readonly=True,
        groups="click_collect.group_store_user",
    )

    @api.depends("cc_expiry_date")
    def _compute_cc_pickup_deadline(self):
        for order in self:
            order.cc_pickup_deadline = order.cc_expiry_date and fields.Date.context_today(order, order.cc_expiry_date)

    @api.depends("carrier_id", "cc_tracking_ref", "picking_ids.carrier_tracking_ref")
    def _compute_cc_carrier_tracking_url(self):
        for order in self:
            picking = order.carrier_id and order.cc_tracking_ref and order.picking_ids.filtered(
                lambda p, o=order: p.picking_type_code == "outgoing" and p.carrier_tracking_ref == o.cc_tracking_ref
            )[:1]
            order.cc_carrier_tracking_url = (picking and order.carrier_id.get_tracking_link(picking)) or False

    # ------------------------------------------------------------------ the tracking token

    def _cc_ensure_tracking_token(self):
        """Give every web order without them the token of its tracking link and Odoo's portal
        token (``access_token``), as it enters the flow: the job sending its first message then
        only reads the order, and never updates it while a clerk's click or a courier's status
        does (a concurrent update that would undo one of them)."""
        # sudo: no user reads nor writes the tracking token (NO_ACCESS); the flow sets it once,
        # and the portal token with it (store staff do not read that one either)
        for order in self.sudo().filtered(lambda o: o.cc_fulfilment and not (o.cc_tracking_token and o.access_token)):
            order.cc_tracking_token = order.cc_tracking_token or secrets.token_urlsafe(24)
            order._portal_ensure_token()

    def _cc_tracking_token(self):
        """The order's tracking token, for the messages the flow sends as superuser; nothing for
        anyone else."""
        self.ensure_one()
        if not self.env.su:
            return False
        self._cc_ensure_tracking_token()
        return self.cc_tracking_token

    def _cc_check_tracking_token(self, token):
        """Whether ``token`` is this web order's tracking token (compared in constant time)."""
        self.ensure_one()
        # sudo: the token is compared, never shown
        expected = self.sudo().cc_tracking_token
        return bool(expected and token and self.cc_fulfilment and consteq(expected, str(token)))

    def _cc_tracking_url(self):
        """The absolute link of the order's tracking page: with its tracking token (the page then
        shows the pickup code) in the messages the flow sends; with Odoo's access token (the
        page without the code) when anyone else renders a template, e.g. in a preview."""
        self.ensure_one()
        url = f"{self.get_base_url()}/order/track/{self.id}"
        token = self._cc_tracking_token()
        if token:
            return f"{url}?token={token}"
        return url + self._cc_access_token_query()

    def _cc_code_image_url(self, kind):
        """The absolute link of the order's barcode (``barcode``: Code 128 of the order number,
        with Odoo's access token) or of its QR code (``qr``: the order number and the pickup code,
        with the tracking token; see ``_cc_pickup_qr_content``), for emails."""
        self.ensure_one()
        url = f"{self.get_base_url()}/order/track/{self.id}/{kind}.png"
        if kind == "qr":
            return f"{url}?token={self._cc_tracking_token() or ''}"
        return url + self._cc_access_token_query()

    def _cc_access_token_query(self):
        """``?access_token=<Odoo's portal token>``, or nothing for a user who may not read it
        (the link then needs a login)."""
        token = self._portal_ensure_token()
        return f"?access_token={token}" if token else ""

    # ------------------------------------------------------------------ messages

    def action_cc_resend_ready_message(self):
        """Send the "ready for pickup" message (email and SMS) of these orders again.

        Public: the back office button and the point of sale call it. Only for Click & Collect
        orders that wait at the counter; the web shop's switches apply.
        """
        not_ready = self.filtered(lambda o: o.cc_fulfilment != "pickup" or o.cc_state != "ready")
        if not_ready:
            raise UserError(self.env._(
                "Only orders ready for pickup get their \"ready for pickup\" message again: %(orders)s.",
                orders=", ".join(not_ready.mapped("name")),
            ))
        self.check_access("write")
        self.env["click_collect.notification"]._cc_queue(
            self, "ready", note=self.env._("Sent again by %(user)s", user=self.env.user.name),
        )
        return True

    def _cc_queue_customer_messages(self, events):
        step = events and self._cc_notification_steps().get(events[0].to_state)
        if step:
            self.env["click_collect.notification"]._cc_queue(events.order_id, step, events=events)

    def _cc_queue_pickup_reminders(self):
        orders = self.filtered(lambda o: o.cc_fulfilment == "pickup" and o.cc_state == "ready")
        if not orders:
            return
        # once per stay at the counter: no reminder queued since the order became ready (the
        # "ready" message queued by that transition); sudo: the job reads every store's messages
        queued = self.env["click_collect.notification"].sudo().search([
            ("order_id", "in", orders.ids), ("step", "in", ("ready", "reminder")),
        ], order="id")
        last_ready = {n.order_id.id: n.id for n in queued if n.step == "ready" and n.event_id}
        reminded = queued.filtered(
            lambda n: n.step == "reminder" and n.id > last_ready.get(n.order_id.id, 0)
        ).order_id
        self.env["click_collect.notification"]._cc_queue(orders - reminded.sudo(False), "reminder")

    def _cc_queue_payment_received(self):
        orders = self.filtered(lambda o: o.cc_payment_method == "transfer" and o.cc_payment_state == "paid")
        if not orders:
            return
        # sudo: whoever registers the payment, the customer is told once (messages of every user)
        told = self.env["click_collect.notification"].sudo().search([
            ("order_id", "in", orders.ids), ("step", "=", "payment"),
        ]).order_id
        self.env["click_collect.notification"]._cc_queue(orders - told.sudo(False), "payment")

    def _cc_notification_switches(self, step):
        """(email on, SMS on) for the message ``step`` of this order: its web shop's settings,
        everything on for orders without a web shop."""
        self.ensure_one()
        setting = self.cc_web_shop_id.notification_setting_ids.filtered(lambda s: s.step == step)[:1]
        if not setting:
            return True, True
        return setting.email, setting.sms

    def _cc_post_email(self, template_xmlid):
        """Send the email of a step to the customer, in their language. Its copy in the chatter
        is to be masked (``_cc_mask_logged_copies``)."""
        self.ensure_one()
        return self.with_context(cc_customer_message=True).message_post_with_source(
            template_xmlid,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            email_layout_xmlid="mail.mail_notification_light",
        )

    def _cc_post_sms(self, template_xmlid):
        """Queue the SMS of a step to the customer (sent by Odoo's SMS job), in their language.
        Its copy in the chatter is to be masked (``_cc_mask_logged_copies``)."""
        self.ensure_one()
        template = self.env["sms.template"].browse(self.env["ir.model.data"]._xmlid_to_res_id(template_xmlid))
        return self.with_context(cc_customer_message=True)._message_sms_with_template(
            template=template, partner_ids=self.partner_id.ids, put_in_queue=True,
        )

    @api.model
    def _cc_mask_logged_copies(self, order_messages):
        """Mask the secrets in the chatter's copies of customer messages just posted, given as
        [(order, messages)]. The emails (mail.mail) and the SMS (sms.sms) were made from the
        messages as they were posted, and keep them."""
        # sudo: the flow's own messages, whoever moved the order; the secrets are read to be
        # hidden, never shown
        orders = self.browse([order.id for order, _messages in order_messages]).sudo()
        orders.fetch(["cc_tracking_token", "cc_pickup_code"])
        messages = self.env["mail.message"].sudo().browse(
            [message.id for _order, messages in order_messages for message in messages])
        messages.fetch(["body", "subject"])
        for order, posted in order_messages:
            order_sudo = order.with_env(orders.env)
            for message in posted.with_env(messages.env):
                message.write({"body": order_sudo._cc_mask_secrets(message.body),
                               "subject": order_sudo._cc_mask_secrets(message.subject)})
        # written now (in one query): searches in raw SQL must not find the secrets either
        messages.flush_recordset(["body", "subject"])

    def _cc_mask_secrets(self, text):
        """``text`` (a message's body or subject) as the chatter keeps it: the pickup code and the
        tracking token masked, the images that carry the token (the QR code) left out. The email
        and the SMS sent to the customer keep them (mail.mail and sms.sms: only system
        administrators read those, and Odoo deletes them once sent)."""
        self.ensure_one()
        if not text:
            return text
        # sudo: the secrets are read to be hidden, never shown
        order = self.sudo()
        masked = str(text)
        token = order.cc_tracking_token
        if token:
            masked = re.sub(rf"<img\b[^>]*{re.escape(token)}[^>]*>", "", masked)
            masked = masked.replace(token, MASK)
        if order.cc_pickup_code:
            masked = masked.replace(order.cc_pickup_code, MASK)
        return Markup(masked) if isinstance(text, Markup) else masked

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """A customer message of the flow goes to the customer alone: the order's followers
        (staff following its notes) get no copy of it, which holds the pickup code. The context
        key can only take recipients away."""
        recipients = super()._notify_get_recipients(message, msg_vals=msg_vals, **kwargs)
        if not self.env.context.get("cc_customer_message"):
            return recipients
        msg_vals = msg_vals or {}
        customers = msg_vals["partner_ids"] if "partner_ids" in msg_vals else message.sudo().partner_ids.ids
        return [recipient for recipient in recipients if recipient["id"] in customers]

    # ------------------------------------------------------------------ template values

    def _cc_opening_hours(self):
        """The store's opening hours as [(days, hours)], e.g. ("Monday - Friday", "08:00-12:00,
        13:00-17:00"), in the language of the context; consecutive days with the same hours are
        grouped."""
        self.ensure_one()
        hours = self._cc_opening_slots()
        if not hours:
            return []
        Attendance = self.env["resource.calendar.attendance"]
        day_names = dict(Attendance._fields["dayofweek"]._description_selection(self.env))
        groups = []  # [first day, last day, hours]
        for day in sorted(hours):
            text = ", ".join(hours[day])
            if groups and groups[-1][2] == text and int(groups[-1][1]) + 1 == int(day):
                groups[-1][1] = day
            else:
                groups.append([day, day, text])
        return [
            (day_names[first] if first == last else f"{day_names[first]} \u2013 {day_names[last]}", text)
            for first, last, text in groups
        ]

    def _cc_opening_slots(self):
        """The store's opening hours by day of the week: {"0" (Monday): ["08:00-12:00", ...]}
        (an empty dict for a store without opening hours)."""
        self.ensure_one()
        calendar = self.cc_store_id.opening_hours

        def hour(value):
            hh, mm = divmod(round(value * 60), 60)
            return f"{hh:02d}:{mm:02d}"

        hours = {}
        for attendance in calendar.attendance_ids.sorted(lambda a: (a.dayofweek, a.hour_from)):
            if attendance.display_type or attendance.day_period == "lunch":
                continue
            slot = f"{hour(attendance.hour_from)}\u2013{hour(attendance.hour_to)}"
            if slot not in hours.setdefault(attendance.dayofweek, []):
                hours[attendance.dayofweek].append(slot)
        return hours

    def _cc_store_address(self, store=None):
        """The address of the order's store (or of ``store``) on one line."""
        self.ensure_one()
        partner = (store or self.cc_store_id).partner_id
        return ", ".join(filter(None, [
            partner.street, partner.street2, " ".join(filter(None, [partner.zip, partner.city])),
        ]))

    def _cc_customer_state_labels(self):
        labels = dict(self._fields["cc_state"]._description_selection(self.env))
        labels.update({
            "new": self.env._("Order received"),
            "preparing": self.env._("Being prepared"),
        })
        labels.update({state: labels[shown] for state, shown in self._cc_customer_states().items()})
        return labels

    @api.model
    def _cc_customer_states(self):
        """{flow state: the step the customer sees instead} for states that are steps of the
        flow's own, not of the customer's (a delivered order closed is delivered to them)."""
        return {"done": "delivered"}

    def _cc_customer_state_label(self):
        """The order's flow state as the customer reads it, in the language of the context."""
        self.ensure_one()
        return self._cc_customer_state_labels().get(self.cc_state, "").lower()

    def _cc_tracking_steps(self):
        """The steps of the tracking page: [{state, label, date, status}], status being done,
        current, next or later; a side state (expired, cancelled, failed, returned) ends the
        list as current. Refused attempts and unlocks are not steps: the customer does not
        see them."""
        self.ensure_one()
        labels = self._cc_customer_state_labels()
        reached = {}
        for event in self.cc_event_ids._cc_steps().sorted(lambda e: (e.date, e.id)):
            reached[event.to_state] = event.date
        shown_as = self._cc_customer_states()
        # the first of them reached dates the step (e.g. the parcel reached the customer)
        for state in sorted((s for s in shown_as if s in reached), key=reached.get):
            reached.setdefault(shown_as[state], reached[state])
        path = list(const.TRACKING_STEPS.get(self.cc_fulfilment) or [])
        if "in_transit" in reached or self.cc_state == "in_transit":
            path.insert(path.index("preparing") + 1, "in_transit")
        current = shown_as.get(self.cc_state, self.cc_state)
        if current in path:
            index = path.index(current)
            statuses = ["done"] * index + ["current"] + ["next"] + ["later"] * len(path)
            return [
                {"state": state, "label": labels[state], "date": reached.get(state), "status": statuses[i]}
                for i, state in enumerate(path)
            ]
        done = [
            {"state": state, "label": labels[state], "date": reached[state], "status": "done"}
            for state in path if state in reached
        ]
        if current:
            done.append({"state": current, "label": labels[current], "date": reached.get(current),
                         "status": "current"})
        return done
