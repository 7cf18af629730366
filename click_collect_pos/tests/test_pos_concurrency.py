import threading

from odoo import api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

from odoo.addons.click_collect.tests.test_pickup_code import TestPickupCodeConcurrency

from .common_pos import committed_ready_order_at_pos


@tagged("post_install", "-at_install")
class TestPosConcurrentHandOver(BaseCase):
    """Two cashiers hand the same order over at once, each in its own PostgreSQL transaction:
    one wins, the other is told the order changed; the goods leave once.

    The orders, store and cashiers are committed (other transactions must see them); they live
    in a store of their own, so that they change nothing the other tests read.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def _env(self, cr, uid):
        return api.Environment(cr, uid, {})

    def _setup_order(self):
        """A ready, paid Click & Collect order of a new store with a POS; two cashiers."""
        return committed_ready_order_at_pos(self.registry, "Concurrency", users=2, qty=2)

    def _hand_over(self, cr, ids, cashier, code):
        env = self._env(cr, cashier)
        return env["pos.config"].browse(ids["config"]).cc_web_order_action(
            ids["order"], "hand_over", expected_state="ready", pickup_code=code,
        )

    def _check_handed_over_once(self, ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            order = env["sale.order"].browse(ids["order"])
            self.assertEqual(order.cc_state, "collected")
            collected = order.cc_event_ids.filtered(lambda e: e.to_state == "collected" and not e.refused)
            self.assertEqual(len(collected), 1)
            self.assertEqual(collected.channel, "pos")
            moves = env["stock.move"].search([("product_id", "=", ids["product"]), ("state", "=", "done")])
            self.assertEqual(moves.picking_id.sale_id, order)
            self.assertEqual(sum(moves.mapped("quantity")), 2.0)
            store = env["stock.warehouse"].browse(ids["store"])
            quants = env["stock.quant"].search([
                ("product_id", "=", ids["product"]), ("location_id", "=", store.lot_stock_id.id),
            ])
            self.assertEqual(sum(quants.mapped("quantity")), 8.0)

    def test_second_cashier_is_refused_while_the_first_hands_over(self):
        ids, code = self._setup_order()
        first, second = ids["users"]
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            result = self._hand_over(cr1, ids, first, code)
            self.assertTrue(result["ok"], result["message"])
            # the first transaction holds the order: the second cashier is told at once
            with self.assertRaisesRegex(UserError, "being changed by someone else"):
                self._hand_over(cr2, ids, second, code)
            cr2.rollback()
            cr1.commit()
            # and, once the first one is done, that the order changed
            with self.assertRaisesRegex(UserError, "changed meanwhile: it is now Collected"):
                self._hand_over(cr2, ids, second, code)
            cr2.rollback()
        self._check_handed_over_once(ids)

    def test_two_cashiers_at_the_same_time(self):
        ids, code = self._setup_order()
        barrier = threading.Barrier(2)
        outcomes = {}

        def cashier(uid):
            # the cursor commits when the hand-over returns, and rolls back when it is refused
            try:
                with self.registry.cursor() as cr:
                    barrier.wait(timeout=30)
                    result = self._hand_over(cr, ids, uid, code)
                outcomes[uid] = ("ok", result["ok"])
            except UserError as error:
                outcomes[uid] = ("refused", str(error))

        threads = [threading.Thread(target=cashier, args=(uid,)) for uid in ids["users"]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(len(outcomes), 2, outcomes)
        self.assertEqual(sorted(kind for kind, _detail in outcomes.values()), ["ok", "refused"], outcomes)
        refusal = next(detail for kind, detail in outcomes.values() if kind == "refused")
        self.assertRegex(refusal, "being changed by someone else|changed meanwhile")
        self._check_handed_over_once(ids)


@tagged("post_install", "-at_install")
class TestPosPickupCodeConcurrency(TestPickupCodeConcurrency):
    """Wrong codes tried at once from scan screens and the point of sale."""

    channels = ("scan", "pos")

    def _setup(self):
        ids, code = committed_ready_order_at_pos(self.registry, "Lock", users=6)
        return ids, "000000" if code != "000000" else "111111"

    def _attempt(self, env, ids, code, channel):
        if channel != "pos":
            return super()._attempt(env, ids, code, channel)
        result = env["pos.config"].browse(ids["config"]).cc_web_order_action(
            ids["order"], "hand_over", expected_state="ready", pickup_code=code)
        return result["message"]
