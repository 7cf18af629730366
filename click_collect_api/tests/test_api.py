import json
from unittest.mock import patch

from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE
from odoo.tests import mute_logger, new_test_user, tagged

from odoo.addons.click_collect_api.models.sale_order import SaleOrder
from odoo.addons.click_collect_api.tools.api_contract import STATUS_CODES

from .common_api import ClickCollectApiCommon


@tagged("post_install", "-at_install")
class TestApiAuth(ClickCollectApiCommon):

    def test_no_key_or_a_wrong_key_is_401(self):
        for key in (False, "not-a-key", self.key[:-2] + "00"):
            with self.subTest(key=key):
                response = self._call("GET", "/orders", key=key)
                self.assertApiError(response, 401, "unauthorized")
                self.assertIn("Bearer", response.headers["WWW-Authenticate"])

    def test_key_of_a_user_without_web_shop_is_403(self):
        user = new_test_user(self.env, "cc_test_no_shop", groups="base.group_user")
        self.assertApiError(self._call("GET", "/orders", key=self._api_key(user)), 403, "no_web_shop")

    def test_archived_web_shop_is_403(self):
        self.shop.active = False
        self.assertApiError(self._call("GET", "/orders"), 403, "no_web_shop")

    def test_openapi_is_public_and_describes_every_route(self):
        response = self._call("GET", "/openapi.json", key=False)
        self.assertEqual(response.status_code, 200)
        doc = response.json()
        self.assertEqual(doc["openapi"], "3.1.0")
        self.assertEqual(set(doc["paths"]), {
            "/orders", "/orders/{order_no}", "/orders/{order_no}/cancel", "/orders/{order_no}/payments",
            "/orders/{order_no}/returns", "/orders/{order_no}/returns/{return_no}/label",
            "/openapi.json",
        })
        self.assertEqual(set(doc["paths"]["/orders"]), {"get", "post"})
        for code in ("order_not_found", "invalid_transition", "idempotency_conflict", "unknown_variant",
                     "ambiguous_ean", "unknown_store", "invalid_quantity", "invalid_payment_method"):
            self.assertIn(code, doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
                          ["code"]["enum"])

    def test_wrong_method_and_unknown_route_are_json(self):
        self.assertApiError(self._call("DELETE", "/orders"), 405, "method_not_allowed")
        self.assertApiError(self._call("PUT", "/orders/S0001/cancel"), 405, "method_not_allowed")
        self.assertApiError(self._call("GET", "/nothing/here"), 404, "not_found")

    def test_no_traceback_reaches_the_client(self):
        order = self._shop_order()
        with patch.object(SaleOrder, "_cc_api_describe", side_effect=ZeroDivisionError("boom")), \
                mute_logger("odoo.addons.click_collect_api.models.ir_http", "odoo.http"):
            response = self._call("GET", f"/orders/{order.name}")
        error = self.assertApiError(response, 500, "internal_error")
        self.assertNotIn("boom", error["message"])


