"""What the customer does from their order's page: directions, today's opening hours, a
calendar file for the pickup window, and cancelling an order nothing was prepared for yet."""

import re
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .common import ClickCollectCommon

# The tracking page's tours run on a phone and on a desktop.
PAGE_SIZES = ("390x844", "1366x768")


class SelfServiceCase(ClickCollectCommon, HttpCase):
    """A store with opening hours and an address, a web shop that lets customers cancel, and
    the tracking page's forms: the base of the tests of the customer's actions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_a.write({"opening_hours": cls.env.ref("resource.resource_calendar_std").id})
        cls.store_a.partner_id.write({"street": "Rue Neuve 12", "zip": "1000", "city": "Brussels",
                                      "phone": "+32 2 555 12 34"})
        cls.shop = cls.env["click_collect.web.shop"].create({
            "name": "Self-Service Shop", "code": "SELF", "default_store_id": cls.store_a.id,
            "cc_customer_cancel": True,
        })

    def _web_order(self, **kwargs):
        order = self._order(**kwargs)
        order.sudo().cc_web_shop_id = self.shop
        return order

    def _page(self, order, path="", **kwargs):
        token = order.sudo().cc_tracking_token
        return self.url_open(f"/order/track/{order.id}{path}?token={token}", allow_redirects=False, **kwargs)

    def _post(self, order, action, data=None, query=None):
        """Post a form of the page (``action``: cancel, arrival), with the page's CSRF token."""
        token = order.sudo().cc_tracking_token
        page = self.url_open(f"/order/track/{order.id}?token={token}").text
        # the form's, or the page's own (every page carries the session's token)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(r'csrf_token: "([^"]+)"', page)
        return self.url_open(
            f"/order/track/{order.id}/{action}{query if query is not None else f'?token={token}'}",
            data={"csrf_token": csrf.group(1) if csrf else "", **(data or {})}, allow_redirects=False,
        )

    def _page_tour(self, order, tour, size):
        """Run ``tour`` on the order's page opened from the customer's link, at ``size``."""
        self.browser_size = size
        self.touch_enabled = size == PAGE_SIZES[0]
        self.start_tour(f"/order/track/{order.id}?token={order.sudo().cc_tracking_token}", tour)

    def _cancel(self, order, query=None):
        return self._post(order, "cancel", query=query)



