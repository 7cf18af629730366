"""The customer of a ready order says from its page that they are on their way or here; the
store is told at once and answers that someone is coming out."""

import re

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .. import const
from .test_self_service import PAGE_SIZES, SelfServiceCase


@tagged("post_install", "-at_install")
class TestArrival(SelfServiceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("resource.resource_calendar_std").tz = "Europe/Brussels"
        cls.store_a.write({"cc_curbside": True, "cc_curbside_bays": "Bays 1 to 4, in front of the store"})

    def _ready(self, **kwargs):
        order = self._web_order(**kwargs)
        if kwargs.get("method") == "transfer":
            self._pay(order, method="transfer")
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        order.sudo().cc_shelf = "B2"
        return order

    def _arrive(self, order, arrival, **data):
        return self._post(order, "arrival", {"arrival": arrival, **data})

    def _error(self, response):
        return re.findall(r'o_cc_action_error[^>]*>([^<]*)', response.text)

    def test_on_the_way_then_here(self):
        """On the way at 17:30 (Brussels), then here in a grey car: each on the timeline as the
        customer's (channel portal, the state still ready), in the chatter by the customer, a
        notification for the store's staff (sticky once they are here); the page says the store
        knows and looks again by itself."""
        order = self._ready()
        page = self._page(order).text
        self.assertIn("o_cc_arrival_form", page)
        self.assertIn("Bays 1 to 4, in front of the store", page, "where the curbside bays are")
        with freeze_time("2026-11-30 09:00:00"):  # 10:00 in Brussels
            popups = self._popups(lambda: self.assertEqual(
                self._arrive(order, "on_the_way", eta="17:30").status_code, 303))
        self.assertRecordValues(order, [{"cc_arrival": "on_the_way", "cc_state": "ready"}])
        self.assertEqual(str(order.cc_arrival_eta), "2026-11-30 16:30:00", "17:30 in Brussels")
        staff = (self.user_store_a | self.user_store_manager_a).partner_id
        self.assertEqual({partner for partner, _payload in popups}, set(staff.ids))
        self.assertEqual(popups[0][1]["title"], f"On the way: {order.name}")
        self.assertIn("expected at 17:30", popups[0][1]["message"])
        self.assertFalse(popups[0][1]["sticky"])
        page = self._page(order).text
        self.assertIn("The store knows you are on your way.", page)
        self.assertRegex(page, r"Expected at\s+05:30 PM", "in the store's time zone")

        popups = self._popups(lambda: self.assertEqual(
            self._arrive(order, "arrived", note="Grey car,\n bay 3").status_code, 303))
        self.assertRecordValues(order, [{"cc_arrival": "arrived", "cc_arrival_note": "Grey car, bay 3",
                                         "cc_self_service_count": 2, "cc_state": "ready"}])
        payload = popups[0][1]
        self.assertEqual(payload["title"], f"Customer here: {order.name}")
        self.assertIn("shelf B2", payload["message"])
        self.assertIn("Grey car, bay 3", payload["message"])
        self.assertTrue(payload["sticky"])
        events = order.cc_event_ids.filtered("arrival").sorted("id")
        self.assertRecordValues(events, [
            {"arrival": "on_the_way", "from_state": "ready", "to_state": "ready", "channel": "portal"},
            {"arrival": "arrived", "from_state": "ready", "to_state": "ready", "channel": "portal"},
        ])
        self.assertFalse(events.user_id, "the customer is no user")
        self.assertFalse(events._cc_steps(), "not a step of the flow (web shops, the page's steps)")
        logged = order.message_ids.filtered(lambda m: "Grey car, bay 3" in (m.body or ""))
        self.assertEqual(logged.author_id, self.customer)
        page = self._page(order).text
        self.assertIn("The store knows you are here.", page)
        self.assertIn('<meta http-equiv="refresh" content="20"/>', page)
        self.assertNotIn("o_cc_arrival_form", page)

        # the same page sent twice: nothing more for the store
        self.assertEqual(self._popups(lambda: order._cc_announce_arrival("arrived", note="Grey car, bay 3")), [])
        self.assertEqual(len(order.cc_event_ids.filtered("arrival")), 2)

    def test_the_store_comes_out(self):
        """A store user of the order's store answers: the page shows it; another store's user,
        a customer who said nothing, an order no longer ready: refused."""
        order = self._ready()
        order._cc_announce_arrival("arrived", note="red bike")
        with self.assertRaises(AccessError):  # not theirs: they do not see it
            order.with_user(self.user_store_b).action_cc_coming_out()
        salesman = new_test_user(self.env, "cc_test_arrival_sales", groups="sales_team.group_sale_salesman_all_leads")
        with self.assertRaises(AccessError):
            order.with_user(salesman).action_cc_coming_out()
        order.with_user(self.user_store_a).action_cc_coming_out()
        self.assertEqual(order.cc_arrival, "coming_out")
        event = order.cc_event_ids.filtered(lambda e: e.arrival == "coming_out")
        self.assertRecordValues(event, [{"channel": "backoffice", "user_id": self.user_store_a.id}])
        page = self._page(order).text
        self.assertIn("Someone from the store is coming out with your order.", page)
        self.assertNotIn('http-equiv="refresh"', page)
        # the customer who said "I'm here" again meanwhile changes nothing
        order._cc_announce_arrival("arrived")
        self.assertEqual(order.cc_arrival, "coming_out")

        quiet = self._ready()
        with self.assertRaisesRegex(UserError, "has not said they are here"):
            quiet.with_user(self.user_store_a).action_cc_coming_out()
        quiet._cc_announce_arrival("on_the_way")
        with self.assertRaisesRegex(UserError, "has not said they are here"):
            quiet.with_user(self.user_store_a).action_cc_coming_out()

    def test_store_user_with_sales_rights_on_another_store(self):
        """Attack: a store user of store B who also sees every sales order (Sales: All
        Documents) answers for store A's customer: refused, their store is not the order's."""
        order = self._ready()
        order._cc_announce_arrival("arrived")
        self.user_store_b.group_ids += self.env.ref("sales_team.group_sale_salesman_all_leads")
        with self.assertRaisesRegex(AccessError, "does not work for the store"):
            order.with_user(self.user_store_b).action_cc_coming_out()
        self.assertEqual(order.cc_arrival, "arrived")

    def test_a_new_time_or_note_tells_the_store_again(self):
        """A new note or time is news for the store (counted as an action); the same is not."""
        order = self._ready()
        order._cc_announce_arrival("on_the_way", note="red bike")
        order._cc_announce_arrival("on_the_way", note="red bike")
        self.assertEqual(order.cc_self_service_count, 1)
        popups = self._popups(lambda: order._cc_announce_arrival("on_the_way", note="blue bike"))
        self.assertIn("blue bike", popups[0][1]["message"])
        order._cc_announce_arrival("arrived")
        self.assertRecordValues(order, [{"cc_arrival": "arrived", "cc_arrival_note": "blue bike",
                                         "cc_self_service_count": 3}])
        with self.assertRaisesRegex(UserError, "already knows you are here"):
            order._cc_announce_arrival("on_the_way")

    def test_arrival_time_on_a_change_to_summer_time(self):
        """29 March 2026, 01:30 in Brussels (winter time): 18:00 that day is summer time,
        16:00 UTC."""
        order = self._ready()
        with freeze_time("2026-03-29 00:30:00"):
            order._cc_announce_arrival("on_the_way", eta="18:00")
        self.assertEqual(str(order.cc_arrival_eta), "2026-03-29 16:00:00")

    def test_arrival_forgotten_once_the_order_leaves_the_counter(self):
        """Handed over in part (the rest waits), or collected: what the customer said is gone
        (the timeline keeps it); the page offers the form again for the rest."""
        order = self._ready(method="transfer")
        order._cc_announce_arrival("arrived", note="plate 1-ABC-123")
        wizard = Form(self.env["click_collect.handover"].with_user(self.user_store_a).with_context(
            default_order_id=order.id))
        with wizard.line_ids.edit(1) as line:
            line.quantity = 0
        wizard.rest = "wait"
        wizard.save().action_hand_over()
        self.assertRecordValues(order, [{"cc_state": "ready", "cc_arrival": False, "cc_arrival_note": False}])
        self.assertIn("o_cc_arrival_form", self._page(order).text)
        order._cc_announce_arrival("arrived", note="plate 1-ABC-123")
        order._cc_hand_over(order.sudo().cc_pickup_code, channel="backoffice")
        self.assertRecordValues(order, [{"cc_state": "collected", "cc_arrival": False, "cc_arrival_note": False}])
        self.assertIn("plate 1-ABC-123", order.cc_event_ids.filtered("arrival")[:1].note)

    def test_a_file_instead_of_a_note(self):
        """A form posted with files for the note and the time: taken as no note, no time."""
        order = self._ready()
        token = order.sudo().cc_tracking_token
        page = self.url_open(f"/order/track/{order.id}?token={token}").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(f"/order/track/{order.id}/arrival?token={token}",
                                 data={"csrf_token": csrf, "arrival": "on_the_way"},
                                 files={"note": ("note.txt", b"car"), "eta": ("eta.txt", b"17:00")},
                                 allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertRecordValues(order, [{"cc_arrival": "on_the_way", "cc_arrival_note": False,
                                         "cc_arrival_eta": False}])

    def test_refusals(self):
        """Not ready yet, shipped, a wrong time, one already past, an unknown action, too many
        actions: refused on the page (409) with the reason, nothing kept. Odoo's access token
        (staff read it), no token, a wrong one: 404."""
        accepted = self._web_order()
        accepted._cc_transition("accepted")
        self.assertNotIn("o_cc_arrival_form", self._page(accepted).text)
        response = self._arrive(accepted, "arrived")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(self._error(response), ["Your order is accepted: tell the store when it is ready for pickup."])

        order = self._ready()
        with freeze_time("2026-11-30 15:00:00"):  # 16:00 in Brussels
            for eta, error in (("25:00", "Give your arrival time as hours and minutes, e.g. 17:30."),
                               ("15:59", "Give an arrival time later than now (16:00).")):
                response = self._arrive(order, "on_the_way", eta=eta)
                self.assertEqual((response.status_code, self._error(response)), (409, [error]))
        response = self._arrive(order, "shout")
        self.assertEqual((response.status_code, self._error(response)), (409, ["Unknown action."]))
        self.assertRecordValues(order, [{"cc_arrival": False, "cc_self_service_count": 0}])
        self.assertFalse(order.cc_event_ids.filtered("arrival"))

        order.sudo().cc_self_service_count = const.SELF_SERVICE_LIMIT
        response = self._arrive(order, "arrived")
        self.assertEqual(response.status_code, 409)
        self.assertIn("You have changed this order 5 times from this page already", self._error(response)[0])
        self.assertFalse(order.cc_arrival)

        other = self._ready()
        for query in (f"?access_token={other._portal_ensure_token()}", "", "?token=guess"):
            self.assertEqual(self._post(other, "arrival", {"arrival": "arrived"}, query=query).status_code, 404)
        self.assertFalse(other.cc_arrival)
        token = other.sudo().cc_tracking_token
        forged = self.url_open(f"/order/track/{other.id}/arrival?token={token}",
                               data={"csrf_token": "forged", "arrival": "arrived"}, allow_redirects=False)
        self.assertEqual(forged.status_code, 400)
        self.assertFalse(other.cc_arrival)

    def test_page_shows_only_the_customer_the_arrival(self):
        """Odoo's access token (staff, a forwarded link) shows neither the form nor the note."""
        order = self._ready()
        order._cc_announce_arrival("arrived", note="bay 3, number plate 1-ABC-123")
        page = self.url_open(f"/order/track/{order.id}?access_token={order._portal_ensure_token()}").text
        self.assertNotIn("1-ABC-123", page)
        self.assertNotIn("o_cc_arrival", page)

    def test_arrival_tours(self):
        """On a phone and on a desktop: on the way, then here with a note; the page says the
        store knows."""
        for size in PAGE_SIZES:
            order = self._ready()
            order.name = f"CCARR-{size}"
            self._page_tour(order, "click_collect_tracking_arrival", size)
            self.assertRecordValues(order, [{"cc_arrival": "arrived", "cc_arrival_note": "grey car, bay 3"}])