@tagged("post_install", "-at_install")
class TestApiCreate(ClickCollectApiCommon):

    def test_create_by_variant_id_and_ean(self):
        body = self._create()
        order = self._db_order(body["order_no"])
        self.assertEqual(order.state, "sale", "the order is confirmed")
        self.assertEqual((order.cc_state, order.cc_fulfilment, order.cc_store_id), ("new", "pickup", self.store_a))
        self.assertEqual((order.cc_web_shop_id, order.team_id, order.pricelist_id),
                         (self.shop, self.team, self.pricelist))
        self.assertEqual(order.cc_external_ref, "WEB-1")
        # confirmed without reserving (orders of the same goods are created side by side); the
        # scheduled job reserves them once the order is committed
        self.assertTrue(order.cc_reservation_pending)
        self.assertEqual(set(order.picking_ids.move_ids.mapped("state")), {"confirmed"})
        self.assertTrue(self.env["ir.cron.trigger"].search([
            ("cron_id", "=", self.env.ref("click_collect.ir_cron_reserve_web_orders").id)]))
        self.env["sale.order"]._cc_cron_reserve()
        self.assertFalse(order.cc_reservation_pending)
        self.assertEqual(set(order.picking_ids.move_ids.mapped("state")), {"assigned"})
        self.assertEqual(order.order_line.product_id, self.product_1 | self.product_2)
        self.assertEqual(order.cc_event_ids.channel, "api")
        self.assertEqual(order.cc_event_ids.user_id, self.shop_user)
        self.assertIn("<p>Note from the web shop: Leave it at the counter</p>", order.message_ids.mapped("body"))
        self.assertEqual(body["status"], "new")
        self.assertEqual(body["status_code"], STATUS_CODES["new"])
        self.assertEqual(body["store"], self.store_a.code)
        self.assertEqual(body["external_ref"], "WEB-1")
        self.assertEqual(body["currency"], order.currency_id.name)
        self.assertEqual(body["amount_total"], order.amount_total)
        self.assertFalse(body["paid"])
        self.assertEqual(
            [(line["variant_id"], line["ean"], line["qty"]) for line in body["lines"]],
            [(self.product_1.id, "2000000000015", 2), (self.product_2.id, "2000000000022", 1)],
        )
        self.assertEqual([(t["status"], t["store"]) for t in body["timeline"]], [("new", self.store_a.code)])
        self.assertTrue(body["updated_at"].endswith("Z"))
        partner = order.partner_id
        self.assertEqual((partner.email, partner.city, partner.country_id.code),
                         ("api.customer@example.com", "Brussels", "BE"))

    def test_customer_matched_by_email(self):
        first = self._db_order(self._create()["order_no"])
        same = self._db_order(self._create(external_ref="WEB-2")["order_no"])
        self.assertEqual(same.partner_id, first.partner_id)
        self.assertEqual(same.partner_shipping_id, first.partner_id)
        moved = self._db_order(self._create(external_ref="WEB-3", customer={
            "name": "Api Customer", "email": "API.Customer@example.com", "street": "New Street 9",
            "city": "Ghent", "zip": "9000", "country_code": "be",
        })["order_no"])
        self.assertEqual(moved.partner_id, first.partner_id)
        self.assertEqual(moved.partner_shipping_id.parent_id, first.partner_id)
        self.assertEqual(moved.partner_shipping_id.city, "Ghent")

    def test_store_defaults_to_the_web_shop_store(self):
        body = self._order_body()
        del body["store"]
        response = self._call("POST", "/orders", body)
        self.assertEqual(response.json()["store"], self.store_a.code)

    def test_online_paid_order_is_a_real_payment(self):
        body = self._create(fulfilment="ship", store=self.central.code,
                            payment={"method": "online", "paid": True, "reference": "PSP-778899"})
        order = self._db_order(body["order_no"])
        self.assertTrue(body["paid"])
        tx = order.transaction_ids
        self.assertEqual((tx.state, tx.provider_reference, tx.amount), ("done", "PSP-778899", order.amount_total))
        self.assertEqual(tx.provider_id, self.env.ref("click_collect_api.payment_provider_web_shop"))
        self.assertTrue(tx.payment_id, "Odoo posted an account.payment for it")
        self.assertEqual(order.cc_payment_method, "online")
        order._cc_transition("accepted")

    def test_transfer_waits_for_its_payment(self):
        body = self._create(payment={"method": "transfer", "paid": False})
        order = self._db_order(body["order_no"])
        with self.assertRaisesRegex(Exception, "Bank transfer"):
            order._cc_transition("accepted")
        response = self._call("POST", f"/orders/{body['order_no']}/payments",
                              {"amount": order.amount_total, "reference": "BANK-2025-001", "method": "transfer"})
        self.assertEqual(response.status_code, 201, response.text)
        self.assertTrue(response.json()["paid"])
        self.assertEqual(order.transaction_ids.provider_reference, "BANK-2025-001")
        order._cc_transition("accepted")

    def test_refusals_create_nothing(self):
        Product = self.env["product.product"]
        twin = Product.create({"name": "CC Twin", "type": "consu", "barcode": "2000000000039"})
        Product.create({"name": "CC Twin 2", "type": "consu", "barcode": "2000000000046"})
        self.store_b.cc_does_ship = False
        # an EAN held by two products (imported data: Odoo's own check was bypassed)
        self.env.flush_all()
        self.env.cr.execute("UPDATE product_product SET barcode = %s WHERE barcode = %s",
                            [twin.barcode, "2000000000046"])
        new_customer = dict(self._order_body()["customer"], email="brand.new@example.com")

        def b(**overrides):
            return self._order_body(**{"customer": new_customer, **overrides})

        unknown = {"variant_id": 999999999, "qty": 1}
        cases = [
            (400, "malformed_json", "{not json", None),
            (400, "malformed_json", "[1, 2]", None),
            (400, "missing_field", None, b(lines=None)),
            (400, "missing_field", None, b(customer={"name": "No Mail"})),
            (400, "invalid_field", None, b(fulfilment="drone")),
            (400, "invalid_field", None, b(lines=[{"variant_id": "12", "qty": 1}])),
            (400, "invalid_field", None, b(external_ref="a\x00b")),
            (422, "unknown_variant", None, b(lines=[{"variant_id": self.product_1.id, "qty": 1}, unknown])),
            (422, "unknown_variant", None, b(lines=[{"variant_id": 2**40, "qty": 1}])),
            (422, "unknown_variant", None, b(lines=[{"ean": "0000000000000", "qty": 1}])),
            (422, "ambiguous_ean", None, b(lines=[{"ean": twin.barcode, "qty": 1}])),
            (422, "unknown_store", None, b(store="NOPE")),
            (422, "fulfilment_not_offered", None, b(
                store=self.store_b.code, fulfilment="ship", payment={"method": "transfer"})),
            (422, "unknown_country", None, b(customer={
                "name": "X", "email": "x@example.com", "country_code": "XX"})),
            (422, "invalid_quantity", None, b(lines=[{"variant_id": self.product_1.id, "qty": 0}])),
            (422, "invalid_quantity", None, b(lines=[{"ean": self.product_2.barcode, "qty": -2}])),
            (422, "invalid_payment_method", None, b(payment={"method": "cod"})),
            (422, "invalid_payment_method", None, b(
                fulfilment="ship", payment={"method": "pay_at_store"})),
            (422, "invalid_payment_method", None, b(
                fulfilment="ship", payment={"method": "cod", "paid": True, "reference": "X"})),
        ]
        before = self._counts()
        for status, code, raw, body in cases:
            with self.subTest(code=code, body=body or raw):
                self.assertApiError(self._call("POST", "/orders", body, raw=raw), status, code)
        self.assertEqual(self._counts(), before)
        self.assertFalse(self.env["res.partner"].search([("email", "=", "brand.new@example.com")]))

    def test_a_failure_after_creation_leaves_nothing(self):
        """The order and the customer are created, then the payment fails: all is undone."""
        before = self._counts()
        with patch.object(SaleOrder, "_cc_api_register_online_payment", side_effect=RuntimeError("PSP down")), \
                mute_logger("odoo.addons.click_collect_api.models.ir_http", "odoo.http"):
            response = self._call("POST", "/orders", self._order_body(
                fulfilment="ship", store=self.central.code,
                payment={"method": "online", "paid": True, "reference": "PSP-1"}))
        self.assertApiError(response, 500, "internal_error")
        self.assertEqual(self._counts(), before)

    def test_create_outlasts_more_concurrent_changes_than_one_round_of_retries(self):
        """A flash sale: more conflicts in a row than the request's own five tries; the order
        is still created, once."""
        before = self._counts()
        with self._concurrent_changes("_create_order", MAX_TRIES_ON_CONCURRENCY_FAILURE + 1) as calls:
            response = self._call("POST", "/orders", self._order_body(), headers={"Idempotency-Key": "FLASH-1"})
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(len(calls), MAX_TRIES_ON_CONCURRENCY_FAILURE + 2)
        after = self._counts()
        self.assertEqual(after["sale.order"], before["sale.order"] + 1)
        self.assertEqual(after["click_collect.api.request"], before["click_collect.api.request"] + 1)
        self.assertEqual(self._db_order(response.json()["order_no"]).cc_external_ref, "WEB-1")

    def test_create_that_never_gets_through_is_busy_and_changes_nothing(self):
        before = self._counts()
        with self._concurrent_changes("_create_order", 10**6) as calls:
            response = self._call("POST", "/orders", self._order_body(), headers={"Idempotency-Key": "FLASH-2"})
        self.assertApiError(response, 503, "busy")
        self.assertEqual(response.headers["Retry-After"], "5")
        # a round of retries for the change, inside each try of the request
        self.assertEqual(len(calls), MAX_TRIES_ON_CONCURRENCY_FAILURE ** 2)
        self.assertEqual(self._counts(), before)
        # sent again once the rush is over: created, and the key was not spent by the failures
        self.assertEqual(self._call("POST", "/orders", self._order_body(),
                                    headers={"Idempotency-Key": "FLASH-2"}).status_code, 201)

    def test_duplicate_external_ref(self):
        self._create()
        self.assertApiError(self._call("POST", "/orders", self._order_body()), 409, "duplicate_external_ref")
        # another web shop may use the same reference
        response = self._call("POST", "/orders", self._order_body(store=self.store_b.code), key=self.other_key)
        self.assertEqual(response.status_code, 201, response.text)

    def test_idempotency_key(self):
        headers = {"Idempotency-Key": "create-WEB-1"}
        first = self._call("POST", "/orders", self._order_body(), headers=headers)
        self.assertEqual(first.status_code, 201)
        before = self._counts()
        again = self._call("POST", "/orders", self._order_body(), headers=headers)
        self.assertEqual(again.status_code, 201)
        self.assertEqual(again.json(), first.json())
        self.assertEqual(again.headers["Idempotent-Replayed"], "true")
        self.assertEqual(self._counts(), before, "the same key and body create nothing")
        other = self._call("POST", "/orders", self._order_body(external_ref="WEB-9"), headers=headers)
        self.assertApiError(other, 409, "idempotency_conflict")
        # the key is the web shop's own: another shop may use it
        mine = self._call("POST", "/orders", self._order_body(store=self.store_b.code), key=self.other_key,
                          headers=headers)
        self.assertEqual(mine.status_code, 201)
        self.assertNotEqual(mine.json()["order_no"], first.json()["order_no"])
        self.assertApiError(self._call("POST", "/orders", self._order_body(), headers={"Idempotency-Key": "k" * 256}),
                            400, "invalid_parameter")

    def test_refused_request_does_not_burn_its_idempotency_key(self):
        headers = {"Idempotency-Key": "retry-me"}
        self.assertApiError(self._call("POST", "/orders", self._order_body(store="NOPE"), headers=headers),
                            422, "unknown_store")
        response = self._call("POST", "/orders", self._order_body(), headers=headers)
        self.assertEqual(response.status_code, 201, response.text)


