import re
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import pytz
from werkzeug.urls import url_encode

from odoo import SUPERUSER_ID, fields, models
from odoo.exceptions import UserError

from ..tools.ics import calendar_file

# The states a customer may still cancel their order in, from its tracking page: nothing has
# been prepared yet.
CUSTOMER_CANCEL_STATES = ("new", "accepted")


class SaleOrder(models.Model):
    """What the customer does from the tracking page of their order: find the store (map,
    today's opening hours, a calendar file for the pickup window) and cancel an order nothing
    was prepared for yet, where its web shop allows it.

    The controller checks who the visitor is (the order's customer: the link of their messages
    or their portal login); these methods are private, no RPC endpoint."""

    _inherit = "sale.order"

    # ------------------------------------------------------------------ the store

    def _cc_store_map_url(self):
        """A link that opens the store's address in a map (on a phone, the map app)."""
        self.ensure_one()
        partner = self.cc_store_id.partner_id
        address = ", ".join(filter(None, [
            self.cc_store_id.name, self._cc_store_address(), partner.country_id.name,
        ]))
        return f"https://www.google.com/maps/search/?{url_encode({'api': 1, 'query': address})}"

    def _cc_store_phone_link(self):
        """The store's phone as a link that calls it (``tel:`` and its digits), or False."""
        self.ensure_one()
        phone = self.cc_store_id.partner_id.phone or ""
        digits = re.sub(r"[^0-9]", "", phone)
        return digits and f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}"

    def _cc_store_tz(self):
        """The store's time zone: its opening hours', else its address's, else its company's."""
        self.ensure_one()
        store = self.cc_store_id
        return pytz.timezone(
            store.opening_hours.tz or store.partner_id.tz or self.company_id.partner_id.tz or "UTC")

    def _cc_opening_hours_today(self):
        """Today's opening hours of the store, in its time zone ("08:00-12:00, 13:00-17:00"):
        its schedule's hours of the day less its closures (the public holidays of the schedule
        and of the company), "Closed today" when none are left, or False without opening hours."""
        self.ensure_one()
        calendar = self.cc_store_id.opening_hours
        if not calendar:
            return False
        tz = self._cc_store_tz()
        today = datetime.now(tz).date()
        start = tz.localize(datetime.combine(today, time.min))
        end = tz.localize(datetime.combine(today + timedelta(days=1), time.min))
        intervals = calendar._work_intervals_batch(start, end, tz=tz)[False]
        slots = [f"{begin.astimezone(tz):%H:%M}\u2013{stop.astimezone(tz):%H:%M}" for begin, stop, _meta in intervals]
        return ", ".join(slots) if slots else self.env._("Closed today")

    def _cc_pickup_window(self):
        """(first day, last day) the customer may still come for a ready order, in the store's
        time zone, or None when the order is not waiting at the counter (or no longer)."""
        self.ensure_one()
        if self.cc_fulfilment != "pickup" or self.cc_state != "ready" or not self.cc_expiry_date:
            return None
        tz = self._cc_store_tz()
        today = datetime.now(tz).date()
        last = pytz.utc.localize(self.cc_expiry_date).astimezone(tz).date()
        return (today, last) if last >= today else None

    def _cc_pickup_calendar(self):
        """The pickup window of a ready order as an iCalendar file (bytes), in the language of
        the context, or None when the order is not waiting at the counter. Nothing secret in it
        (a calendar entry gets shared): no pickup code, no link with a token."""
        self.ensure_one()
        window = self._cc_pickup_window()
        if not window:
            return None
        first, last = window
        store = self.cc_store_id
        lines = [
            self.env._("Order %(order)s is ready for pickup at %(store)s.", order=self.name, store=store.name),
            self.env._("Bring the pickup code of our message."),
        ]
        if store.partner_id.phone:
            lines.append(self.env._("The store's phone: %(phone)s", phone=store.partner_id.phone))
        lines += [f"{days}: {hours}" for days, hours in self._cc_opening_hours()]
        return calendar_file(
            uid=f"click-collect-pickup-{self.id}@{urlsplit(self.get_base_url()).hostname}",
            start=first,
            end=last + timedelta(days=1),  # all-day events end the day after
            summary=self.env._("Pick up %(order)s at %(store)s", order=self.name, store=store.name),
            location=", ".join(filter(None, [store.name, self._cc_store_address()])),
            description="\n".join(lines),
            stamp=fields.Datetime.now(),
        )

    # ------------------------------------------------------------------ cancel

    def _cc_self_service_rules(self):
        """What the order's customer may do from its page, as its shop decides:
        ``{"cancel": bool, "store_change": bool}``. An order of a web shop follows its settings;
        one of no web shop may not be cancelled online and may change its store (a module of
        another shop, e.g. Odoo's e-shop, gives that shop's settings)."""
        self.ensure_one()
        # sudo: the web shop's settings, for a visitor without rights on it
        shop = self.sudo().cc_web_shop_id
        return {
            "cancel": bool(shop.cc_customer_cancel),
            "store_change": not shop or shop.cc_customer_store_change,
        }

    def _cc_customer_may_cancel(self):
        """Whether the order's customer may cancel it from its page now: its shop allows it and
        nothing was prepared yet."""
        self.ensure_one()
        return self._cc_self_service_rules()["cancel"] and self.cc_state in CUSTOMER_CANCEL_STATES

    def _cc_cancel_by_customer(self):
        """The customer cancels the order from its tracking page (the controller checked the
        visitor is the customer): the flow's cancellation through the door (channel *portal*),
        its goods free again, the customer's message as for any cancellation, and a refund to
        make when it was paid. Cancelling twice changes nothing more.

        :raise UserError: the shop does not allow it, or the order moved on meanwhile (the
            message says what it is now)
        """
        self.ensure_one()
        # sudo: the customer has no rights on their order; the door still checks its table
        order = self.sudo()
        if order.cc_state == "cancelled":
            return
        if not order._cc_self_service_rules()["cancel"]:
            raise UserError(self.env._(
                "This order cannot be cancelled online: contact the store."))
        if order.cc_state not in CUSTOMER_CANCEL_STATES:
            raise UserError(self.env._(
                "Your order is now %(state)s: it can no longer be cancelled online. Contact the store.",
                state=order._cc_customer_state_label(),
            ))
        # The flow acts for the visitor (no login, no rights): as the superuser, the timeline
        # naming no user but the channel, the chatter the customer; what the shop's staff read
        # (timeline, chatter, the refund to make) in the company's language, not the visitor's.
        order = order.with_user(SUPERUSER_ID).with_context(
            lang=order.company_id.partner_id.lang or order.env.lang)
        order._cc_transition("cancelled", channel="portal", check_group=False, event_values={"user_id": False},
                             note=order.env._("Cancelled by the customer on the order's page."))
        if order.currency_id.compare_amounts(order.cc_amount_paid, 0) > 0:
            order._cc_schedule_refund()
