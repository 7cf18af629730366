import json
import time
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.click_collect.models.delivery_carrier import DELIVERY_STATES, FLOW_TARGETS
from odoo.addons.click_collect.tests.common_http import chunk, post_part_of_a_body

from .common import CouriersCommon

# Polling delivered prepaid shipments: at most these queries in all (16 measured for 2 and for
# 6 shipments: a batch costs the same whatever its size), and per further shipment.
POLL_QUERIES = {2: 20, 6: 20}
POLL_QUERIES_PER_SHIPMENT = 1
# a polling run over shipments whose status did not change, whatever their number
UNCHANGED_POLL_QUERIES = 4


@tagged("post_install", "-at_install")
class TestCouriers(CouriersCommon):
    """Both connectors against real HTTP and SOAP servers on 127.0.0.1."""

    # ------------------------------------------------------------------ shipping

    def test_ghn_ships_with_label_and_cod(self):
        order = self._preparing("cod")
        creates = len(self._creates(self.ghn_server, "/shipping-order/create"))
        picking = self._ship(order, self.ghn)
        self.assertEqual(len(self._creates(self.ghn_server, "/shipping-order/create")), creates + 1)
        self.assertEqual(order.cc_state, "shipped")
        self.assertEqual(picking.state, "done")
        self.assertTrue(picking.carrier_tracking_ref.startswith("GHN"))
        self.assertEqual(order.cc_tracking_ref, picking.carrier_tracking_ref)
        created = json.loads(self._creates(self.ghn_server, "/shipping-order/create")[-1][2])
        self.assertGreater(created["cod_amount"], 0, "the amount to collect is sent to the courier")
        self.assertEqual(created["to_name"], self.customer.name)
        self.assertEqual(created["weight"], 800)
        labels = picking._cc_labels()
        self.assertEqual(labels.mimetype, "application/pdf")
        self.assertTrue(labels.raw.startswith(b"%PDF"))
        self.assertEqual(self.ghn.get_tracking_link(picking),
                         f"https://donhang.ghn.vn/?order_code={picking.carrier_tracking_ref}")
        # printing again never creates a second shipment
        action = order.action_cc_print_label()
        self.assertIn(f"/web/content/{labels.id}", action["url"])
        self.assertEqual(len(self._creates(self.ghn_server, "/shipping-order/create")), creates + 1)

    def test_dhl_ships_with_zpl_label_and_cancels(self):
        order = self._preparing("online")
        picking = self._ship(order, self.dhl)
        waybill = picking.carrier_tracking_ref
        self.assertIn(waybill, self.dhl_server.shipments)
        label = picking._cc_labels()
        self.assertEqual(label.name, f"DHL-{waybill}.zpl")
        self.assertTrue(label.raw.startswith(b"^XA"))
        self.assertIn("AWB=" + waybill, self.dhl.get_tracking_link(picking))
        picking.cancel_shipment()
        self.assertEqual(self.dhl_server.shipments[waybill]["events"][-1], "CA")
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertEqual((picking.delivery_state, picking.cc_delivery_state), ("canceled_shipment",) * 2)

    def test_cod_only_with_a_courier_that_collects_it(self):
        order = self._preparing("cod")
        with self.assertRaises(UserError) as refusal:
            self._ship(order, self.dhl)
        self.assertIn("does not collect cash on delivery", str(refusal.exception))
        self.assertEqual(order.cc_state, "preparing")
        self.assertFalse(self.dhl_server.shipments)

    # ------------------------------------------------------------------ faults

    def test_courier_faults_are_clear_and_change_nothing(self):
        order = self._preparing("cod")
        for mode, times, expected in (
            ("5xx", 2, "GHN failed (HTTP 502)"),
            ("garbage", 1, "not JSON"),
            ("timeout", 2, "could not be reached"),
        ):
            with self.subTest(mode=mode):
                self.ghn_server.fail(mode, times, delay=3)
                with self.assertRaises(UserError) as refusal:
                    self._ship(order, self.ghn)
                self.assertIn(expected, str(refusal.exception))
                self.assertEqual(order.cc_state, "preparing")
                self.assertFalse(order.cc_tracking_ref)
        self.ghn.ghn_token = "wrong"
        with self.assertRaises(UserError) as refusal:
            self._ship(order, self.ghn)
        self.assertIn("Token is not valid", str(refusal.exception))
        self.ghn.ghn_token = "ghn-test-token"
        self.ghn_server.fail("5xx", 1)  # one failure: the retry succeeds
        self._ship(order, self.ghn)
        self.assertEqual(order.cc_state, "shipped")

    # ------------------------------------------------------------------ webhook

    def test_webhook_delivered_and_replay(self):
        order = self._preparing("online")
        picking = self._ship(order, self.ghn)
        code = picking.carrier_tracking_ref
        body = self.ghn_server.webhook_payload(code, "delivering")
        response = self._webhook(body)
        self.assertEqual((response.status_code, response.json()), (200, {"status": "accepted"}))
        self._process()
        self.assertEqual(picking.cc_delivery_state, "in_transit")
        self.assertEqual(order.cc_state, "shipped")
        delivered = self.ghn_server.webhook_payload(code, "delivered")
        self.assertEqual(self._webhook(delivered).status_code, 200)
        self._process()
        self.assertEqual(order.cc_state, "delivered")
        self.assertEqual(order.cc_event_ids.sorted("id")[-1].channel, "webhook")
        self.assertEqual(picking.cc_delivery_state, "customer_delivered")
        # the same event again changes nothing
        events = self.env["click_collect.courier.event"].search_count([])
        replay = self._webhook(delivered)
        self.assertEqual((replay.status_code, replay.json()), (200, {"status": "duplicate"}))
        self.assertEqual(self.env["click_collect.courier.event"].search_count([]), events)

    def test_callbacks_received_together_move_together(self):
        """Callbacks of several shipments waiting together are applied in waves, each shipment's
        in the order they came; one shipment that cannot move stops none."""
        orders = self.env["sale.order"].concat(*[self._preparing("online") for _ in range(3)])
        (code_a, code_b, code_c) = [self._ship(order, self.ghn).carrier_tracking_ref for order in orders]
        for code, status in ((code_a, "delivering"), (code_b, "delivering"), (code_a, "delivered"),
                             (code_c, "delivered"), (code_b, "delivered")):
            self.assertEqual(self._webhook(self.ghn_server.webhook_payload(code, status)).status_code, 200)
        Order = self.registry["sale.order"]
        original = Order._cc_follow_carrier

        def follow(records, target, **kwargs):
            if orders[1] in records and target == "delivered":
                raise ValueError("the order is locked by another transaction")
            return original(records, target, **kwargs)

        with patch.object(Order, "_cc_follow_carrier", follow):
            self._process()
        events = self.env["click_collect.courier.event"].search([("tracking_ref", "in", [code_a, code_b, code_c])],
                                                                order="id")
        self.assertEqual([(e.tracking_ref, e.status, e.state) for e in events], [
            (code_a, "delivering", "done"), (code_b, "delivering", "done"), (code_a, "delivered", "done"),
            (code_c, "delivered", "done"), (code_b, "delivered", "error"),
        ])
        self.assertEqual(orders.mapped("cc_state"), ["delivered", "shipped", "delivered"])
        self.assertIn("locked", events[-1].error)
        timeline = orders[0].cc_event_ids.sorted("id")[-1]
        self.assertEqual((timeline.to_state, timeline.channel), ("delivered", "webhook"))
        self.assertIn(code_a, timeline.note)

    def test_webhook_refusals_change_nothing(self):
        order = self._preparing("cod")
        code = self._ship(order, self.ghn).carrier_tracking_ref
        body = self.ghn_server.webhook_payload(code, "delivered")
        Event = self.env["click_collect.courier.event"]
        cases = [
            ("no token", {"token": None}, 401),
            ("bad token", {"token": "guess"}, 401),
            ("no signature", {"key": None}, 401),
            ("bad signature", {"signature": "00" * 32}, 401),
            ("replayed later", {"stamp": str(int(time.time()) - 3600)}, 401),
        ]
        for name, kwargs, status in cases:
            with self.subTest(name):
                self.assertEqual(self._webhook(body, **kwargs).status_code, status)
        self.assertEqual(self._webhook(b"{not json").status_code, 400)
        self.assertEqual(self._webhook({"Status": "delivered"}).status_code, 400)
        self.assertEqual(self._webhook(b"x" * (300 * 1024)).status_code, 413)
        unknown = self.url_open("/click_collect/courier/999999/webhook", data=b"{}")
        self.assertEqual(unknown.status_code, 404)
        self.assertFalse(Event.search([("tracking_ref", "=", code)]))
        self._process()
        self.assertEqual(order.cc_state, "shipped")

    def test_unsigned_callback_as_ghn_sends_it(self):
        """GHN signs nothing and sends no header of ours: its dashboard holds the URL with the
        token. Without a signing key the token in the URL is heard; a wrong one is refused;
        with a signing key, the token alone is not enough."""
        order = self._preparing("cod")
        code = self._ship(order, self.ghn).carrier_tracking_ref
        body = json.dumps(self.ghn_server.webhook_payload(code, "delivering")).encode()
        headers = {"Content-Type": "application/json"}
        path = f"/click_collect/courier/{self.ghn.id}/webhook"
        self.assertEqual(self.url_open(f"{path}?token=whsec-123", data=body, headers=headers).status_code, 401,
                         "a signing key asks for a signature")
        self.ghn.cc_webhook_hmac_secret = False
        self.assertEqual(self.url_open(f"{path}?token=guess", data=body, headers=headers).status_code, 401)
        self.assertEqual(self.url_open(path, data=body, headers=headers).status_code, 401)
        self.assertEqual(self.ghn.cc_webhook_url_token, f"{self.ghn.cc_webhook_url}?token=whsec-123")
        response = self.url_open(self.ghn.cc_webhook_url_token.replace(self.ghn.get_base_url(), ""),
                                 data=body, headers=headers)
        self.assertEqual((response.status_code, response.json()), (200, {"status": "accepted"}))
        self._process()
        self.assertEqual(order.cc_state, "shipped")
        with self.assertRaises(AccessError):
            self.ghn.with_user(self.user_manager).read(["cc_webhook_url_token"])

    def test_generated_token_replaces_the_old_one(self):
        """*Generate Token*: a long random token (and signing key) for administrators only; the
        old token is refused, the new one heard; a courier without a token hears nobody."""
        order = self._preparing("cod")
        code = self._ship(order, self.ghn).carrier_tracking_ref
        body = json.dumps(self.ghn_server.webhook_payload(code, "delivering")).encode()
        headers = {"Content-Type": "application/json"}
        path = f"/click_collect/courier/{self.ghn.id}/webhook"
        self.ghn.write({"cc_webhook_secret": False, "cc_webhook_hmac_secret": False})
        self.assertEqual(self.url_open(f"{path}?token=", data=body, headers=headers).status_code, 403,
                         "no token: refused, whatever is sent")
        with self.assertRaises(AccessError):
            self.ghn.with_user(self.user_manager).action_cc_generate_webhook_token()
        self.ghn.action_cc_generate_webhook_token()
        token = self.ghn.cc_webhook_secret
        self.assertGreaterEqual(len(token), 40)
        self.assertFalse(self.ghn.cc_webhook_hmac_secret, "no signing key is made where none was used")
        self.assertEqual(self.url_open(f"{path}?token=whsec-123", data=body, headers=headers).status_code, 401)
        self.assertEqual(self.url_open(f"{path}?token={token}", data=body, headers=headers).status_code, 200)
        self.ghn.cc_webhook_hmac_secret = "old-key"
        self.ghn.action_cc_generate_webhook_token()
        self.assertNotEqual(self.ghn.cc_webhook_secret, token)
        self.assertNotIn(self.ghn.cc_webhook_hmac_secret, ("old-key", False))

    def test_oversized_callback_is_refused_before_it_is_read(self):
        """Replays an outsider announcing a callback of 100 MB (it was read whole, up to Odoo's
        128 MiB limit, then refused for its size): answered 413 at once from its Content-Length,
        while one byte of it was sent; a body in chunks, whose size is known only once read, 411."""
        path = f"/click_collect/courier/{self.ghn.id}/webhook"
        cases = [
            ({"Content-Type": "application/json", "Content-Length": str(100 * 1024 * 1024)}, b"{", 413),
            ({"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(100 * 1024 * 1024)},
             b"a", 413),
            ({"Content-Type": "application/json", "Transfer-Encoding": "chunked"}, chunk(b"{" * 4096), 411),
        ]
        for headers, sent, status in cases:
            with self.subTest(headers=headers):
                answer = post_part_of_a_body(self, path, {"X-Webhook-Token": "whsec-123", **headers}, sent)
                self.assertEqual(answer[0], status)
                self.assertEqual(answer[1]["Content-Type"].split(";")[0], "application/json")
                self.assertIn("error", json.loads(answer[2]))

    def test_webhook_failed_then_returned(self):
        order = self._preparing("online")
        picking = self._ship(order, self.ghn)
        code = picking.carrier_tracking_ref
        stock = self.product_1.with_context(warehouse_id=self.store_a.id)
        on_hand = stock.qty_available
        self._webhook(self.ghn_server.webhook_payload(code, "delivery_fail"))
        self._process()
        self.assertEqual(order.cc_state, "failed")
        self._webhook(self.ghn_server.webhook_payload(code, "returned"))
        self._process()
        self.assertEqual(order.cc_state, "returned")
        stock.invalidate_recordset()
        self.assertEqual(stock.qty_available, on_hand + 1, "the goods are back in the store's stock")

    def test_unknown_tracking_number_is_kept_and_ignored(self):
        body = {"OrderCode": "GHN-NOT-OURS", "Status": "delivered", "Type": "switch_status", "Time": "x"}
        self.assertEqual(self._webhook(body).status_code, 200)
        self._process()
        event = self.env["click_collect.courier.event"].search([("tracking_ref", "=", "GHN-NOT-OURS")])
        self.assertEqual(event.state, "ignored")

    # ------------------------------------------------------------------ polling and manual override

    def test_polling_both_couriers(self):
        ghn_order, dhl_order = self._preparing("online"), self._preparing("online")
        ghn_picking, dhl_picking = self._ship(ghn_order, self.ghn), self._ship(dhl_order, self.dhl)
        Carrier = self.env["delivery.carrier"]
        open_shipments = self.env["stock.picking"].search(Carrier._cc_open_shipments_domain())
        self.assertEqual(open_shipments & (ghn_picking | dhl_picking), ghn_picking | dhl_picking)
        self.ghn_server.set_status(ghn_picking.carrier_tracking_ref, "delivered")
        self.dhl_server.add_event(dhl_picking.carrier_tracking_ref, "PU")
        self.dhl_server.add_event(dhl_picking.carrier_tracking_ref, "OK")
        calls = len(self.dhl_server.requests)
        changed = Carrier._cc_poll(ghn_picking | dhl_picking)
        self.assertEqual(changed, ghn_picking | dhl_picking)
        self.assertEqual(len(self.dhl_server.requests), calls + 1, "one tracking call for the DHL batch")
        self.assertEqual(self.dhl_server.requests[-1][1], "/glDHLExpressTrack", "DHL's tracking service")
        self.assertEqual((ghn_order.cc_state, dhl_order.cc_state), ("delivered", "delivered"))
        self.assertFalse(Carrier._cc_poll(ghn_picking | dhl_picking), "polling again changes nothing")
        self.assertFalse(self.env["stock.picking"].search(Carrier._cc_open_shipments_domain()) & ghn_picking,
                         "a delivered shipment is no longer polled")

    def test_polling_shipments_that_did_not_move_costs_the_same_for_any_batch(self):
        """A polling run over shipments whose status did not change costs a fixed number of
        queries per batch, whatever its size."""
        Carrier, queries = self.env["delivery.carrier"], {}
        for size in (2, 8):
            orders = self.env["sale.order"].concat(*[self._preparing("online") for _ in range(size)])
            pickings = self.env["stock.picking"].concat(*[self._ship(order, self.ghn) for order in orders])
            Carrier._cc_poll(pickings)  # GHN's first status of each: recorded
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with self.assertQueryCount(UNCHANGED_POLL_QUERIES):
                self.assertFalse(Carrier._cc_poll(pickings))
            queries[size] = self.env.cr.sql_log_count - before
        self.assertEqual(queries[2], queries[8], queries)

    def test_polling_moves_delivered_shipments_together(self):
        """Delivered shipments move together, each on its own timeline, in a number of queries
        that does not grow with the batch."""
        _batches, queries = self._poll_delivered("online", POLL_QUERIES, "delivered")
        per_shipment = (queries[6] - queries[2]) / 4
        self.assertLess(per_shipment, POLL_QUERIES_PER_SHIPMENT, queries)

    def test_dhl_polling_failed_then_returned(self):
        order = self._preparing("online")
        picking = self._ship(order, self.dhl)
        stock = self.product_1.with_context(warehouse_id=self.store_a.id)
        on_hand = stock.qty_available
        self.dhl_server.add_event(picking.carrier_tracking_ref, "PU")
        self.dhl_server.add_event(picking.carrier_tracking_ref, "NH")
        self.env["delivery.carrier"]._cc_poll(picking)
        self.assertEqual((order.cc_state, picking.cc_delivery_state), ("failed", "incident"))
        self.dhl_server.add_event(picking.carrier_tracking_ref, "RT")
        self.env["delivery.carrier"]._cc_poll(picking)
        self.assertEqual((order.cc_state, picking.cc_delivery_state), ("returned", "warehouse_delivered"))
        stock.invalidate_recordset()
        self.assertEqual(stock.qty_available, on_hand + 1)
        self.assertEqual(order.cc_event_ids.sorted("id")[-1].channel, "cron")

    def test_polling_survives_a_failing_courier(self):
        order = self._preparing("online")
        picking = self._ship(order, self.dhl)
        self.dhl_server.add_event(picking.carrier_tracking_ref, "OK")
        self.dhl_server.fail("5xx", 2)
        self.assertFalse(self.env["delivery.carrier"]._cc_poll(picking))
        self.assertEqual(order.cc_state, "shipped", "nothing lost: the next run will try again")
        self.env["delivery.carrier"]._cc_poll(picking)
        self.assertEqual(order.cc_state, "delivered")

    def test_manual_change_stops_automatic_updates(self):
        order = self._preparing("online")
        picking = self._ship(order, self.ghn)
        order._cc_transition("failed", channel="backoffice", note="customer called: wrong address")
        self.assertTrue(picking.cc_tracking_manual)
        self._webhook(self.ghn_server.webhook_payload(picking.carrier_tracking_ref, "delivered"))
        self._process()
        self.assertEqual(order.cc_state, "failed", "the person's decision stands")
        self.ghn_server.set_status(picking.carrier_tracking_ref, "delivered")
        self.env["delivery.carrier"]._cc_poll(picking)
        self.assertEqual(order.cc_state, "failed")
        order.action_cc_resume_tracking()
        self.env["delivery.carrier"]._cc_poll(picking)
        self.assertEqual(order.cc_state, "delivered", "back on automatic tracking")

    def test_event_listing_is_for_managers(self):
        Event = self.env["click_collect.courier.event"]
        self.assertTrue(Event.with_user(self.user_manager).search([]) is not None)
        with self.assertRaises(AccessError):
            Event.with_user(self.user_store_a).search([])
        self.assertEqual(self.ghn.with_user(self.user_manager).cc_webhook_url,
                         f"{self.ghn.get_base_url()}/click_collect/courier/{self.ghn.id}/webhook")
        with self.assertRaises(AccessError):
            self.ghn.with_user(self.user_manager).read(["ghn_token"])


@tagged("post_install", "-at_install")
class TestConnectorsSayWhereNotWhatFollows(TransactionCase):
    """A connector says where a shipment is (a tracking state); only the flow decides which
    state a web order moves to."""

    def test_connectors_give_tracking_states_only(self):
        Carrier = self.env["delivery.carrier"]
        tracking_states = dict(DELIVERY_STATES)
        flow_states = set(self.env["sale.order"]._fields["cc_state"].get_values(self.env))
        connectors = Carrier._cc_connector_types()
        self.assertTrue({"ghn", "dhl_express"} <= set(connectors))
        for delivery_type in connectors:
            table = Carrier.new({"delivery_type": delivery_type})._cc_tracking_states()
            self.assertTrue(table, delivery_type)
            self.assertLessEqual(set(table.values()), set(tracking_states), delivery_type)
        self.assertLessEqual(set(FLOW_TARGETS), set(tracking_states))
        self.assertLessEqual(set(FLOW_TARGETS.values()), flow_states)
        self.assertNotIn("canceled_shipment", FLOW_TARGETS, "a cancelled shipment moves no order")
