from odoo.tests import tagged

from odoo.addons.click_collect.tests.common import ClickCollectCommon

# Queries of describing orders for an answer (GET /orders), whatever their number; of creating
# and confirming a one-line order through the API; and of each further line (Odoo's own sales
# line and stock move), with the registry's caches warm. Describing orders with returns reads
# the returns, their lines and reasons too (whatever their number). Creating tells the store's
# staff in the back office (the staff, their language, their bus channel: 3 queries, 4 on a database
# with the demo data).
DESCRIBE_QUERIES = 13
CREATE_QUERIES_1_LINE = 102
CREATE_QUERIES_PER_LINE = 6


@tagged("post_install", "-at_install")
class TestApiQueryCounts(ClickCollectCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop = cls.env["click_collect.web.shop"].create({
            "name": "CC Query Shop", "code": "CCQ", "default_store_id": cls.store_a.id,
            "pricelist_id": cls.pricelist.id,
        })
        cls.products = cls.env["product.product"].create([
            {"name": f"CC Query Product {i}", "type": "consu", "list_price": 10 + i, "barcode": f"29900000{i:05d}"}
            for i in range(10)
        ])

    def _body(self, ref, count):
        return {
            "external_ref": ref, "fulfilment": "pickup",
            "customer": {"name": "Q", "email": "q@example.com"},
            "payment": {"method": "pay_at_store"},
            "lines": [{"ean": product.barcode, "qty": 1} if i % 2 else {"variant_id": product.id, "qty": 1}
                      for i, product in enumerate(self.products[:count])],
        }

    def _create(self, ref, count):
        # as the API creates it: its goods reserved by the scheduled job
        return self.env["click_collect.api"]._create_order(self.shop, self._body(ref, count), reserve_later=True)

    def test_describe_does_not_grow_with_orders(self):
        orders = self.env["sale.order"].concat(*[self._order() for _i in range(6)])
        for order in orders[:3]:
            order._cc_transition("accepted")
        for order in orders[3:5]:  # collected, with a return each
            for target in ("accepted", "preparing", "ready"):
                order._cc_transition(target)
            self._pay(order, method="pay_at_store")
            order._cc_transition("collected")
            order._cc_receive_return(self.store_a, [{"sale_line_id": order.order_line[0].id, "quantity": 1}])
        self.env.invalidate_all()
        orders[:1]._cc_api_describe()
        for batch in (orders[:1], orders):
            self.env.invalidate_all()
            with self.assertQueryCount(DESCRIBE_QUERIES):
                described = batch._cc_api_describe()
            self.assertEqual([d["order_no"] for d in described], batch.mapped("name"))

    def test_create_queries(self):
        self._create("Q-warm-1", 1)
        self._create("Q-warm-10", 10)
        self.env.invalidate_all()
        with self.assertQueryCount(CREATE_QUERIES_1_LINE):
            self._create("Q-1", 1)
        counts = {}
        for count in (1, 10):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            order = self._create(f"Q-{count}-again", count)
            self.env.flush_all()
            counts[count] = self.env.cr.sql_log_count - before
            self.assertEqual(len(order.order_line), count)
        self.assertLessEqual(counts[10] - counts[1], 9 * CREATE_QUERIES_PER_LINE,
                             f"queries per further line: {(counts[10] - counts[1]) / 9:.1f}")
