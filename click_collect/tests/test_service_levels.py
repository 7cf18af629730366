from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestServiceLevels(ClickCollectCommon):
    """Due dates from the stores' service levels in their opening hours, on time / due soon /
    late, the filters, and one activity per late order for the store's manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Brussels, Monday to Friday 9:00-12:00 and 13:00-18:00 (UTC+1 in December)
        cls.hours = cls.env["resource.calendar"].create({
            "name": "CC Test Store Hours", "tz": "Europe/Brussels",
            "attendance_ids": [Command.clear()] + [
                Command.create({"name": f"{day} {period}", "dayofweek": str(day), "day_period": period,
                                "hour_from": start, "hour_to": end})
                for day in range(5) for period, start, end in (("morning", 9, 12), ("afternoon", 13, 18))
            ],
        })
        cls.store_a.write({"opening_hours": cls.hours.id, "cc_accept_minutes": 30, "cc_ready_hours": 4})
        cls.company.write({"cc_accept_minutes": 45, "cc_ready_hours": 2})
        cls.store_a.cc_user_ids = cls.user_store_manager_a | cls.user_store_a

    def test_due_dates_count_in_the_store_opening_hours(self):
        # Friday 17:50 in Brussels: 10 minutes left that day, the other 20 on Monday morning
        with freeze_time("2026-12-04 16:50:00"):
            order = self._order()
        self.assertEqual(order.cc_state, "new")
        self.assertEqual(order.cc_due_date, datetime(2026, 12, 7, 8, 20))  # Monday 9:20 in Brussels
        # accepted on Monday 9:30: 2.5 h until noon, 1.5 h after lunch -> 14:30 in Brussels
        with freeze_time("2026-12-07 08:30:00"):
            order._cc_transition("accepted")
        self.assertEqual(order.cc_due_date, datetime(2026, 12, 7, 13, 30))
        # preparing: the same service level runs on
        with freeze_time("2026-12-07 10:00:00"):
            order._cc_transition("preparing")
        self.assertEqual(order.cc_due_date, datetime(2026, 12, 7, 13, 30))
        # ready: no more due date; the order waits for its customer until it expires
        with freeze_time("2026-12-07 11:00:00"):
            order._cc_transition("ready")
        self.assertFalse(order.cc_due_date)
        self.assertEqual(order.cc_expiry_date, datetime(2026, 12, 14, 11, 0))

    def test_a_public_holiday_is_not_counted(self):
        # Monday 7 December is a holiday of the store's schedule
        self.env["resource.calendar.leaves"].create({
            "name": "Holiday", "calendar_id": self.hours.id,
            "date_from": datetime(2026, 12, 6, 23, 0), "date_to": datetime(2026, 12, 7, 22, 59, 59),
        })
        with freeze_time("2026-12-04 16:50:00"):
            order = self._order()
        self.assertEqual(order.cc_due_date, datetime(2026, 12, 8, 8, 20))  # Tuesday 9:20 in Brussels

    def test_a_store_without_levels_or_hours_takes_the_company_levels_round_the_clock(self):
        self.assertFalse(self.store_b.opening_hours)
        with freeze_time("2026-12-05 22:00:00"):  # a Saturday night
            order = self._order(store=self.store_b)
            self.assertEqual(order.cc_due_date, datetime(2026, 12, 5, 22, 45))
            order._cc_transition("accepted")
            self.assertEqual(order.cc_due_date, datetime(2026, 12, 6, 0, 0))

    def test_one_batch_of_two_stores_gets_each_store_due_date(self):
        with freeze_time("2026-12-07 08:00:00"):  # Monday 9:00 in Brussels: 9-12 and 13-14
            orders = self._order() | self._order(store=self.store_b) | self._order()
            orders._cc_transition("accepted")
        self.assertEqual(orders.mapped("cc_due_date"), [
            datetime(2026, 12, 7, 13, 0), datetime(2026, 12, 7, 10, 0), datetime(2026, 12, 7, 13, 0),
        ])

    def test_on_time_due_soon_late_and_the_filters(self):
        with freeze_time("2026-12-07 08:00:00"):
            early = self._order()  # due 8:30 UTC
        with freeze_time("2026-12-07 09:00:00"):
            later = self._order()  # due 9:30 UTC
        with freeze_time("2026-12-07 09:10:00"):
            ready = self._order()
            for target in ("accepted", "preparing", "ready"):
                ready._cc_transition(target)  # expires on the 14th at 9:10
        closed = self._order()
        closed._cc_transition("cancelled")
        orders = early | later | ready | closed
        Order = self.env["sale.order"]

        def sla(domain_value):
            return Order.search([("id", "in", orders.ids), ("cc_sla_state", "=", domain_value)])

        with freeze_time("2026-12-07 08:20:00"):
            orders.invalidate_recordset(["cc_sla_state"])
            self.assertEqual(orders.mapped("cc_sla_state"), ["due_soon", "on_time", "on_time", False])
            self.assertEqual(early.cc_state_age, "20 min")
            self.assertEqual(sla("due_soon"), early)
            self.assertEqual(sla("on_time"), later | ready)
            self.assertFalse(sla("late"))
        with freeze_time("2026-12-07 09:40:00"):
            orders.invalidate_recordset(["cc_sla_state", "cc_state_age"])
            self.assertEqual(orders.mapped("cc_sla_state"), ["late", "late", "on_time", False])
            self.assertEqual(early.cc_state_age, "1 h 40 min")
            self.assertEqual(early.cc_sla_color, 1)
            self.assertEqual(sla("late"), early | later)
            self.assertEqual(Order.search([("id", "in", orders.ids), ("cc_sla_state", "in", ("late", "due_soon"))]),
                             early | later)
            self.assertEqual(Order.search([("id", "in", orders.ids), ("cc_sla_state", "!=", "late")]),
                             ready | closed)
        with freeze_time("2026-12-14 08:30:00"):  # the ready order expires within the hour
            orders.invalidate_recordset(["cc_sla_state", "cc_state_age"])
            self.assertEqual(ready.cc_sla_state, "due_soon")
            self.assertEqual(ready.cc_state_age, "6 d 23 h")

    def test_a_late_order_gives_its_store_manager_one_activity(self):
        Order = self.env["sale.order"]
        with freeze_time("2026-12-07 08:00:00"):
            order_a = self._order()
            order_b = self._order(store=self.store_b)  # no store manager among its staff
        todo = self.env.ref("mail.mail_activity_data_todo")

        def activities(order):
            return order.activity_ids.filtered(lambda a: a.activity_type_id == todo)

        ours = order_a | order_b  # a database with demo data has late orders of its own
        with freeze_time("2026-12-07 08:20:00"):
            self.assertFalse(Order._cc_cron_late() & ours)
        with freeze_time("2026-12-07 08:50:00"):
            self.assertEqual(Order._cc_cron_late() & ours, ours)
            Order._cc_cron_late()  # a second run tells nobody twice
        self.assertEqual(len(activities(order_a)), 1)
        self.assertEqual(activities(order_a).user_id, self.user_store_manager_a)
        self.assertIn("New", activities(order_a).summary)
        # the store has no manager: a web-order manager of the company hears of it
        self.assertEqual(len(activities(order_b)), 1)
        self.assertTrue(activities(order_b).user_id.has_group("click_collect.group_manager"))
        # accepted late (10:00 in Brussels, due 15:00), and late again in its new state: one more
        with freeze_time("2026-12-07 09:00:00"):
            order_a._cc_transition("accepted")
        self.assertFalse(order_a.cc_late_notified)
        with freeze_time("2026-12-07 13:59:00"):
            self.assertFalse(Order._cc_cron_late() & ours)
        with freeze_time("2026-12-07 14:01:00"):
            self.assertEqual(Order._cc_cron_late() & ours, order_a)
        self.assertEqual(len(activities(order_a)), 2)
        self.assertIn("Accepted", activities(order_a)[-1:].summary)

    def test_nobody_sets_a_due_date_by_hand(self):
        order = self._order()
        for user in (self.user_store_manager_a, self.user_manager):
            with self.subTest(user=user.login), self.env.cr.savepoint(), \
                    self.assertRaisesRegex(UserError, "service levels"):
                order.with_user(user).write({"cc_due_date": datetime(2030, 1, 1)})
            with self.subTest(user=user.login), self.env.cr.savepoint(), self.assertRaises(UserError):
                order.with_user(user).write({"cc_late_notified": True})


@tagged("post_install", "-at_install")
class TestWebOrderViews(ClickCollectCommon):

    def _toolbar(self, view_xmlid, view_type, user):
        view = self.env.ref(view_xmlid)
        views = self.env["sale.order"].with_user(user).get_views([[view.id, view_type]], {"toolbar": True})
        return {action["name"] for action in views["views"][view_type]["toolbar"].get("action", [])}

    def test_web_order_views_offer_no_sales_action_that_bypasses_the_flow(self):
        hidden = {self.env.ref(xmlid).name for xmlid in (
            "sale.action_mass_cancel_orders", "sale.model_sale_order_action_quotation_sent",
            "sale.model_sale_order_send_mail",
        )}
        for xmlid, view_type in (("click_collect.view_web_order_list", "list"),
                                 ("click_collect.view_web_order_kanban", "kanban"),
                                 ("click_collect.view_web_order_form", "form")):
            with self.subTest(view=xmlid):
                self.assertFalse(self._toolbar(xmlid, view_type, self.user_manager) & hidden)
        # Sales' own views keep every one of them
        self.assertLessEqual(hidden, self._toolbar("sale.view_quotation_tree", "list", self.user_manager)
                             | self._toolbar("sale.view_order_form", "form", self.user_manager))
        # other bindings (following, invoicing) stay on the web-order list
        self.assertIn(self.env.ref("sale.mail_followers_edit_action_from_sale").name,
                      self._toolbar("click_collect.view_web_order_list", "list", self.user_manager))


@tagged("post_install", "-at_install")
class TestLateSummary(ClickCollectCommon):

    def test_the_daily_summary_lists_the_stores_with_late_orders(self):
        with freeze_time("2026-12-07 08:00:00"):
            self._order()
            self._order()
            self._order(store=self.store_b)
        with freeze_time("2026-12-07 08:10:00"):
            self._order(store=self.central)  # due 8:40
        manager = self.user_manager.partner_id
        with freeze_time("2026-12-07 08:20:00"):
            mine = self.env["sale.order"].search([("cc_sla_state", "=", "late"),
                                                  ("cc_store_id", "in", (self.store_a | self.store_b).ids)])
            self.assertFalse(mine)
        with freeze_time("2026-12-07 08:35:00"):
            messages = self.env["sale.order"]._cc_cron_late_summary()
        message = messages.filtered(lambda m: manager in m.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertIn("Test Store A: 2 late", message.body)
        self.assertIn("Test Store B: 1 late", message.body)
        self.assertNotIn("Test Central", message.body)
        self.assertIn("store(s)", message.subject)
        # store staff do not get it
        self.assertNotIn(self.user_store_a.partner_id, messages.partner_ids)
        # nothing late: nothing sent
        with freeze_time("2026-12-07 07:00:00"):
            self.assertFalse(self.env["sale.order"]._cc_cron_late_summary().filtered(
                lambda m: manager in m.partner_ids and "Test Store" in m.body))


@tagged("post_install", "-at_install")
class TestNewOrderAlert(ClickCollectCommon):

    def test_the_store_staff_hear_of_a_new_web_order(self):
        orders = []
        popups = self._popups(lambda: orders.append(self._order()))
        order = orders[0]
        self.assertEqual(
            {partner_id for partner_id, _payload in popups},
            set((self.user_store_a | self.user_store_manager_a).partner_id.ids),
        )
        payload = popups[0][1]
        self.assertEqual(payload["title"], "New web order for Test Store A")
        self.assertIn(order.name, payload["message"])
        self.assertIn("CC Test Customer", payload["message"])
        # the order moving on pops up nothing
        self.assertFalse(self._popups(lambda: order._cc_transition("accepted")))
        # another store's staff hear of their own orders only
        popups = self._popups(lambda: self._order(store=self.store_b))
        self.assertEqual({partner_id for partner_id, _payload in popups}, set(self.user_store_b.partner_id.ids))