@tagged("post_install", "-at_install")
class TestApiFollow(ClickCollectApiCommon):

    def test_get_own_order_and_404_for_others(self):
        mine, theirs = self._shop_order(), self._shop_order(shop=self.other_shop, store=self.store_b)
        response = self._call("GET", f"/orders/{mine.name}")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["order_no"], mine.name)
        for name in (theirs.name, "S99999999", self._order().name):
            with self.subTest(name=name):
                self.assertApiError(self._call("GET", f"/orders/{name}"), 404, "order_not_found",
                                    "Order could not be found")

    def test_list_filters_and_pages(self):
        orders = [self._shop_order() for _i in range(3)]
        orders[0]._cc_transition("accepted")
        self._shop_order(shop=self.other_shop, store=self.store_b)

        def listed(**params):
            response = self._call("GET", "/orders", params=params)
            self.assertEqual(response.status_code, 200, response.text)
            return response.json()

        for everything in ("all", "All", "0", None):
            with self.subTest(status=everything):
                page = listed(status=everything) if everything else listed()
                self.assertEqual(page["total"], 3)
                self.assertEqual({o["order_no"] for o in page["orders"]}, {o.name for o in orders})
        for status in ("new", str(STATUS_CODES["new"])):
            with self.subTest(status=status):
                page = listed(status=status)
                self.assertEqual({o["order_no"] for o in page["orders"]}, {orders[1].name, orders[2].name})
                self.assertEqual({o["status"] for o in page["orders"]}, {"new"})
        self.assertEqual([o["order_no"] for o in listed(status="2")["orders"]], [orders[0].name])
        page = listed(limit=2, offset=0)
        self.assertEqual((len(page["orders"]), page["total"], page["limit"], page["offset"]), (2, 3, 2, 0))
        rest = listed(limit=2, offset=2)
        self.assertEqual((len(rest["orders"]), rest["total"]), (1, 3))
        self.assertEqual(len({o["order_no"] for o in page["orders"] + rest["orders"]}), 3)
        self.assertEqual(listed(updated_since="2999-01-01T00:00:00Z")["orders"], [])
        self.assertEqual(listed(updated_since="2000-01-01T00:00:00+02:00")["total"], 3)
        for params in ({"status": "lost"}, {"status": "99"}, {"limit": "0"}, {"limit": "abc"},
                       {"offset": "-1"}, {"updated_since": "yesterday"}):
            with self.subTest(params=params):
                self.assertApiError(self._call("GET", "/orders", params=params), 400, "invalid_parameter")

    def test_cancel(self):
        order = self._shop_order()
        response = self._call("POST", f"/orders/{order.name}/cancel", {"reason": "Customer changed their mind"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual((response.json()["status"], response.json()["status_code"]), ("cancelled", 14))
        self.assertEqual(order.state, "cancel")
        event = order.cc_event_ids.filtered(lambda e: e.to_state == "cancelled")
        self.assertEqual((event.channel, event.user_id, event.note),
                         ("api", self.shop_user, "Customer changed their mind"))
        self.assertApiError(self._call("POST", f"/orders/{order.name}/cancel"), 409, "invalid_transition")

    def test_refused_hand_overs_are_no_step_of_the_web_shops_timeline(self):
        """Replays two wrong pickup codes at the counter before the right one: the web shop read
        "collected" three times on the order's timeline, the first at a refused try. Refused
        attempts stay on the back office's timeline only; the API and the webhooks show one
        hand-over, the real one."""
        self.store_a.cc_require_pickup_code = True
        order = self._shop_order()
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        self._pay(order)
        order.sudo().cc_pickup_code = "246810"
        for wrong in ("111111", ""):
            self.assertFalse(order.action_cc_hand_over(pickup_code=wrong)["ok"])
        self.assertEqual(order.cc_state, "ready")
        self.assertEqual(len(order.cc_event_ids.filtered("refused")), 2, "kept on the back office's timeline")
        described = self._call("GET", f"/orders/{order.name}").json()
        self.assertEqual([step["status"] for step in described["timeline"]], ["new", "accepted", "preparing", "ready"])
        self.assertTrue(order.action_cc_hand_over(pickup_code="246810")["ok"])
        described = self._call("GET", f"/orders/{order.name}").json()
        self.assertEqual([step["status"] for step in described["timeline"]],
                         ["new", "accepted", "preparing", "ready", "collected"])
        listed = self._call("GET", "/orders", params={"status": "collected"}).json()["orders"]
        self.assertEqual([step["status"] for step in listed[0]["timeline"]].count("collected"), 1)
        deliveries = self.env["click_collect.webhook.delivery"].search([("order_id", "=", order.id)])
        self.assertEqual([json.loads(d.payload)["status"] for d in deliveries.sorted("id")],
                         ["accepted", "preparing", "ready", "collected"])
        # a refused attempt handed to the webhooks (by any path) is not posted either
        refusal = order.cc_event_ids.filtered("refused")[:1]
        self.assertFalse(self.env["click_collect.webhook.delivery"]._enqueue(refusal))

    def test_unlocks_and_notes_are_no_step_of_the_web_shops_timeline(self):
        """A hand-over locked by wrong codes and unlocked by a store manager, and a reminder
        noted on the timeline, leave the order ready: the web shop reads "ready" once."""
        self.store_a.cc_require_pickup_code = True
        order = self._shop_order()
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        self._pay(order)
        for _attempt in range(5):
            order.action_cc_hand_over(pickup_code="000000" if order.sudo().cc_pickup_code != "000000" else "1")
        order._cc_unlock_pickup_code(channel="backoffice")
        order._cc_log_timeline_note("Pickup reminder sent.", channel="cron")
        self.assertEqual(len(order.cc_event_ids.filtered("unlocked")), 1)
        described = self._call("GET", f"/orders/{order.name}").json()
        self.assertEqual([step["status"] for step in described["timeline"]], ["new", "accepted", "preparing", "ready"])
        deliveries = self.env["click_collect.webhook.delivery"].search([("order_id", "=", order.id)])
        self.assertEqual([json.loads(d.payload)["status"] for d in deliveries.sorted("id")],
                         ["accepted", "preparing", "ready"])

    def test_cancel_and_payment_outlast_more_concurrent_changes_than_one_round_of_retries(self):
        order = self._shop_order("pickup", method="transfer")
        with self._concurrent_changes("_register_payment", MAX_TRIES_ON_CONCURRENCY_FAILURE + 1) as calls:
            response = self._call("POST", f"/orders/{order.name}/payments", {"amount": order.amount_total,
                                                                             "reference": "BANK-7"})
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(len(calls), MAX_TRIES_ON_CONCURRENCY_FAILURE + 2)
        self.assertEqual(len(order.transaction_ids), 1, "paid once, whatever the tries")
        with self._concurrent_changes("_cancel_order", MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
            response = self._call("POST", f"/orders/{order.name}/cancel")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual((order.state, order.cc_state), ("cancel", "cancelled"))
        with self._concurrent_changes("_cancel_order", 10**6):
            self.assertApiError(self._call("POST", f"/orders/{self._shop_order().name}/cancel"), 503, "busy")

    def test_cancel_refused_once_shipped(self):
        order = self._shop_order("ship", store=self.central, method="cod")
        order.write({"carrier_id": self.carrier.id, "cc_tracking_ref": "TRK1"})
        for target in ("accepted", "preparing", "shipped"):
            order._cc_transition(target)
        self.assertApiError(self._call("POST", f"/orders/{order.name}/cancel"), 409, "invalid_transition")
        self.assertEqual(order.cc_state, "shipped")
        body = self._call("GET", f"/orders/{order.name}").json()
        self.assertEqual((body["carrier"], body["tracking_ref"]), (self.carrier.name, "TRK1"))
        self.assertEqual([t["status"] for t in body["timeline"]], ["new", "accepted", "preparing", "shipped"])

    def test_cancel_and_payments_of_another_shop_are_404(self):
        theirs = self._shop_order(shop=self.other_shop, store=self.store_b)
        self.assertApiError(self._call("POST", f"/orders/{theirs.name}/cancel"), 404, "order_not_found")
        self.assertApiError(self._call("POST", f"/orders/{theirs.name}/payments",
                                       {"amount": 10, "reference": "X"}), 404, "order_not_found")
        self.assertEqual(theirs.cc_state, "new")
        self.assertFalse(theirs.transaction_ids)

    def test_payment_refusals(self):
        order = self._shop_order(method="transfer")
        path = f"/orders/{order.name}/payments"
        self.assertApiError(self._call("POST", path, {"amount": 0, "reference": "B"}), 422, "invalid_amount")
        self.assertApiError(self._call("POST", path, {"amount": "10", "reference": "B"}), 400, "invalid_field")
        self.assertApiError(self._call("POST", path, {"amount": 10}), 400, "missing_field")
        self.assertApiError(self._call("POST", path, {"amount": 10, "reference": "B", "method": "online"}),
                            422, "invalid_payment_method")
        self.assertFalse(order.transaction_ids)
        order._cc_transition("cancelled")
        self.assertApiError(self._call("POST", path, {"amount": 10, "reference": "B"}), 409, "order_closed")
