"""A customer of a ready order says from its page that they are here: the store's point of sale
shows it at once (the badge's bell, the order's marker and note), and the cashier answers that
someone is coming out."""

import re
import threading
from datetime import datetime

import pytz
import requests

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME

from .common_pos import ClickCollectPosCommon


@tagged("post_install", "-at_install")
class TestPosArrival(ClickCollectPosCommon):

    def _ready(self, name=None):
        order = self._order()
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        if name:
            order.name = name
        return order

    def _open_session(self):
        self.pos_config.with_user(self.cashier).open_ui()
        session = self.pos_config.current_session_id
        if session.state == "opening_control":
            session.set_opening_control(0, "")

    def _pos_messages(self, func):
        """What ``func()`` sends to the point of sale's bus channel: [payload]."""
        return [message["payload"] for channel, message in self._bus_sent(func)
                if channel[-1] == self.pos_config.access_token and message["type"].endswith("CLICK_COLLECT_ORDERS")]

    def test_arrival_at_the_pos(self):
        """The customer here: the point of sale is rung with the order as arrived, counts it, lists
        and shows it with the note; the cashier answers (channel pos); another store's cashier
        cannot."""
        self._open_session()
        order = self._ready()
        other = self._ready()
        messages = self._pos_messages(lambda: order._cc_announce_arrival("arrived", note="grey car, bay 3"))
        self.assertEqual(messages, [{"order_ids": order.ids, "arrived": order.ids}])
        pos = self.pos_config.with_user(self.cashier)
        counts = pos.cc_web_order_counts()
        self.assertEqual((counts["ready"], counts["arrived"]), (2, 1))
        rows = {row["id"]: row for row in pos.cc_web_orders(states=["ready"])["orders"]}
        self.assertEqual((rows[order.id]["arrival"], rows[order.id]["arrival_label"]), ("arrived", "Customer here"))
        self.assertEqual(rows[other.id]["arrival"], False)
        detail = pos.cc_web_order(order.id)
        self.assertEqual((detail["arrival_note"], detail["can_come_out"]), ("grey car, bay 3", True))
        self.assertEqual(detail["timeline"][0]["arrival_label"], "Customer here")
        self.assertFalse(pos.cc_web_order(other.id)["can_come_out"])

        cashier_b = new_test_user(
            self.env, "cc_test_arrival_cashier_b",
            groups="base.group_user,click_collect.group_store_user,point_of_sale.group_pos_user",
            cc_store_ids=[(6, 0, self.store_b.ids)],
        )
        with self.assertRaises(AccessError):
            self.pos_config.with_user(cashier_b).cc_web_order_coming_out(order.id)
        with self.assertRaisesRegex(UserError, "has not said they are here"):
            pos.cc_web_order_coming_out(other.id)

        messages = self._pos_messages(lambda: pos.cc_web_order_coming_out(order.id))
        self.assertEqual(messages, [{"order_ids": order.ids, "arrived": []}], "rung, no bell")
        self.assertEqual(order.cc_arrival, "coming_out")
        event = order.cc_event_ids.filtered(lambda e: e.arrival == "coming_out")
        self.assertRecordValues(event, [{"channel": "pos", "pos_config_id": self.pos_config.id,
                                         "user_id": self.cashier.id}])
        self.assertEqual(pos.cc_web_order_counts()["arrived"], 0)

    def test_tour_customer_here_seen_live(self):
        """The point of sale is open; the customer of CCARR-1 says "I'm here" from the order's
        page (a real HTTP client) once the cashier accepted CCARR-0: the point of sale shows it
        without a reload, rings the bell, and the cashier answers "coming out", which the
        customer's page shows."""
        self.store_a.cc_require_pickup_code = False
        self._order().name = "CCARR-0"
        order = self._ready("CCARR-1")
        first = self.env["sale.order"].search([("name", "=", "CCARR-0")])
        answers, stop = [], threading.Event()
        thread = threading.Thread(target=self._customer_arrives_when_accepted, args=(first, order, answers, stop),
                                  daemon=True)
        thread.start()
        try:
            self.start_pos_tour("click_collect_pos_arrival", login=self.cashier.login, pos_config=self.pos_config)
        finally:
            stop.set()
            thread.join(30)
        self.assertEqual(answers, [303])
        self.assertRecordValues(order, [{"cc_arrival": "coming_out", "cc_arrival_note": "grey car, bay 3"}])
        self.logout()  # the customer's link, not the cashier's browser
        page = self.url_open(f"/order/track/{order.id}?token={order.sudo().cc_tracking_token}").text
        self.assertIn("is coming out with your order", page)

    def _customer_arrives_when_accepted(self, first, order, answers, stop):
        """The customer of ``order``: once ``first`` is accepted (its page says so), posts "I'm
        here" from their order's page, with the page's CSRF token."""
        session = requests.Session()
        base = self.base_url()
        first_token, token = first.sudo().cc_tracking_token, order.sudo().cc_tracking_token
        while not stop.wait(0.3):
            # the test server answers the test's own requests only (the key of the running test)
            session.cookies.set(TEST_CURSOR_COOKIE_NAME, self.http_request_key)
            page = session.get(f"{base}/order/track/{first.id}?token={first_token}", timeout=30)
            if not re.search(r'class="o_cc_tracking [^"]*"[^>]* data-state="accepted"', page.text):
                continue
            page = session.get(f"{base}/order/track/{order.id}?token={token}", timeout=30).text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            answers.append(session.post(
                f"{base}/order/track/{order.id}/arrival?token={token}",
                data={"csrf_token": csrf, "arrival": "arrived", "note": "grey car, bay 3"},
                allow_redirects=False, timeout=60,
            ).status_code)
            return

    def test_the_pos_of_the_store_an_order_left_shows_it(self):
        """The customer picks a new order up at store B instead: store A's point of sale is rung
        with it (its list drops it)."""
        self._open_session()
        order = self._order()
        self.assertEqual(self.pos_config.with_user(self.cashier).cc_web_order_counts()["new"], 1)
        messages = self._pos_messages(lambda: order._cc_change_store_by_customer(self.store_b.id))
        self.assertEqual(messages, [{"order_ids": order.ids, "arrived": []}])
        self.assertEqual(self.pos_config.with_user(self.cashier).cc_web_order_counts()["new"], 0)

    def test_expected_time_in_the_store_time_zone(self):
        """The time the customer gave is the store's time of day, whatever the time zone of the
        cashier's browser or user: shown as the customer said it."""
        zones = [zone for zone in ("Europe/Brussels", "America/New_York", "Asia/Tokyo")
                 if datetime.now(pytz.timezone(zone)).hour < 23]
        self.store_a.opening_hours = False
        self.store_a.partner_id.tz = zones[0]
        self.cashier.tz = "Pacific/Auckland"
        order = self._ready()
        order._cc_announce_arrival("on_the_way", eta="23:59")
        pos = self.pos_config.with_user(self.cashier)
        row = next(row for row in pos.cc_web_orders(states=["ready"])["orders"] if row["id"] == order.id)
        self.assertEqual((row["arrival"], row["arrival_eta"]), ("on_the_way", "23:59"))
