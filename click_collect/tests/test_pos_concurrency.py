import threading
import uuid

from odoo import Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tests.common import get_db_name


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
        suffix = uuid.uuid4().hex[:6]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            env.company.stock_text_confirmation = False
            store = env["stock.warehouse"].create({
                "name": f"Concurrency Store {suffix}", "code": f"Q{suffix[:4]}", "cc_is_store": True,
                "cc_require_pickup_code": True,
                "partner_id": env["res.partner"].create({"name": f"Concurrency Store {suffix}"}).id,
            })
            product = env["product.product"].create({
                "name": f"Concurrency Shoe {suffix}", "type": "consu", "is_storable": True, "list_price": 40.0,
                "taxes_id": [Command.clear()],
            })
            env["stock.quant"]._update_available_quantity(product, store.lot_stock_id, 10)
            config = env["pos.config"].create({"name": f"Concurrency POS {suffix}",
                                               "picking_type_id": store.pos_type_id.id})
            cashiers = [
                new_test_user(
                    env, f"cc_race_{suffix}_{n}",
                    groups="base.group_user,point_of_sale.group_pos_user,click_collect.group_store_user",
                    cc_store_ids=[Command.set(store.ids)],
                ) for n in (1, 2)
            ]
            order = env["sale.order"].create({
                "partner_id": env["res.partner"].create({"name": f"Race Customer {suffix}"}).id,
                "cc_fulfilment": "pickup", "cc_store_id": store.id, "cc_payment_method": "pay_at_store",
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2,
                                               "tax_ids": [Command.clear()]})],
            })
            order.action_confirm()
            for target in ("accepted", "preparing", "ready"):
                order._cc_transition(target)
            order._cc_register_payment(order.amount_total, f"TILL-{suffix}", method="pay_at_store")
            code = order.cc_pickup_code
            ids = {"store": store.id, "product": product.id, "config": config.id, "order": order.id,
                   "cashiers": [c.id for c in cashiers]}
        return ids, code

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
        first, second = ids["cashiers"]
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

        threads = [threading.Thread(target=cashier, args=(uid,)) for uid in ids["cashiers"]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(len(outcomes), 2, outcomes)
        self.assertEqual(sorted(kind for kind, _detail in outcomes.values()), ["ok", "refused"], outcomes)
        refusal = next(detail for kind, detail in outcomes.values() if kind == "refused")
        self.assertRegex(refusal, "being changed by someone else|changed meanwhile")
        self._check_handed_over_once(ids)
