import threading
from functools import partial

from odoo import Command, api
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, Form, new_test_user, tagged
from odoo.tests.common import get_db_name

from .common import ClickCollectCommon, committed_ready_order


def wrong_code(order):
    """A code that is not the order's."""
    return "000000" if order.sudo().cc_pickup_code != "000000" else "111111"


@tagged("post_install", "-at_install")
class TestPickupCode(ClickCollectCommon):
    """The pickup code is checked at hand-over where the store asks for it: a wrong code is
    refused and kept on the timeline, five of them lock the order's hand-over by code until a
    store manager unlocks it, and nothing but the check of the code opens the door."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_a.cc_require_pickup_code = True
        cls.user_store_manager_b = new_test_user(
            cls.env, "cc_test_store_mgr_b", groups="click_collect.group_store_manager",
            cc_store_ids=[Command.set(cls.store_b.ids)],
        )

    def _ready(self, store=None, paid=True):
        order = self._order(method="pay_at_store", store=store)
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        if paid:
            self._pay(order, method="pay_at_store")
        return order

    @staticmethod
    def _code(order):
        return order.sudo().cc_pickup_code

    def test_every_pickup_order_has_a_code(self):
        pickup, ship = self._order(), self._order("ship")
        self.assertRegex(self._code(pickup), r"^\d{6}$")
        self.assertFalse(self._code(ship))
        self.assertTrue(ship.sudo().cc_tracking_token, "every web order has its tracking token")

    def test_staff_cannot_read_the_code(self):
        order = self._ready()
        for user in (self.user_store_a, self.user_store_manager_a, self.user_manager):
            for field in ("cc_pickup_code", "cc_tracking_token"):
                with self.assertRaises(AccessError):
                    order.with_user(user).read([field])

    def test_guard_in_the_table(self):
        self.assertIn("pickup_code", self.env["sale.order"]._cc_transition_table()[("pickup", "ready", "collected")][0])
        order = self._ready()
        with self.assertRaisesRegex(UserError, "asks for the customer's pickup code"):
            order._cc_transition("collected")
        order._cc_hand_over(self._code(order), channel="backoffice")
        self.assertEqual(order.cc_state, "collected")

    def test_code_in_the_context_does_not_open_the_door(self):
        """Attack: a store user calls the door over RPC (the form's transition button) with a
        code in the context, the way the hand-over used to give it to the guard: unlimited
        guesses, each refusal rolled back, none counted. Even the right code does not open it."""
        order = self._ready()
        for code in (wrong_code(order), self._code(order)):
            with self.assertRaisesRegex(UserError, "asks for the customer's pickup code"):
                order.with_user(self.user_store_a).with_context(
                    cc_target="collected", cc_pickup_code=code,
                ).action_cc_transition()
        self.assertEqual(order.cc_state, "ready")

    def test_store_without_code_does_not_ask(self):
        order = self._ready(store=self.store_b)
        order._cc_transition("collected")
        self.assertEqual(order.cc_state, "collected")

    def test_scan_screen_asks_for_the_code(self):
        order = self._ready()
        wrong = wrong_code(order)
        scan = Form(self.env(user=self.user_store_a)["click_collect.scan"].with_context(default_mode="delivery"))
        scan.code = order.name
        self.assertTrue(scan.pickup_code_required)
        scan.pickup_code = wrong
        wizard = scan.save()
        self.assertFalse(wizard.action_do(), "the screen stays on the order")
        self.assertEqual(order.cc_state, "ready")
        self.assertIn("is wrong", wizard.message)
        refused = order.cc_event_ids.filtered("refused")
        self.assertRecordValues(refused, [{
            "from_state": "ready", "to_state": "collected", "channel": "scan", "user_id": self.user_store_a.id,
            "store_id": self.store_a.id,
        }])
        self.assertTrue(order.message_ids.filtered(lambda m: "Refused" in (m.body or "")))
        self.assertNotIn("collected", order.cc_notification_ids.mapped("step"))
        wizard.pickup_code = self._code(order)
        action = wizard.action_do()
        self.assertEqual(order.cc_state, "collected")
        self.assertIn(order.name, action["context"]["default_done_message"])
        self.assertEqual(order._cc_tracking_steps()[-1]["state"], "collected")
        self.assertNotIn(True, [step["status"] == "current" and step["state"] == "ready"
                                for step in order._cc_tracking_steps()], "refused attempts are not shown")

    def test_wrong_code_is_not_written_on_the_timeline(self):
        """Attack: staff read the codes typed at the counter on the timeline and in the chatter:
        a near miss gives away all but one digit of the customer's code."""
        order = self._ready()
        near = self._code(order)[:5] + str((int(self._code(order)[5]) + 1) % 10)
        result = order.with_user(self.user_store_a).action_cc_hand_over(pickup_code=near)
        self.assertFalse(result["ok"])
        self.assertNotIn(near, result["message"])
        self.assertNotIn(near, order.cc_event_ids.filtered("refused").note)
        self.assertFalse(order.message_ids.filtered(lambda m: near in (m.body or "")))

    def test_other_refusals_still_raise_and_cost_no_code(self):
        order = self._ready(paid=False)
        with self.assertRaisesRegex(UserError, "not paid"):
            order._cc_hand_over(wrong_code(order), channel="scan")
        self.assertEqual(order.cc_pickup_failures, 0, "the code was not tried")

    def test_hand_over_for_the_point_of_sale(self):
        order = self._ready()
        result = order.with_user(self.user_store_a).action_cc_hand_over(pickup_code=wrong_code(order))
        self.assertFalse(result["ok"])
        self.assertIn("is wrong", result["message"])
        self.assertEqual(order.cc_event_ids.filtered("refused").channel, "backoffice")
        with self.assertRaisesRegex(UserError, "store you do not work for"):
            order.with_user(self.user_store_b).action_cc_hand_over(pickup_code=wrong_code(order))
        self.assertEqual(len(order.cc_event_ids.filtered("refused")), 1, "nothing kept for another store's user")
        self.assertEqual(order.cc_pickup_failures, 1, "nor counted")
        result = order.with_user(self.user_store_a).action_cc_hand_over(pickup_code=self._code(order))
        self.assertTrue(result["ok"])
        self.assertEqual(order.cc_state, "collected")

    def test_five_wrong_codes_lock_the_hand_over(self):
        """Attack: someone at the counter tries codes until one opens the hand-over (six digits,
        unlimited tries). After five wrong codes the order is not handed over by code, even with
        the right one, until a store manager of its store unlocks it."""
        order = self._ready()
        clerk = order.with_user(self.user_store_a)
        for count in range(1, 6):
            result = clerk.action_cc_hand_over(pickup_code=f"{count:06d}" if f"{count:06d}" != self._code(order)
                                               else wrong_code(order))
            self.assertFalse(result["ok"])
            self.assertEqual(order.cc_pickup_failures, count)
        self.assertTrue(order.cc_pickup_locked)
        self.assertIn("locked", result["message"])
        result = clerk.action_cc_hand_over(pickup_code=self._code(order))
        self.assertFalse(result["ok"], "the right code no longer opens it")
        self.assertIn("locked", result["message"])
        self.assertEqual(order.cc_pickup_failures, 5, "a locked order counts no more codes")
        self.assertEqual(order.cc_state, "ready")
        self.assertEqual(len(order.cc_event_ids.filtered("refused")), 6, "every refusal on the timeline")
        # the clerk, and a store manager of another store, cannot unlock it
        with self.assertRaises(AccessError):
            clerk.action_cc_unlock_pickup_code()
        with self.assertRaises(AccessError):
            order.with_user(self.user_store_manager_b).action_cc_unlock_pickup_code()
        # nor write the count away
        for user in (self.user_store_a, self.user_store_manager_a, self.user_manager):
            with self.assertRaisesRegex(UserError, "only changes through the flow"):
                order.with_user(user).write({"cc_pickup_failures": 0})
        self.assertTrue(order.cc_pickup_locked)
        # the store's manager unlocks it: on the timeline, in red, with who did it
        order.with_user(self.user_store_manager_a).action_cc_unlock_pickup_code()
        self.assertFalse(order.cc_pickup_locked)
        unlock = order.cc_event_ids.filtered("unlocked")
        self.assertRecordValues(unlock, [{
            "from_state": "ready", "to_state": "ready", "user_id": self.user_store_manager_a.id,
            "store_id": self.store_a.id, "refused": False,
        }])
        self.assertIn(self.user_store_manager_a.name, unlock.note)
        self.assertNotIn("ready", [step["state"] for step in order._cc_tracking_steps()
                                   if step["status"] == "done"], "an unlock is not a step for the customer")
        with self.assertRaisesRegex(UserError, "is not locked"):
            order.with_user(self.user_store_manager_a).action_cc_unlock_pickup_code()
        result = clerk.action_cc_hand_over(pickup_code=self._code(order))
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(order.cc_state, "collected")

    def test_hand_over_screen_counts_wrong_codes(self):
        """Attack: the back office's hand-over screen refused a wrong code by raising: its
        transaction was rolled back, so no wrong code there was ever counted nor kept."""
        order = self._ready()
        wizard = Form(self.env["click_collect.handover"].with_user(self.user_store_a).with_context(
            default_order_id=order.id))
        wizard.pickup_code = wrong_code(order)
        handover = wizard.save()
        action = handover.action_hand_over()
        self.assertEqual((action["res_model"], action["res_id"]), (handover._name, handover.id),
                         "the screen stays open on the refusal")
        self.assertIn("is wrong", handover.message)
        self.assertEqual(order.cc_pickup_failures, 1)
        self.assertEqual(order.cc_event_ids.filtered("refused").channel, "backoffice")
        handover.pickup_code = self._code(order)
        handover.action_hand_over()
        self.assertEqual(order.cc_state, "collected")


@tagged("post_install", "-at_install")
class TestPickupCodeConcurrency(BaseCase):
    """Wrong codes tried at once on one order (scan screens, each in its own PostgreSQL
    transaction, retried as Odoo retries a request that met a concurrent update): counted one
    after the other, never past five.

    The orders, store and users are committed (other transactions must see them); they live in
    a store of their own, so that they change nothing the other tests read.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    # the counters trying codes at once, in turn (an addon adds its own, e.g. the POS)
    channels = ("scan",)

    def _setup(self):
        ids, code = committed_ready_order(self.registry, "Lock", users=6)
        return ids, "000000" if code != "000000" else "111111"

    def _attempt(self, env, ids, code, channel):
        """One code tried by ``channel``'s path: the refusal message (or None)."""
        order = env["sale.order"].browse(ids["order"])
        return order._cc_hand_over(code, channel=channel)[1]

    def _try(self, ids, uid, code, channel):
        """One wrong code, in a transaction of its own; the outcome: the refusal message, or
        the error that stopped it."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, uid, {})

            def attempt():
                return self._attempt(env, ids, code, channel)

            try:
                return retrying(partial(attempt), env)
            except UserError as error:
                cr.rollback()
                return str(error)

    def test_wrong_codes_at_once_stop_at_five(self):
        """Attack: wrong codes sent at the same moment from several counters, each reading "4
        wrong codes so far" before any of them is counted, so that more than five are
        compared."""
        ids, wrong = self._setup()
        for uid in ids["users"][:4]:  # four wrong codes, one after the other
            self.assertIn("is wrong", self._try(ids, uid, wrong, "scan"))
        barrier = threading.Barrier(6)
        outcomes = []

        def counter(uid, channel):
            barrier.wait(timeout=30)
            outcomes.append(self._try(ids, uid, wrong, channel))

        threads = [threading.Thread(target=counter, args=(uid, self.channels[n % len(self.channels)]))
                   for n, uid in enumerate(ids["users"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(len(outcomes), 6, outcomes)
        self.assertEqual(len([o for o in outcomes if "is wrong" in o]), 1, outcomes)
        with self.registry.cursor() as cr:
            order = api.Environment(cr, api.SUPERUSER_ID, {})["sale.order"].browse(ids["order"])
            self.assertEqual(order.cc_pickup_failures, 5, "never past five")
            self.assertTrue(order.cc_pickup_locked)
            self.assertEqual(order.cc_state, "ready")
            compared = order.cc_event_ids.filtered(lambda e: e.refused and "is wrong" in e.note)
            self.assertEqual(len(compared), 5, "five codes compared, no more")
