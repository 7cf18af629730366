"""Store operations' figures on a known set of orders: hours per step, pickup, no-show and
returns rates, revenue; who sees which store's figures."""

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ClickCollectCommon


@tagged("post_install", "-at_install")
class TestFigures(ClickCollectCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_store_manager_b = new_test_user(
            cls.env, "cc_test_store_mgr_b_fig", groups="click_collect.group_store_manager",
            cc_store_ids=[(6, 0, cls.store_b.ids)],
        )

    def _through(self, order, steps):
        """Move ``order`` through ``steps``: [(time, target)]."""
        for when, target in steps:
            with freeze_time(when):
                if target == "collected":
                    self._pay(order, method="pay_at_store", reference=f"TILL-{order.id}")
                    order._cc_hand_over(order.sudo().cc_pickup_code)
                else:
                    order._cc_transition(target)

    def _figures(self, user=None):
        Figures = self.env["click_collect.figures"].with_user(user or self.user_manager)
        stores = (self.store_a | self.store_b).ids
        return Figures.search([("store_id", "in", stores)])

    def test_known_orders(self):
        """Store A: one order collected (accepted after 30 min, ready 2 h later, collected a day
        after), one expired (accepted after 1 h 30, ready 4 h later), one still new. Store B:
        one collected and returned."""
        with freeze_time("2026-11-02 09:00:00"):
            collected, expired, waiting = self._order(), self._order(), self._order()
            returned = self._order(store=self.store_b)
        self._through(collected, [("2026-11-02 09:30:00", "accepted"), ("2026-11-02 10:00:00", "preparing"),
                                  ("2026-11-02 11:30:00", "ready"), ("2026-11-03 11:30:00", "collected")])
        self._through(expired, [("2026-11-02 10:30:00", "accepted"), ("2026-11-02 11:00:00", "preparing"),
                                ("2026-11-02 14:30:00", "ready"),
                                ("2026-11-12 14:30:00", "expired")])
        self._through(returned, [("2026-11-02 09:15:00", "accepted"), ("2026-11-02 09:45:00", "preparing"),
                                 ("2026-11-02 10:15:00", "ready"),
                                 ("2026-11-02 12:15:00", "collected")])
        with freeze_time("2026-11-03 10:00:00"):
            returned._cc_receive_return(self.store_b, [
                {"sale_line_id": returned.order_line[0].id, "quantity": 1, "condition": "sellable"}],
                reason=self.env["click_collect.return.reason"].search([], limit=1))
        self.env.flush_all()
        Figures = self.env["click_collect.figures"].with_user(self.user_manager)
        measures = ["accept_hours", "ready_hours", "counter_hours", "pickup_rate", "expired_rate", "return_rate"]
        groups = Figures.formatted_read_group(
            [("store_id", "in", (self.store_a | self.store_b).ids)], ["store_id"],
            ["__count", "amount_untaxed:sum", *(f"{name}:avg" for name in measures)])
        by_store = {
            group["store_id"][0]: {key.split(":")[0]: value for key, value in group.items()} for group in groups
        }
        a, b = by_store[self.store_a.id], by_store[self.store_b.id]
        self.assertEqual(a["__count"], 3)
        self.assertAlmostEqual(a["accept_hours"], (0.5 + 1.5) / 2)
        self.assertAlmostEqual(a["ready_hours"], (2.0 + 4.0) / 2)
        self.assertAlmostEqual(a["counter_hours"], 24.0)
        self.assertAlmostEqual(a["pickup_rate"], 50.0, msg="one collected, one expired; the new one not counted")
        self.assertAlmostEqual(a["expired_rate"], 50.0)
        self.assertAlmostEqual(a["return_rate"], 0.0)
        self.assertAlmostEqual(a["amount_untaxed"], 3 * 80.0)
        self.assertAlmostEqual(b["return_rate"], 100.0)
        self.assertAlmostEqual(b["counter_hours"], 2.0)
        self.assertIn(waiting, Figures.search([("state", "=", "new")]).order_id)

    def test_who_sees_which_figures(self):
        """A store manager sees their stores' figures; a store user none; a web-order manager
        every store's."""
        self._order()
        self._order(store=self.store_b)
        self.env.flush_all()
        self.assertEqual(self._figures().store_id, self.store_a | self.store_b)
        self.assertEqual(self._figures(self.user_store_manager_a).store_id, self.store_a)
        self.assertEqual(self._figures(self.user_store_manager_b).store_id, self.store_b)
        with self.assertRaises(AccessError):
            self._figures(self.user_store_a)

    def test_late_rate(self):
        """Store A answers within 30 minutes and prepares within 2 hours: a step taken after its
        due date is marked late on the timeline; the late rate counts the orders that missed a
        level, or still wait past it."""
        self.store_a.write({"cc_accept_minutes": 30, "cc_ready_hours": 2})
        with freeze_time("2026-11-02 09:00:00"):
            on_time, late_accept, late_ready, still_new = (self._order() for _i in range(4))
        self._through(on_time, [("2026-11-02 09:20:00", "accepted"), ("2026-11-02 10:00:00", "preparing"),
                                ("2026-11-02 11:15:00", "ready")])
        self._through(late_accept, [("2026-11-02 09:45:00", "accepted"), ("2026-11-02 10:00:00", "preparing"),
                                    ("2026-11-02 10:30:00", "ready")])
        self._through(late_ready, [("2026-11-02 09:10:00", "accepted"), ("2026-11-02 09:30:00", "preparing"),
                                   ("2026-11-02 12:00:00", "ready")])
        new_now = self._order()  # due in 30 minutes from now: not late
        steps = {
            order: {event.to_state: event.late for event in order.cc_event_ids}
            for order in (on_time, late_accept, late_ready)
        }
        self.assertEqual(steps[on_time], {"new": False, "accepted": False, "preparing": False, "ready": False})
        self.assertEqual(steps[late_accept], {"new": False, "accepted": True, "preparing": False, "ready": False})
        self.assertEqual(steps[late_ready], {"new": False, "accepted": False, "preparing": False, "ready": True})
        self.env.flush_all()
        Figures = self.env["click_collect.figures"].with_user(self.user_store_manager_a)
        rows = Figures.search([("store_id", "=", self.store_a.id)])
        self.assertEqual(
            {row.order_id: row.late_rate for row in rows},
            {on_time: 0.0, late_accept: 100.0, late_ready: 100.0, still_new: 100.0, new_now: 0.0},
        )
        [group] = Figures.formatted_read_group([("store_id", "=", self.store_a.id)], [], ["late_rate:avg"])
        self.assertAlmostEqual(group["late_rate:avg"], 60.0)
