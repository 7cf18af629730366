import re
from datetime import datetime, time

import pytz

from odoo import SUPERUSER_ID, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .. import const

# What the customer may say from the order's page -> the arrivals it may follow: "I'm here"
# after "I'm on my way" (or at once), never back once the store knows they are here.
CUSTOMER_ARRIVALS = {"on_the_way": (False, "on_the_way"), "arrived": (False, "on_the_way", "arrived")}
# A note of the customer ("grey car, bay 3"): one short line.
ARRIVAL_NOTE_SIZE = 200


class SaleOrder(models.Model):
    """The customer of a ready Click & Collect order says they are on their way (an arrival
    time) or here (a note: their car, the curbside bay); the store's staff are told at once (a
    notification in the back office, the marker and a sound at the store's points of sale)
    and answer that someone is coming out, which the order's page shows.

    The customer's side is private (the tracking page's controller checks the visitor);
    ``action_cc_coming_out`` is the staff's button."""

    _inherit = "sale.order"

    cc_arrival = fields.Selection(
        const.ARRIVALS, string="Customer Arrival", copy=False, readonly=True, index="btree_not_null",
        help="What the customer of the ready order said from its page (on the way, here), or that "
             "the store answered someone is coming out.",
    )
    cc_arrival_date = fields.Datetime(string="Arrival Told On", copy=False, readonly=True)
    cc_arrival_eta = fields.Datetime(
        string="Expected Arrival", copy=False, readonly=True,
        help="When the customer on their way expects to arrive.",
    )
    cc_arrival_note = fields.Char(
        string="Customer's Note", copy=False, readonly=True,
        help="What the customer said to find them (their car, the curbside bay).",
    )
    cc_self_service_count = fields.Integer(
        string="Customer's Actions", copy=False, readonly=True,
        help="How many times the customer acted from the order's page (each action counts).",
    )

    # ------------------------------------------------------------------ the customer

    def _cc_parse_arrival_time(self, value):
        """An arrival time typed by the customer (``HH:MM``, today in the store's time zone) as
        a UTC datetime, False when none was given.

        :raise UserError: not a time, or one already past
        """
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            return False
        match = re.fullmatch(r"([01]?\d|2[0-3])[:h.]([0-5]\d)", value)
        if not match:
            raise UserError(self.env._("Give your arrival time as hours and minutes, e.g. 17:30."))
        tz = self._cc_store_tz()
        now = datetime.now(tz)
        # localized on its own: the offset of that time of the day (a change of summer time)
        eta = tz.localize(datetime.combine(now.date(), time(int(match[1]), int(match[2]))))
        if eta < now.replace(second=0, microsecond=0):
            raise UserError(self.env._("Give an arrival time later than now (%(now)s).", now=f"{now:%H:%M}"))
        return eta.astimezone(pytz.utc).replace(tzinfo=None)

    def _cc_announce_arrival(self, arrival, eta=None, note=None):
        """The customer says from the order's page that they are on their way (``on_the_way``,
        an optional arrival time ``HH:MM``) or here (``arrived``); ``note``: where to find them.
        Saying it again with a new time or note tells the store again (each counts as an
        action); saying the same again changes nothing. The timeline (channel portal) and the
        chatter (by the customer) keep it; the store's staff and points of sale are told at once.

        :raise UserError: an unknown action, an order not waiting at the counter (the message
            says what it is now), too many actions on the order, a wrong time
        """
        self.ensure_one()
        if arrival not in CUSTOMER_ARRIVALS:
            raise UserError(self.env._("Unknown action."))
        # sudo: the customer has no rights on their order (the controller checked who they are)
        order = self.sudo()
        order._cc_lock_self_service()
        if order.cc_fulfilment != "pickup" or order.cc_state != "ready":
            raise UserError(self.env._(
                "Your order is %(state)s: tell the store when it is ready for pickup.",
                state=order._cc_customer_state_label(),
            ))
        if order.cc_arrival == "coming_out":
            if arrival == "arrived":
                return  # the store is on its way out to them already
            raise UserError(self.env._("The store already knows you are here: someone is coming out."))
        if order.cc_arrival not in CUSTOMER_ARRIVALS[arrival]:
            raise UserError(self.env._("The store already knows you are here."))
        eta = order._cc_parse_arrival_time(eta) if arrival == "on_the_way" else False
        note = " ".join((note if isinstance(note, str) else "").replace("\x00", "").split())[:ARRIVAL_NOTE_SIZE]
        note = note or order.cc_arrival_note or False
        if order.cc_arrival == arrival and (eta or order.cc_arrival_eta) == order.cc_arrival_eta \
                and note == order.cc_arrival_note:
            return  # said already (a page sent twice): nothing new for the store
        order._cc_count_self_service()
        order.write({
            "cc_arrival": arrival,
            "cc_arrival_date": fields.Datetime.now(),
            "cc_arrival_eta": eta or (order.cc_arrival_eta if arrival == "on_the_way" else False),
            "cc_arrival_note": note,
        })
        # what the staff read (timeline, chatter, notification) in the company's language
        order = order.with_user(SUPERUSER_ID).with_context(
            lang=order.company_id.partner_id.lang or order.env.lang)
        order._cc_log_arrival("portal", order.cc_store_id, {"user_id": False})

    def _cc_lock_self_service(self):
        """Lock the order for the customer's action: two pages sent at once act one after the
        other (the second sees what the first did)."""
        self.env.cr.execute(SQL("SELECT id FROM sale_order WHERE id = %s FOR NO KEY UPDATE", self.id))
        self.invalidate_recordset(["cc_state", "cc_arrival", "cc_self_service_count"])

    def _cc_count_self_service(self):
        """Count one more action of the customer on the order (sudo, locked).

        :raise UserError: the customer did as many as an order allows
        """
        if self.cc_self_service_count >= const.SELF_SERVICE_LIMIT:
            raise UserError(self.env._(
                "You have changed this order %(count)s times from this page already: contact the store.",
                count=self.cc_self_service_count,
            ))
        self.cc_self_service_count += 1

    # ------------------------------------------------------------------ the store

    def action_cc_coming_out(self):
        """The store tells the customers who said they are here that someone is bringing their
        order out: the order's page shows it. Store staff of the order's store (or web-order
        managers), on ready Click & Collect orders whose customer is here."""
        return self._cc_coming_out(channel="backoffice")

    def _cc_coming_out(self, *, channel, store=None, event_values=None):
        user = self.env.user
        if not self.env.su and not user.has_group(const.STORE_USER):
            raise AccessError(self.env._("Only the store's staff answer a customer who is here."))
        self.check_access("write")
        # the order's own store, whatever else the user's other rights let them write
        if not self.env.su and not user.has_group(const.MANAGER) and self.cc_store_id - user.cc_store_ids:
            raise AccessError(self.env._("%(user)s does not work for the store of these orders.", user=user.name))
        waiting = self.filtered(
            lambda o: o.cc_fulfilment == "pickup" and o.cc_state == "ready" and o.cc_arrival == "arrived")
        if waiting != self:
            raise UserError(self.env._(
                "%(orders)s: the customer has not said they are here, or the order is no longer ready.",
                orders=", ".join((self - waiting).mapped("name")),
            ))
        # sudo: the flow's own fields (no user writes them); the staff was checked above
        waiting.sudo().write({"cc_arrival": "coming_out", "cc_arrival_date": fields.Datetime.now()})
        waiting._cc_log_arrival(channel, store, {"user_id": self.env.uid, **(event_values or {})})
        return True

    def _cc_arrival_eta_label(self):
        """The time the customer said they arrive, in the store's time zone ("17:30"; the day
        is today's: the customer gives a time of the day), or "" when they gave none."""
        self.ensure_one()
        if not self.cc_arrival_eta:
            return ""
        return f"{pytz.utc.localize(self.cc_arrival_eta).astimezone(self._cc_store_tz()):%H:%M}"

    def _cc_arrival_text(self):
        """What the order's arrival says, for the staff (timeline, chatter, notification)."""
        self.ensure_one()
        label = dict(self._fields["cc_arrival"]._description_selection(self.env)).get(self.cc_arrival, "")
        note = self.cc_arrival_note if self.cc_arrival != "coming_out" else False
        if self.cc_arrival == "on_the_way" and self.cc_arrival_eta:
            eta = self._cc_arrival_eta_label()
            if note:
                return self.env._("On the way, expected at %(time)s: %(note)s", time=eta, note=note)
            return self.env._("On the way, expected at %(time)s", time=eta)
        return self.env._("%(arrival)s: %(note)s", arrival=label, note=note) if note else label

    def _cc_log_arrival(self, channel, store, event_values):
        """Keep the arrival on the orders' timeline (a note: the state stays ready) and in their
        chatter, and tell the stores."""
        # sudo: the timeline is append-only for everyone; who acts was checked by the caller
        events = self.env["click_collect.event"].sudo().create([
            {
                "order_id": order.id,
                "from_state": order.cc_state,
                "to_state": order.cc_state,
                "store_id": (store or order.cc_store_id).id,
                "channel": channel,
                "arrival": order.cc_arrival,
                "note": order._cc_arrival_text(),
                **event_values,
            }
            for order in self
        ])
        bodies = {order.id: order._cc_arrival_text() for order in self}
        if channel == "portal":  # what the customer said is the customer's
            for customer, orders in self.grouped("partner_id").items():
                orders._message_log_batch({order.id: bodies[order.id] for order in orders}, author_id=customer.id)
        else:
            self._message_log_batch(bodies, author_id=self.env.user.partner_id.id)
        self._cc_notify_stores(events)
        return events