@tagged("post_install", "-at_install")
class TestSelfService(SelfServiceCase):

    # ------------------------------------------------------------------ the store

    def test_directions_phone_and_today_hours(self):
        """Monday 10:00 in Brussels: the map of the store's address, its phone to call, today's
        hours; on a Sunday it says it is closed."""
        order = self._web_order()
        url = urlsplit(order._cc_store_map_url())
        self.assertEqual((url.scheme, url.netloc, url.path), ("https", "www.google.com", "/maps/search/"))
        country = self.store_a.partner_id.country_id.name
        self.assertEqual(parse_qs(url.query), {
            "api": ["1"], "query": [f"Test Store A, Rue Neuve 12, 1000 Brussels, {country}"],
        })
        self.env.ref("resource.resource_calendar_std").tz = "Europe/Brussels"
        with freeze_time("2026-11-30 09:00:00"):  # a Monday, 10:00 in Brussels
            self.assertEqual(order._cc_opening_hours_today(), "08:00\u201312:00, 13:00\u201317:00")
            page = self._page(order).text
        self.assertIn('href="tel:+3225551234"', page)
        self.assertIn("https://www.google.com/maps/search/?api=1&amp;query=Test+Store+A", page)
        self.assertIn("08:00\u201312:00, 13:00\u201317:00", page)
        with freeze_time("2026-12-06 09:00:00"):  # a Sunday
            self.assertEqual(order._cc_opening_hours_today(), "Closed today")
        # a public holiday of the company (every schedule's), and a morning the store closes
        self.env["resource.calendar.leaves"].create([
            {"name": "Public holiday", "date_from": "2026-12-07 00:00:00", "date_to": "2026-12-07 22:59:59",
             "calendar_id": False, "company_id": self.company.id},
            {"name": "Inventory", "date_from": "2026-12-08 07:00:00", "date_to": "2026-12-08 11:00:00",
             "calendar_id": self.store_a.opening_hours.id, "company_id": self.company.id},
        ])
        with freeze_time("2026-12-07 15:00:00"):
            self.assertEqual(order._cc_opening_hours_today(), "Closed today")
        with freeze_time("2026-12-08 06:00:00"):  # before the closure starts
            self.assertEqual(order._cc_opening_hours_today(), "13:00\u201317:00")

    def test_calendar_file_of_the_pickup_window(self):
        """A ready order waits 7 days: an all-day event from today to its last day, at the
        store, with nothing secret in it; before it is ready there is no window."""
        order = self._web_order()
        self.assertEqual(self._page(order, "/pickup.ics").status_code, 404)
        order.sudo().cc_pickup_code = "975311"
        with freeze_time("2026-11-30 09:00:00"):
            for target in ("accepted", "preparing", "ready"):
                order._cc_transition(target)
            response = self._page(order, "/pickup.ics")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "text/calendar; charset=utf-8")
        ics = response.content.decode()
        self.assertIn("\r\nDTSTART;VALUE=DATE:20261130\r\n", ics)
        last_day = order.cc_pickup_deadline
        self.assertEqual(last_day.isoformat(), "2026-12-07")
        self.assertIn("\r\nDTEND;VALUE=DATE:20261208\r\n", ics, "the day after the last day")
        self.assertIn(f"SUMMARY:Pick up {order.name} at Test Store A", ics)
        self.assertIn("LOCATION:Test Store A\\, Rue Neuve 12\\, 1000 Brussels", ics)
        for secret in ("975311", order.sudo().cc_tracking_token, "token="):
            self.assertNotIn(secret, ics)
        self.assertEqual(self.url_open(f"/order/track/{order.id}/pickup.ics?token=wrong").status_code, 404)

    # ------------------------------------------------------------------ cancel

    def test_customer_cancels_a_new_order(self):
        """Through the door: cancelled, on the timeline as the customer's (channel portal), its
        goods free again, the customer told as for any cancellation, the page says so."""
        order = self._web_order()
        self.assertIn("o_cc_cancel", self._page(order).text)
        with patch.object(type(self.env["sale.order"]), "_cc_notify", autospec=True) as notify:
            response = self._cancel(order)
        self.assertEqual(response.status_code, 303, re.findall(r'o_cc_action_error[^>]*>([^<]*)', response.text))
        self.assertEqual(order.cc_state, "cancelled")
        self.assertEqual(order.state, "cancel")
        self.assertFalse(order.picking_ids.filtered(lambda p: p.state not in ("cancel", "done")))
        event = order.cc_event_ids.sorted("id")[-1]
        self.assertEqual((event.to_state, event.channel, event.user_id.id), ("cancelled", "portal", False))
        logged = order.message_ids.filtered(lambda m: "Customer portal" in (m.body or ""))
        self.assertEqual(logged.author_id, self.customer, "the chatter names the customer")
        self.assertEqual(notify.call_count, 1)
        page = self._page(order).text
        self.assertNotIn("o_cc_cancel", page)
        self.assertIn('data-state="cancelled"', page)

    def test_paid_order_cancelled_gets_a_refund_to_make(self):
        order = self._web_order(method="transfer")
        self._pay(order)
        self.assertEqual(self._cancel(order).status_code, 303)
        self.assertEqual(order.cc_state, "cancelled")
        activity = order.activity_ids.filtered(lambda a: "Refund" in a.summary)
        self.assertTrue(activity, "a refund to make")
        self.assertTrue(activity.user_id._is_internal(), "for a person of the shop, not the visitor")

    def test_refusals(self):
        """Once preparing started, refused with what the order is now; a web shop that does not
        allow it: refused; Odoo's access token (staff read it) and no token: nothing happens."""
        preparing = self._web_order()
        preparing._cc_transition("accepted")
        preparing._cc_transition("preparing")
        self.assertNotIn("o_cc_cancel", self._page(preparing).text, "not offered")
        response = self._cancel(preparing)
        self.assertEqual(response.status_code, 409)
        self.assertIn("Your order is now being prepared: it can no longer be cancelled online.", response.text)
        self.assertEqual(preparing.cc_state, "preparing")

        not_allowed = self._order()  # no web shop: Odoo's own orders
        self.assertEqual(self._cancel(not_allowed).status_code, 409)
        self.assertEqual(not_allowed.cc_state, "new")

        order = self._web_order()
        access_token = order._portal_ensure_token()
        self.assertEqual(self._cancel(order, f"?access_token={access_token}").status_code, 404)
        self.assertEqual(self._cancel(order, "").status_code, 404)
        self.assertEqual(self._cancel(order, "?token=guess").status_code, 404)
        self.assertEqual(order.cc_state, "new")

    def test_cancel_needs_the_page_csrf_token(self):
        order = self._web_order()
        token = order.sudo().cc_tracking_token
        response = self.url_open(f"/order/track/{order.id}/cancel?token={token}", data={"csrf_token": "forged"},
                                 allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(order.cc_state, "new")

    def test_cancel_twice_changes_nothing_more(self):
        order = self._web_order()
        self.assertEqual(self._cancel(order).status_code, 303)
        events = len(order.cc_event_ids)
        order._cc_cancel_by_customer()
        self.assertEqual(len(order.cc_event_ids), events)

    def test_cancel_tours(self):
        """On a phone and on a desktop."""
        for size in PAGE_SIZES:
            order = self._web_order()
            order.name = f"CCSELF-{size}"
            self._page_tour(order, "click_collect_tracking_cancel", size)
            self.assertEqual(order.cc_state, "cancelled")
