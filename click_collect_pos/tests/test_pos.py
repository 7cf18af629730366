import threading
from datetime import timedelta

import requests

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME

from odoo.addons.click_collect_api.tools.api_contract import API_PREFIX

from .common_pos import ClickCollectPosCommon

# Queries of the web-orders screen's calls by a cashier, whatever the number of orders in other
# stores: the badge's counts (the cashier's store and rights, one grouped query) and the list of
# the store's waiting orders (with the labels of their service level).
POS_COUNTS_QUERIES = 6
POS_LIST_QUERIES = 13


@tagged("post_install", "-at_install")
class TestPosWebOrders(ClickCollectPosCommon):
    """The store's point of sale: its web orders over RPC and in Chromium (Odoo's POS tours)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cashier_b = new_test_user(
            cls.env, "cc_test_cashier_b",
            groups="base.group_user,click_collect.group_store_user,point_of_sale.group_pos_user",
            cc_store_ids=[Command.set(cls.store_b.ids)],
        )
        cls.pos_only_user = new_test_user(
            cls.env, "cc_test_pos_only", groups="base.group_user,point_of_sale.group_pos_user")
        cls.store_a.cc_require_pickup_code = True

    def _pos(self, user=None):
        return self.pos_config.with_user(user or self.cashier)

    def _ready(self, method="pay_at_store", store=None, code="246810"):
        order = self._order(method=method, store=store)
        if method == "transfer":
            self._pay(order, method="transfer")
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        order.sudo().cc_pickup_code = code
        return order

    def _quant(self, product, store=None):
        return self.env["stock.quant"]._get_available_quantity(product, (store or self.store_a).lot_stock_id)

    # ------------------------------------------------------------------ store and access

    def test_store_of_the_pos_and_its_data(self):
        self.assertEqual(self.pos_config.cc_store_id, self.store_a)
        self._order(store=self.store_a)
        self._order(store=self.store_b)
        data = self.env["pos.config"].with_user(self.cashier)._load_pos_data_read(self._pos(), self._pos())
        self.assertEqual(data[0]["_cc_store"], {"id": self.store_a.id, "name": self.store_a.name})
        self.assertEqual(data[0]["_cc_pending_counts"]["new"], 1)
        # a POS user who works for no store gets no web orders
        data = self.env["pos.config"].with_user(self.pos_only_user)._load_pos_data_read(
            self._pos(self.pos_only_user), self._pos(self.pos_only_user))
        self.assertFalse(data[0]["_cc_store"])
        self.assertNotIn("_cc_pending_counts", data[0])

    def test_cashier_sees_only_the_store_of_the_pos(self):
        order_a = self._order(store=self.store_a)
        order_b = self._order(store=self.store_b)
        listed = self._pos().cc_web_orders()
        self.assertEqual([o["id"] for o in listed["orders"]], order_a.ids)
        self.assertEqual(self._pos().cc_web_order(order_a.id)["name"], order_a.name)
        # another store's order, even by its id, even for a web-order manager at this POS
        for user in (self.cashier, self.user_manager):
            with self.assertRaisesRegex(UserError, "Order could not be found"):
                self._pos(user).cc_web_order(order_b.id)
            with self.assertRaisesRegex(UserError, "Order could not be found"):
                self._pos(user).cc_web_order_action(order_b.id, "accept", expected_state="new")
        self.assertEqual(self._pos().cc_web_order_scan(order_b.name)["error"],
                         f"Order {order_b.name} belongs to another store ({self.store_b.name}).")
        # a cashier of store B at store A's POS, and a POS user of no store: nothing
        for user in (self.cashier_b, self.pos_only_user):
            with self.assertRaises(AccessError):
                self._pos(user).cc_web_orders()
            with self.assertRaises(AccessError):
                self._pos(user).cc_web_order(order_a.id)
        self.assertEqual(order_b.cc_state, "new")

    def test_search_and_scan(self):
        order = self._order()
        other = self._order()
        other.partner_id = self.env["res.partner"].create({"name": "Zoe Someone", "phone": "+32 499 12 34 56"})
        pos = self._pos()
        self.assertEqual([o["id"] for o in pos.cc_web_orders(search=order.name)["orders"]], order.ids)
        self.assertEqual([o["id"] for o in pos.cc_web_orders(search="zoe")["orders"]], other.ids)
        self.assertEqual([o["id"] for o in pos.cc_web_orders(search="499 12")["orders"]], other.ids)
        self.assertEqual(pos.cc_web_orders(states=["ready"])["orders"], [])
        self.assertEqual(pos.cc_web_order_scan(order.name.lower()), {"order_id": order.id, "pickup_code": ""})
        self.assertEqual(pos.cc_web_order_scan("NOPE-404"), {"error": "Order could not be found"})

    # ------------------------------------------------------------------ the flow from the POS

    def test_actions_go_through_the_door(self):
        order = self._order(method="transfer")
        self._pay(order, method="transfer")
        order.sudo().cc_pickup_code = "246810"
        pos = self._pos()
        detail = pos.cc_web_order(order.id)
        self.assertEqual(detail["actions"], ["accept"])
        self.assertEqual([line["product"] for line in detail["lines"]], ["CC Test Shoe", "CC Test Bag"])
        for action, state in (("accept", "accepted"), ("prepare", "preparing"), ("ready", "ready")):
            result = pos.cc_web_order_action(order.id, action, expected_state=order.cc_state)
            self.assertTrue(result["ok"])
            self.assertEqual(result["order"]["state"], state)
        # the cashier saw an older state: refused, the order changed meanwhile
        with self.assertRaisesRegex(UserError, "changed meanwhile: it is now Ready for pickup"):
            pos.cc_web_order_action(order.id, "ready", expected_state="preparing")
        result = pos.cc_web_order_action(order.id, "hand_over", expected_state="ready", pickup_code="999999")
        self.assertFalse(result["ok"])
        self.assertIn("the pickup code is wrong (1 of 5 wrong codes)", result["message"])
        self.assertNotIn("999999", result["message"], "the codes typed are not shown to staff")
        self.assertEqual(order.cc_state, "ready")
        self.assertTrue(result["order"]["timeline"][0]["refused"])
        result = pos.cc_web_order_action(order.id, "hand_over", expected_state="ready", pickup_code="246810")
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(order.cc_state, "collected")
        events = order.cc_event_ids.filtered(lambda e: e.channel == "pos" and not e.refused)
        self.assertEqual(events.sorted("id").mapped("to_state"), ["accepted", "preparing", "ready", "collected"])
        self.assertEqual(events.pos_config_id, self.pos_config)
        self.assertEqual(events.user_id, self.cashier)
        self.assertEqual(events.store_id, self.store_a)

    def test_hand_over_filed_under_another_stores_pos(self):
        """Attack: a cashier calls the hand-over with the id of a point of sale of another store
        (or of no store), so that the timeline and the till say the order was handed over there."""
        order = self._ready(method="transfer")
        pos_b = self.env["pos.config"].create({"name": "CC POS B", "picking_type_id": self.store_b.pos_type_id.id})
        depot = self.env["pos.config"].create({
            "name": "CC POS Depot", "picking_type_id": self.not_a_store.pos_type_id.id,
        })
        with self.assertRaises(AccessError):  # the cashier does not work for store B
            order.with_user(self.cashier).action_cc_hand_over("246810", pos_b.id)
        for pos in (pos_b, depot):  # a web-order manager works at every store's POS, not for any order
            with self.assertRaises(UserError):  # or its AccessError
                order.with_user(self.user_manager).action_cc_hand_over("246810", pos.id)
        with self.assertRaisesRegex(UserError, "does not exist"):
            order.with_user(self.cashier).action_cc_hand_over("246810", 999999)
        self.assertEqual(order.cc_state, "ready")
        self.assertFalse(order.cc_event_ids.filtered(lambda e: e.pos_config_id in (pos_b | depot)))
        result = order.with_user(self.cashier).action_cc_hand_over("246810", self.pos_config.id)
        self.assertTrue(result["ok"], result["message"])
        event = order.cc_event_ids.filtered(lambda e: e.to_state == "collected" and not e.refused)
        self.assertRecordValues(event, [{"pos_config_id": self.pos_config.id, "store_id": self.store_a.id,
                                         "channel": "pos"}])

    def test_scan_of_the_customers_qr_code(self):
        """One scan of the customer's QR code finds the order and gives its pickup code."""
        order = self._ready(method="transfer")
        scanned = self._pos().cc_web_order_scan(f"CC:{order.name}:246810")
        self.assertEqual(scanned, {"order_id": order.id, "pickup_code": "246810"})
        self.assertEqual(self._pos().cc_web_order_scan(order.name), {"order_id": order.id, "pickup_code": ""})

    def test_locked_hand_over_at_the_pos(self):
        """Five wrong codes at the counter: the POS shows the order locked and offers nothing
        but the unlock, to a store manager; a cashier cannot unlock it."""
        order = self._ready(method="transfer")
        for _try in range(5):
            result = self._pos().cc_web_order_action(order.id, "hand_over", expected_state="ready",
                                                     pickup_code="999999")
        self.assertIn("locked", result["message"])
        detail = self._pos().cc_web_order(order.id)
        self.assertTrue(detail["pickup_locked"])
        self.assertEqual((detail["actions"], detail["can_pay"], detail["can_resend_ready"], detail["can_unlock"]),
                         ([], False, False, False))
        with self.assertRaises(AccessError):
            self._pos().cc_web_order_unlock(order.id)
        self.cashier.group_ids = [Command.link(self.env.ref("click_collect.group_store_manager").id)]
        self.assertTrue(self._pos().cc_web_order(order.id)["can_unlock"])
        result = self._pos().cc_web_order_unlock(order.id)
        self.assertTrue(result["ok"])
        self.assertFalse(result["order"]["pickup_locked"])
        self.assertIn("hand_over", result["order"]["actions"])
        unlock = next(event for event in result["order"]["timeline"] if event["unlocked"])
        self.assertEqual((unlock["user"], unlock["pos"]), (self.cashier.name, self.pos_config.name))

    def test_refusal_carries_the_door_message(self):
        order = self._order(method="transfer")  # prepaid and not paid: may not be accepted
        with self.assertRaisesRegex(UserError, "only .* has been received"):
            self._pos().cc_web_order_action(order.id, "accept", expected_state="new")
        self.assertEqual(order.cc_state, "new")

    def test_ship_from_the_pos(self):
        order = self._order("ship", method="transfer")
        self._pay(order, method="transfer")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        with self.assertRaisesRegex(UserError, "courier and the tracking number"):
            self._pos().cc_web_order_action(order.id, "ship", expected_state="preparing", courier="bpost")
        result = self._pos().cc_web_order_action(
            order.id, "ship", expected_state="preparing", courier="bpost", tracking_ref="TRK123")
        self.assertTrue(result["ok"])
        self.assertEqual((order.cc_state, order.cc_courier_name, order.cc_tracking_ref), ("shipped", "bpost", "TRK123"))

    def test_unpaid_pay_at_store_order_stays_to_settle(self):
        """Odoo may count a pay-on-site transaction as done: the order still waits for its money
        in pos_sale's list (amount to pay in POS) and in the POS's web orders."""
        order = self._order(method="pay_at_store")
        provider = self.env["payment.provider"].search(
            [("code", "=", "custom"), ("custom_mode", "=", "on_site"), ("company_id", "=", order.company_id.id)],
            limit=1,
        )
        self.assertTrue(provider)
        tx = self.env["payment.transaction"].create({
            "provider_id": provider.id,
            "payment_method_id": order._cc_provider_payment_method(provider).id,
            "amount": order.amount_total, "currency_id": order.currency_id.id,
            "partner_id": order.partner_id.id, "sale_order_ids": [Command.set(order.ids)],
            "reference": f"{order.name}-onsite",
        })
        tx._set_done()
        self.assertEqual(order.amount_paid, order.amount_total)  # Odoo's own view
        self.assertEqual(order.cc_payment_state, "unpaid")
        self.assertEqual(order.amount_unpaid, order.amount_total)
        self.assertTrue(self._pos().cc_web_order(order.id)["can_pay"])
        self.assertIn(order.id, [o["id"] for o in self._pos().cc_web_orders()["orders"]])

    def test_cart_not_yet_paid_keeps_the_order_to_settle(self):
        """A web order loaded into a cart that is not paid yet (a draft POS order on the server)
        still waits for its money; pos_sale alone counts the cart as paid and hides the order."""
        self.pos_config.with_user(self.cashier).open_ui()
        session = self.pos_config.current_session_id
        plain = self.env["sale.order"].create({
            "partner_id": self.customer.id, "pricelist_id": self.pricelist.id,
            "order_line": [Command.create({"product_id": self.product_1.id, "tax_ids": [Command.clear()]})],
        })
        plain.action_confirm()
        order = self._ready(method="pay_at_store")
        carts = self.env["pos.order"].create([self._cart_values(session, sale) for sale in (plain, order)])
        self.assertEqual(set(carts.mapped("state")), {"draft"})
        self.assertEqual(plain.amount_unpaid, 0.0)  # Odoo's pos_sale: gone from its list
        self.assertEqual(order.amount_unpaid, 80.0)
        self.assertEqual(order.cc_payment_state, "unpaid")
        to_settle = self.env["sale.order"].with_user(self.cashier).search([
            ("amount_unpaid", ">", 0), ("state", "!=", "cancel"), ("invoice_status", "!=", "invoiced"),
        ])
        self.assertIn(order, to_settle)
        self.assertTrue(self._pos().cc_web_order(order.id)["can_pay"])
        self.assertIn(order.id, [o["id"] for o in self._pos().cc_web_orders(states=["ready"])["orders"]])

    def test_paid_at_the_counter_to_ship_later_moves_no_goods(self):
        """A cart that settles a web order with "ship later" leaves the order's own delivery as it
        is: pos_sale would cancel it and procure the goods again from the POS."""
        self.pos_config.with_user(self.cashier).open_ui()
        order = self._ready(method="pay_at_store")
        delivery = order._cc_store_deliveries()
        moves_before = self.env["stock.move"].search([])
        pos_order = self.env["pos.order"].create({
            "session_id": self.pos_config.current_session_id.id, "partner_id": order.partner_id.id,
            "amount_tax": 0.0, "amount_total": 80.0, "amount_paid": 80.0, "amount_return": 0.0,
            "shipping_date": fields.Date.today(),
            "lines": [Command.create({
                "product_id": line.product_id.id, "qty": line.product_uom_qty, "price_unit": line.price_unit,
                "price_subtotal": line.price_subtotal, "price_subtotal_incl": line.price_total,
                "sale_order_origin_id": order.id, "sale_order_line_id": line.id,
            }) for line in order.order_line],
        })
        pos_order._create_order_picking()
        self.assertFalse(self.env["stock.move"].search([("id", "not in", moves_before.ids)]))
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(sorted(delivery.move_ids.mapped("product_uom_qty")), [1.0, 1.0])

    # ------------------------------------------------------------------ pick list and label

    def test_pick_list_and_address_label(self):
        order = self._order("ship", method="transfer")
        Report = self.env["ir.actions.report"].with_user(self.cashier)
        pick_list = "click_collect.action_report_cc_pick_list"
        label = "click_collect.action_report_cc_address_label"
        html = str(Report._render_qweb_html(pick_list, order.ids)[0])
        for text in (order.name, "CC Test Shoe", "2000000000015", "CC Test Bag", self.store_a.name,
                     "data:image/png;base64"):
            self.assertIn(text, html)
        html = str(Report._render_qweb_html(label, order.ids)[0])
        for text in (order.name, self.customer.name, "Main Street 1", "data:image/png;base64"):
            self.assertIn(text, html)
        self.assertNotIn("CC Test Shoe", html)
        for report in (pick_list, label):
            pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(report, order.ids)
            self.assertEqual(kind, "pdf")
            self.assertTrue(pdf.startswith(b"%PDF"))
        # another store's order is not printed for this cashier
        with self.assertRaises(AccessError):
            Report._render_qweb_html(pick_list, self._order(store=self.store_b).ids)

    # ------------------------------------------------------------------ bounded loading

    def _copies(self, order, count):
        """``count`` copies of a web order's row, numbered apart (faster than the ORM)."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT column_name FROM information_schema.columns
             WHERE table_name = 'sale_order' AND column_name NOT IN ('id', 'name', 'access_token')
        """)
        columns = ", ".join(f'"{name}"' for (name,) in self.env.cr.fetchall())
        self.env.cr.execute(f"""
            INSERT INTO sale_order (name, {columns})
            SELECT so.name || '-' || n, {", ".join(f"so.{c}" for c in columns.split(", "))}
              FROM sale_order so, generate_series(1, %s) n
             WHERE so.id = %s
        """, [count, order.id])
        self.env.invalidate_all()

    def test_loading_the_pos_does_not_grow_with_other_stores_orders(self):
        """Loading the point of sale, its badge and its list cost the same queries with 1,000
        web orders waiting in other stores."""
        self._order(store=self.store_a)
        with self.with_new_session(user=self.cashier) as opened:
            session = opened.with_user(self.cashier)
            pos = self._pos()

            calls = {
                "load": lambda: session.load_data([]),
                "list": pos.cc_web_orders,
                "counts": pos.cc_web_order_counts,
            }

            def measure():
                queries = {}
                for name, call in calls.items():
                    call()  # warm the caches as a running server has them
                    self.env.flush_all()
                    self.env.invalidate_all()
                    start = self.cr.sql_log_count
                    call()
                    queries[name] = self.cr.sql_log_count - start
                return queries

            measure()  # once for the caches of the whole sequence
            before = measure()
            for store in (self.store_b, self.central):
                self._copies(self._order(store=store), 499)
            self.assertEqual(self.env["sale.order"].search_count(
                [("cc_store_id", "in", (self.store_b | self.central).ids), ("cc_state", "=", "new")]), 1000)
            after = measure()
            self.assertEqual(after, before)
            # with 1,000 web orders waiting in another store: what it cost without them
            bounds = {"load": before["load"], "list": POS_LIST_QUERIES, "counts": POS_COUNTS_QUERIES}
            for name, call in calls.items():
                self.env.invalidate_all()
                with self.assertQueryCount(bounds[name]):
                    call()
            data = session.load_data([])
            config = data["pos.config"][0]
            counts = config["_cc_pending_counts"]
            self.assertEqual(sum(counts[state] for state in config["_cc_pending_states"]), 1)
            self.assertEqual(counts["late"], 0)
            self.assertEqual(len(self._pos().cc_web_orders()["orders"]), 1)

    # ------------------------------------------------------------------ Chromium tours

    def test_tour_badge_counts_a_new_order_live(self):
        """A web shop sends a new order through the web-shop API while the POS is open: the
        badge counts it without a reload."""
        if not self.env["ir.module.module"].search_count([("name", "=", "click_collect_api"),
                                                          ("state", "=", "installed")]):
            self.skipTest("the web shop sends its order through click_collect_api, not installed")
        for name in ("CCPOS-1", "CCPOS-2"):
            self._order(store=self.store_a).name = name
        self._order(store=self.store_b).name = "CCPOS-OTHER"
        # CCPOS-2 arrived two hours ago and is still not accepted: late
        late = self.env["sale.order"].search([("name", "=", "CCPOS-2")])
        late.sudo().write({"cc_state_date": fields.Datetime.now() - timedelta(hours=2),
                           "cc_due_date": fields.Datetime.now() - timedelta(hours=1)})
        # The web shop of CCPOS-1 sends a new order for store A once it sees CCPOS-1 accepted
        # (the tour accepts it): a real HTTP client of the API, beside the browser.
        shop_user = new_test_user(self.env, "cc_test_pos_shop_api", groups="click_collect_api.group_web_shop_api")
        shop = self.env["click_collect.web.shop"].create({
            "name": "POS Test Shop", "code": "POSTS", "user_id": shop_user.id,
            "default_store_id": self.store_a.id, "pricelist_id": self.pricelist.id,
        })
        self.env["sale.order"].search([("name", "=", "CCPOS-1")]).sudo().cc_web_shop_id = shop
        key = self.env["res.users.apikeys"].with_user(shop_user)._generate(
            None, "test", fields.Datetime.now() + timedelta(days=1))
        body = {
            "external_ref": "CC-LIVE", "fulfilment": "pickup", "store": self.store_a.code,
            "customer": {"name": "Live Customer", "email": "live@example.com"},
            "payment": {"method": "pay_at_store", "paid": False},
            "lines": [{"variant_id": self.product_1.id, "qty": 1}],
        }
        answers, stop = [], threading.Event()
        thread = threading.Thread(target=self._web_shop_sends_when_accepted,
                                  args=("CCPOS-1", body, key, answers, stop), daemon=True)
        thread.start()
        try:
            self.start_pos_tour("click_collect_pos_badge", login=self.cashier.login, pos_config=self.pos_config)
        finally:
            stop.set()
            thread.join(30)
        self.assertEqual(answers, [201])
        live = self.env["sale.order"].search([("cc_external_ref", "=", "CC-LIVE")])
        self.assertRecordValues(live, [{"cc_state": "new", "cc_store_id": self.store_a.id}])

    def _web_shop_sends_when_accepted(self, order_no, body, key, answers, stop):
        """The web shop: polls its order ``order_no`` over the API and, once it is accepted,
        sends a new order. Only the test's own requests reach the test server (its cookie)."""
        url = f"{self.base_url()}{API_PREFIX}/orders"
        headers = {"Authorization": f"Bearer {key}"}
        while not stop.wait(0.2):
            cookies = {TEST_CURSOR_COOKIE_NAME: self.http_request_key}
            status = requests.get(f"{url}/{order_no}", headers=headers, cookies=cookies, timeout=30)
            if status.ok and status.json()["status"] == "accepted":
                answers.append(requests.post(url, json=body, headers=headers, cookies=cookies, timeout=60).status_code)
                return

    def test_tour_accept_prepare_ready_hand_over(self):
        """The flow from the POS, with a refusal of the server in a dialog (an order another
        cashier moved meanwhile), the pick list and the label printed, the pickup code asked."""
        order = self._order(method="transfer")
        self._pay(order, method="transfer")
        order.name = "CCPOS-FLOW"
        order.sudo().cc_pickup_code = "246810"
        race = self._order(method="pay_at_store")
        race.name = "CCPOS-RACE"
        self.start_pos_tour("click_collect_pos_flow", login=self.cashier.login, pos_config=self.pos_config)
        self.assertEqual(race.cc_state, "accepted")
        self.assertEqual(race.cc_event_ids.filtered(lambda e: e.to_state == "accepted").channel, "backoffice")
        self.assertEqual(order.cc_state, "collected")
        self.assertEqual(order.cc_shelf, "D4", "the shelf the cashier typed when it became ready")
        events = order.cc_event_ids.filtered(lambda e: e.channel == "pos")
        self.assertEqual(events.filtered(lambda e: not e.refused).sorted("id").mapped("to_state"),
                         ["accepted", "preparing", "ready", "collected"])
        self.assertEqual(len(events.filtered("refused")), 1)
        self.assertEqual(events.pos_config_id, self.pos_config)

    def test_tour_locked_then_the_customers_qr_code(self):
        """A store manager at the counter: the order locked by wrong codes offers nothing but the
        unlock; then one scan of the customer's QR code finds it and gives its code."""
        order = self._ready(method="transfer")
        order.name = "CCPOS-LOCK"
        for _try in range(5):
            order.action_cc_hand_over("999999", self.pos_config.id)
        self.assertTrue(order.cc_pickup_locked)
        self.cashier.group_ids = [Command.link(self.env.ref("click_collect.group_store_manager").id)]
        self.start_pos_tour("click_collect_pos_locked", login=self.cashier.login, pos_config=self.pos_config)
        self.assertEqual(order.cc_state, "collected")
        self.assertEqual(order.cc_event_ids.filtered("unlocked").user_id, self.cashier)

    def test_tour_pay_at_the_counter(self):
        order = self._ready(method="pay_at_store", code="135790")
        order.name = "CCPOS-PAY"
        delivery = order._cc_store_deliveries()
        self.assertEqual(delivery.state, "assigned")
        shoes, bags = self._quant(self.product_1), self._quant(self.product_2)
        moves_before = self.env["stock.move"].search([("product_id", "in", (self.product_1 | self.product_2).ids)])

        self.start_pos_tour("click_collect_pos_pay", login=self.cashier.login, pos_config=self.pos_config)

        # the payment: a real POS order linked to the web order, paid with the POS's method
        pos_order = self.env["pos.order"].search([("lines.sale_order_origin_id", "=", order.id)])
        self.assertEqual(len(pos_order), 1)
        self.assertIn(pos_order.state, ("paid", "done"))
        self.assertEqual(pos_order.amount_total, 80.0)
        self.assertEqual(pos_order.lines.sale_order_line_id, order.order_line)
        self.assertEqual(pos_order.payment_ids.payment_method_id, self.bank_payment_method)
        self.assertEqual(pos_order.payment_ids.amount, 80.0)
        # it counts as the web order's payment, registered by the cashier, booked once (by the
        # POS session): the transaction has no accounting payment of its own
        tx = order.transaction_ids.filtered(lambda t: t.cc_pos_order_id == pos_order)
        self.assertEqual((tx.state, tx.amount, tx.cc_registered_by_id), ("done", 80.0, self.cashier))
        self.assertFalse(tx.payment_id)
        self.assertEqual(order.cc_payment_state, "paid")
        self.assertEqual(order.amount_unpaid, 0.0)
        # the goods left once, through the web order's own delivery, validated at hand-over
        self.assertEqual(order.cc_state, "collected")
        self.assertFalse(pos_order.picking_ids)
        self.assertEqual(delivery.state, "done")
        new_moves = self.env["stock.move"].search([
            ("product_id", "in", (self.product_1 | self.product_2).ids), ("id", "not in", moves_before.ids),
        ])
        self.assertFalse(new_moves, "the POS order moved no goods")
        done = delivery.move_ids.filtered(lambda m: m.state == "done")
        self.assertEqual(sorted(done.mapped("quantity")), [1.0, 1.0])
        self.assertEqual(self._quant(self.product_1), shoes)  # reserved goods left: free stock unchanged
        self.assertEqual(self._quant(self.product_2), bags)
        on_hand = self.env["stock.quant"].search([
            ("product_id", "=", self.product_1.id), ("location_id", "child_of", self.store_a.lot_stock_id.id),
        ])
        self.assertEqual(sum(on_hand.mapped("quantity")), 99.0)
        self.assertEqual(order.order_line.mapped("qty_delivered"), [1.0, 1.0])
