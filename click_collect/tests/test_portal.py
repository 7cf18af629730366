from unittest.mock import patch

import odoo
from odoo import Command, http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ClickCollectCommon

CODE = "246810"


@tagged("post_install", "-at_install")
class TestTrackingPage(ClickCollectCommon, HttpCase):
    """The tracking page: the pickup code for the customer alone (the tracking token of their
    messages' link, or their portal login), the page without the code for Odoo's access token
    and internal users, 404 and nothing of the order otherwise; the public "track my order"
    form needs what only the customer has, shows no code, and slows down wrong tries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_a.write({"opening_hours": cls.env.ref("resource.resource_calendar_std").id})
        cls.store_a.partner_id.write({"street": "Rue Neuve 12", "zip": "1000", "city": "Brussels"})
        cls.carrier.tracking_url = "https://track.example.com/parcel?ref=<shipmenttrackingnumber>"
        cls.ready = cls._order(method="pay_at_store")
        cls.ready.sudo().cc_pickup_code = CODE
        for target in ("accepted", "preparing", "ready"):
            cls.ready._cc_transition(target)
        cls.shipped = cls._order("ship", method="pay_at_store")
        cls.shipped._cc_transition("accepted")
        cls.shipped._cc_transition("preparing")
        cls.shipped.sudo().write({"carrier_id": cls.carrier.id, "cc_tracking_ref": "TRK-555"})
        cls.shipped._cc_transition("shipped")
        cls.token = cls.ready.sudo().cc_tracking_token
        cls.access_token = cls.ready._portal_ensure_token()

    def _get(self, url, **kw):
        return self.url_open(url, allow_redirects=False, **kw)

    def _assert_shows_nothing(self, response, order):
        self.assertEqual(response.status_code, 404)
        for secret in (order.name, CODE, self.customer.name, "o_cc_tracking"):
            self.assertNotIn(secret, response.text)

    def _assert_no_code(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.ready.name, response.text)
        self.assertNotIn(CODE, response.text)
        self.assertNotIn("o_cc_pickup_code", response.text)
        self.assertNotIn(self.token, response.text)

    # ------------------------------------------------------------------ the page

    def test_token_link_shows_the_tracking_page(self):
        response = self._get(f"/order/track/{self.ready.id}?token={self.token}")
        self.assertEqual(response.status_code, 200)
        for value in (self.ready.name, "Test Store A", "Rue Neuve 12, 1000 Brussels", CODE, "Monday",
                      'data-state="ready" data-status="current"', 'data-state="collected" data-status="next"'):
            self.assertIn(value, response.text)
        self.assertEqual(response.text.count('data-status="done"'), 3, "new, accepted, preparing")
        for kind in ("qr", "barcode"):
            image = self._get(f"/order/track/{self.ready.id}/{kind}.png?token={self.token}")
            self.assertEqual(image.status_code, 200)
            self.assertEqual(image.headers["Content-Type"], "image/png")

    def test_page_speaks_to_the_customer(self):
        """Dates spelled out in the customer's language, times without seconds, quantities
        without decimals, product names without internal references."""
        self.product_1.default_code = "INT-SHOE-42"
        response = self._get(f"/order/track/{self.ready.id}?token={self.token}")
        page = response.text
        self.assertNotIn("INT-SHOE-42", page)
        text = " ".join(page.split()).replace("<span>", "").replace("</span>", "")
        self.assertIn("1 \N{MULTIPLICATION SIGN} CC Test Shoe", text)
        self.assertNotIn("1.00", page)
        deadline = self.ready.cc_pickup_deadline
        self.assertIn(f"{deadline:%B} {deadline.day}, {deadline.year}", page)
        self.assertNotRegex(page, r"\d{1,2}:\d{2}:\d{2}", "no seconds")

    def test_odoo_access_token_opens_the_page_without_the_code(self):
        """Attack: a store user reads the order's Odoo access token (every user who reads an
        order reads it, by Odoo's design) and opens the tracking page and its QR code with it,
        logged out, to read the customer's pickup code."""
        with self.assertRaises(AccessError):  # a store user reads no portal token at all
            self.ready.with_user(self.user_store_a).read(["access_token"])
        # a salesperson reads it, as Odoo lets every user who reads the order
        token = self.ready.with_user(self.user_manager).read(["access_token"])[0]["access_token"]
        self.assertEqual(token, self.access_token)
        self._assert_no_code(self._get(f"/order/track/{self.ready.id}?access_token={token}"))
        self.assertEqual(self._get(f"/order/track/{self.ready.id}/qr.png?access_token={token}").status_code, 404)
        self.assertEqual(self._get(f"/order/track/{self.ready.id}/barcode.png?access_token={token}").status_code,
                         200, "the order number's barcode is no secret")
        # Odoo's own portal page of the order, opened by the same token
        page = self._get(f"/my/orders/{self.ready.id}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_cc_tracking", page.text)
        self.assertNotIn(CODE, page.text)

    def test_internal_user_never_sees_the_code(self):
        """Attack: an internal user opens the tracking page logged in (their own access to the
        order), even with the customer's link, to read the code."""
        for user in (self.user_store_a, self.user_manager):
            self.authenticate(user.login, user.login)
            for query in ("", f"?token={self.token}", f"?access_token={self.access_token}"):
                self._assert_no_code(self._get(f"/order/track/{self.ready.id}{query}"))
                self.assertEqual(self._get(f"/order/track/{self.ready.id}/qr.png{query}").status_code, 404)
            page = self._get(f"/my/orders/{self.ready.id}")
            self.assertNotIn(CODE, page.text)

    def test_store_staff_preview_opens_the_page_with_their_login(self):
        """Sales' "Preview" button for store staff, who read no portal token: the link carries
        none, opens Odoo's portal page of the order with the clerk's own login and not without
        it; the order's token is made all the same (as it enters the flow) for the customer's links."""
        order = self._order()
        self.assertTrue(order.sudo().access_token, "made for the customer")
        url = order.with_user(self.user_store_a).action_preview_sale_order()["url"]
        self.assertNotIn(order.sudo().access_token, url)
        # the website's preview of an internal user (Odoo's "/@/" prefix) shows the page itself
        path = url.removeprefix("/@")
        self.assertEqual(self._get(path).status_code, 303, "logged out: no page")
        self.authenticate(self.user_store_a.login, self.user_store_a.login)
        page = self._get(path)
        self.assertEqual(page.status_code, 200)
        self.assertIn(order.name, page.text)

    def test_ship_page_has_courier_and_tracking_link(self):
        token = self.shipped.sudo().cc_tracking_token
        response = self._get(f"/order/track/{self.shipped.id}?token={token}")
        self.assertEqual(response.status_code, 200)
        for value in ("CC Test Courier", "TRK-555", "https://track.example.com/parcel?ref=TRK-555",
                      'data-state="shipped" data-status="current"'):
            self.assertIn(value, response.text.replace("&amp;", "&"))

    def test_wrong_or_missing_token_shows_nothing(self):
        other_token = self.shipped.sudo().cc_tracking_token
        other_access = self.shipped._portal_ensure_token()
        for query in ("", "?token=", "?token=wrong", f"?token={other_token}", "?access_token=wrong",
                      f"?access_token={other_access}", f"?access_token={self.token}"):
            self._assert_shows_nothing(self._get(f"/order/track/{self.ready.id}{query}"), self.ready)
            for kind in ("qr", "barcode"):
                self.assertEqual(self._get(f"/order/track/{self.ready.id}/{kind}.png{query}").status_code, 404)
        self._assert_shows_nothing(self._get(f"/order/track/999999?token={self.token}"), self.ready)

    def test_plain_sales_order_is_not_tracked(self):
        plain = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.product_1.id})],
        })
        response = self._get(f"/order/track/{plain.id}?access_token={plain._portal_ensure_token()}")
        self._assert_shows_nothing(response, plain)

    def test_portal_login(self):
        portal = new_test_user(self.env, "cc_portal_customer", groups="base.group_portal",
                               partner_id=self.customer.id)
        new_test_user(self.env, "cc_portal_other", groups="base.group_portal")
        self.authenticate(portal.login, portal.login)
        response = self._get(f"/order/track/{self.ready.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(CODE, response.text, "the customer's own login shows the code")
        self.assertEqual(self._get(f"/order/track/{self.ready.id}/qr.png").status_code, 200)
        # Odoo's portal page of the order shows the tracking block, not the code
        response = self._get(f"/my/orders/{self.ready.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_cc_tracking", response.text)
        self.assertIn('data-state="ready" data-status="current"', response.text)
        self.assertNotIn(CODE, response.text)
        self.authenticate("cc_portal_other", "cc_portal_other")
        self._assert_shows_nothing(self._get(f"/order/track/{self.ready.id}"), self.ready)

    # ------------------------------------------------------------------ "track my order"

    def _track(self, order_ref, contact, ip=None):
        self.authenticate(None, None)
        headers = {}
        if ip:  # a visitor behind the server's proxy (Odoo's proxy mode reads X-Forwarded-For)
            headers = {"X-Forwarded-For": ip, "X-Forwarded-Host": f"127.0.0.1:{odoo.tools.config['http_port']}",
                       "X-Forwarded-Proto": "http"}
        with patch.dict(odoo.tools.config.options, {"proxy_mode": bool(ip)}):
            return self.url_open("/order/track", data={
                "order": order_ref, "contact": contact, "csrf_token": http.Request.csrf_token(self),
            }, headers=headers, allow_redirects=False)

    def _attempt(self, key, order=None):
        return self.env["click_collect.track.attempt"].sudo().search([
            ("key", "=", key), ("company_id", "=", (order or self.ready).company_id.id),
        ])

    def test_track_form_needs_what_only_the_customer_has(self):
        """Attack: order numbers are sequential and zip codes few: number + zip code opened the
        page with the pickup code. The form needs the order's email address or phone number,
        and opens the page without the code."""
        self.assertIn('name="order"', self._get("/order/track").text)
        response = self._track(self.ready.name, "1000")
        self.assertEqual(response.status_code, 200)
        self.assertIn("No order matches", response.text)
        response = self._track(self.ready.name.lower(), " Customer@Example.com ")
        self.assertEqual(response.status_code, 303)
        location = response.headers["Location"]
        self.assertIn(f"/order/track/{self.ready.id}?access_token={self.access_token}", location)
        self.assertNotIn(self.token, location)
        self._assert_no_code(self._get(location))
        response = self._track(self.ready.name, "0470 00 00 00")
        self.assertEqual(response.status_code, 303, "the phone number, as the customer types it")
        self.assertEqual(self._track(self.ready.name, "00 00 00").status_code, 200, "not a part of it")

    def test_track_form_slows_down_wrong_tries(self):
        for _try in range(3):
            response = self._track(self.ready.name, "someone@else.com")
            self.assertEqual(response.status_code, 200)
            self.assertIn("No order matches", response.text)
            self.assertNotIn(CODE, response.text)
        response = self._track(self.ready.name, "someone@else.com")
        self.assertIn("No order matches", response.text)
        locked = self._attempt(f"order:{self.ready.id}")
        self.assertEqual(locked.failures, 4)
        self.assertTrue(locked.locked_until, "the fourth wrong try locks the order")
        first_lock = locked.locked_until
        # even the right email waits now, from this address and for this order
        response = self._track(self.ready.name, "customer@example.com")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many wrong tries", response.text)
        self.assertNotIn(f"access_token={self.access_token}", response.text)
        response = self._track(self.shipped.name, "customer@example.com")
        self.assertEqual(response.status_code, 429, "the visitor's address is locked too")
        # each further wrong try doubles the wait (stored in the database, for every worker)
        self.env["click_collect.track.attempt"].sudo().search([]).write({"locked_until": False})
        self._track(self.ready.name, "someone@else.com")
        locked.invalidate_recordset()
        self.assertEqual(locked.failures, 5)
        self.assertGreater(locked.locked_until - locked.last_failure, first_lock - locked.create_date)

    def test_track_form_limit_per_order_whatever_the_address(self):
        """Attack: a visitor changes address at each try and alternates the order's number and
        the web shop's number for it, so that no counter reaches its limit."""
        self.ready.sudo().cc_external_ref = "WEB-4242"
        for n, ref in enumerate((self.ready.name, "WEB-4242", self.ready.name.lower(), "WEB-4242")):
            response = self._track(ref, "someone@else.com", ip=f"198.51.100.{n + 1}")
            self.assertIn("No order matches", response.text)
        response = self._track("WEB-4242", "customer@example.com", ip="198.51.100.99")
        self.assertEqual(response.status_code, 429, "the order waits, whatever the address and its number")
        self.assertEqual(self._attempt(f"order:{self.ready.id}").failures, 4)

    def test_track_form_groups_ipv6_visitors_by_64(self):
        """Attack: an IPv6 visitor takes a new address of their /64 (all theirs) for each try."""
        for n in range(1, 5):
            response = self._track(f"NOPE-{n}", "someone@else.com", ip=f"2001:db8:1:2::{n}")
            self.assertEqual(response.status_code, 200)
        self.assertEqual(self._attempt("ip:2001:db8:1:2::/64").failures, 4)
        response = self._track(self.ready.name, "customer@example.com", ip="2001:db8:1:2:ffff::9")
        self.assertEqual(response.status_code, 429, "another address of the same /64 waits")
        response = self._track(self.ready.name, "customer@example.com", ip="2001:db8:1:3::1")
        self.assertEqual(response.status_code, 303, "another /64 is another visitor")

    # ------------------------------------------------------------------ tours

    def test_tracking_tour(self):
        self.start_tour(f"/order/track/{self.ready.id}?token={self.token}", "click_collect_tracking_page")

    def test_tracking_tour_on_a_phone(self):
        """On a phone, the pickup code and its QR code come first, then the store and the steps."""
        self.browser_size = "390x844"
        self.touch_enabled = True
        self.start_tour(f"/order/track/{self.ready.id}?token={self.token}", "click_collect_tracking_phone")

    def test_wrong_token_tour(self):
        self.start_tour(f"/order/track/{self.ready.id}?token=not-the-token",
                        "click_collect_tracking_wrong_token")

    def test_track_form_tour(self):
        """A customer who lost their link fills in the form: the page, without the code."""
        self.start_tour(f"/order/track?order={self.ready.name}", "click_collect_track_form")
