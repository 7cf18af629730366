from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ClickCollectCommon

PASSWORD = "cc_click_pw_1"  # the test users' password
# Queries of the whole request of each button over HTTP (JSON-RPC, as the web client sends it,
# authentication included), with the server's caches warm: ceilings. What the buttons leave to
# the scheduled jobs (customer messages, webhooks) is not in them. Accept reads the store's
# service levels as superuser: the clerk's first read of the store (its record rules, 4 queries)
# falls in the ready click.
CLICK_QUERIES = {"accept": 15, "ready": 26, "hand over": 70, "ship": 73}
# and against Odoo's plain button doing the same stock work, in the same test
MAX_RATIO = 1.2


@tagged("post_install", "-at_install")
class TestTheClerksClick(ClickCollectCommon, HttpCase):
    """The store clerk's click over HTTP, the whole request: the flow's buttons cost at most
    1.2 times the queries of Odoo's plain button doing the same stock work (confirming a
    quotation, validating a delivery), and send nothing in the request: the customer's email
    and SMS and the web shop's webhook are queued with a trigger of their scheduled job."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env, "cc_click_clerk", password=PASSWORD, groups="click_collect.group_store_user",
            cc_store_ids=[Command.set(cls.store_a.ids)],
        )
        cls.seller = new_test_user(
            cls.env, "cc_click_seller", password=PASSWORD,
            groups="sales_team.group_sale_salesman,stock.group_stock_user",
        )
        shop_user = new_test_user(cls.env, "cc_click_shop", groups="click_collect_api.group_web_shop_api") \
            if "webhook_url" in cls.env["click_collect.web.shop"]._fields else None
        cls.web_shop = cls.env["click_collect.web.shop"].create({
            "name": "CC Click Shop", "code": "CCCK",
            **({"user_id": shop_user.id, "webhook_url": "http://127.0.0.1:9/hooks", "webhook_secret": "s3cret"}
               if shop_user else {}),
        })

    def _web_orders(self, count, fulfilment="pickup", states=()):
        orders = self.env["sale.order"].concat(*[
            self._order(fulfilment, method="pay_at_store" if fulfilment == "pickup" else "transfer",
                        products=self.product_1)
            for _i in range(count)
        ])
        orders.cc_web_shop_id = self.web_shop
        for order in orders:
            if order.cc_payment_method == "transfer":
                self._pay(order, method="transfer")
        for state in states:
            orders._cc_transition(state)
        if "ready" in states:
            for order in orders:
                self._pay(order, method="pay_at_store")
        return orders

    def _plain_orders(self, count, confirm=False):
        orders = self.env["sale.order"].create([{
            "partner_id": self.customer.id, "warehouse_id": self.store_a.id, "user_id": self.seller.id,
            "order_line": [Command.create({"product_id": self.product_1.id, "product_uom_qty": 1})],
        } for _i in range(count)])
        if confirm:
            orders.action_confirm()
            orders.picking_ids.action_assign()
        return orders

    def _rpc(self, model, method, args, kwargs=None, button=False):
        """One JSON-RPC request as the web client sends it; returns (result, queries)."""
        self.env.flush_all()
        before = self.cr.sql_log_count
        result = self.make_jsonrpc_request(
            f"/web/dataset/{'call_button' if button else 'call_kw'}/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )
        return result, self.cr.sql_log_count - before

    def _clicks(self):
        """{button: (our click, Odoo's plain click)}: each a function of an item returning the
        queries of its requests, and its items (a warm-up, then the measured one)."""
        def transition(target):
            return lambda order: self._rpc("sale.order", "action_cc_transition", [order.ids],
                                           {"context": {"cc_target": target}}, button=True)[1]

        def hand_over(order):
            result, queries = self._rpc("sale.order", "action_cc_hand_over", [order.ids, order.sudo().cc_pickup_code])
            self.assertTrue(result["ok"], result)
            return queries

        def ship(order):
            wizard, saved = self._rpc("click_collect.ship", "web_save", [[], {
                "order_id": order.id, "courier_name": "Bike Courier", "tracking_ref": f"BK{order.id}"}],
                {"specification": {}, "context": {"default_order_id": order.id}})
            return saved + self._rpc("click_collect.ship", "action_ship", [[wizard[0]["id"]]], button=True)[1]

        def confirm(order):
            return self._rpc("sale.order", "action_confirm", [order.ids], button=True)[1]

        def validate(picking):
            return self._rpc("stock.picking", "button_validate", [picking.ids], button=True)[1]

        def validate_with_tracking(picking):
            saved = self._rpc("stock.picking", "web_save", [picking.ids, {"carrier_tracking_ref": "PT1"}],
                              {"specification": {}})[1]
            return saved + validate(picking)

        deliveries = self._plain_orders(4, confirm=True).picking_ids
        return {
            "accept": ((transition("accepted"), self._web_orders(2)), (confirm, self._plain_orders(2))),
            "ready": ((transition("ready"), self._web_orders(2, states=("accepted", "preparing"))),
                      (confirm, self._plain_orders(2))),
            "hand over": ((hand_over, self._web_orders(2, states=("accepted", "preparing", "ready"))),
                          (validate, deliveries[:2])),
            "ship": ((ship, self._web_orders(2, "ship", states=("accepted", "preparing"))),
                     (validate_with_tracking, deliveries[2:])),
        }

    def test_the_clicks_cost_no_more_than_odoos_plain_buttons(self):
        clicks = self._clicks()
        Notification = self.env["click_collect.notification"].sudo()
        job = self.env.ref("click_collect.ir_cron_send_customer_messages")
        Trigger = self.env["ir.cron.trigger"].sudo()
        webhooks = self.env.ref("click_collect_api.ir_cron_webhook_send", raise_if_not_found=False)
        for button, ((ours, orders), (plain, records)) in clicks.items():
            with self.subTest(button=button):
                self.authenticate(self.seller.login, PASSWORD)
                plain(records[0])
                plain_queries = plain(records[1])
                self.authenticate(self.clerk.login, PASSWORD)
                ours(orders[0])
                mails = self.env["mail.mail"].sudo().search_count([])
                triggers = Trigger.search_count([("cron_id", "=", job.id)])
                webhook_triggers = webhooks and Trigger.search_count([("cron_id", "=", webhooks.id)])
                with self.assertQueryCount(CLICK_QUERIES[button]):
                    queries = ours(orders[1])
                self.assertLessEqual(queries, MAX_RATIO * plain_queries,
                                     f"{button}: {queries} queries, Odoo's plain button {plain_queries}")
                # nothing was sent in the request: queued, and the job triggered
                self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)
                self.assertEqual(Notification.search([("order_id", "=", orders[1].id)], limit=1).state, "pending")
                self.assertGreater(Trigger.search_count([("cron_id", "=", job.id)]), triggers)
                if webhooks:
                    self.assertEqual(self.env["click_collect.webhook.delivery"].sudo().search(
                        [("order_id", "=", orders[1].id)], limit=1).state, "pending")
                    self.assertGreater(Trigger.search_count([("cron_id", "=", webhooks.id)]), webhook_triggers)
