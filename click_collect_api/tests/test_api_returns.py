import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_api import ClickCollectApiCommon
from .test_api_webhooks import verify


@tagged("post_install", "-at_install")
class TestApiReturns(ClickCollectApiCommon):
    """A web shop announces a return its customer started online; the store receives it; the
    order's answer lists it; the web shop hears of its goods back and of the refund."""

    def setUp(self):
        super().setUp()
        self._fresh_webhooks()
        self.reason = self.env.ref("click_collect.return_reason_size")

    def _collected(self, qty=2):
        order = self._shop_order(qty=qty)
        for target in ("accepted", "preparing", "ready"):
            order._cc_transition(target)
        self._pay(order, method="pay_at_store")
        order._cc_transition("collected")
        return order

    def _announce(self, order, body):
        return self._call("POST", f"/orders/{order.name}/returns", body)

    def test_announced_then_received_then_refunded(self):
        order = self._collected()
        status_webhooks = self._deliveries(order)
        response = self._announce(order, {
            "lines": [{"variant_id": self.product_1.id, "qty": 1}, {"ean": self.product_2.barcode, "qty": 2}],
            "reason": "does not fit", "note": "Too big", "external_ref": "RMA-7",
        })
        self.assertEqual(response.status_code, 201, response.text)
        body = response.json()
        self.assertIsNone(body["return_status"], "nothing came back yet")
        [announced] = body["returns"]
        self.assertEqual({key: announced[key] for key in ("status", "store", "external_ref", "reason", "note",
                                                          "refund_amount", "received_at")},
                         {"status": "requested", "store": self.store_a.code, "external_ref": "RMA-7",
                          "reason": "Does not fit", "note": "Too big", "refund_amount": 110.0, "received_at": None})
        self.assertEqual(announced["lines"], [
            {"variant_id": self.product_1.id, "ean": self.product_1.barcode, "qty": 1.0, "condition": None},
            {"variant_id": self.product_2.id, "ean": self.product_2.barcode, "qty": 2.0, "condition": None},
        ])
        ret = order.cc_return_ids
        self.assertEqual(ret.channel, "api")
        self.assertIn(f"Return {ret.name} announced", order.cc_event_ids.filtered("return_id").note)
        self.assertEqual(order.order_line.mapped("qty_delivered"), [2.0, 2.0], "no goods moved yet")
        self.assertEqual(self._deliveries(order), status_webhooks, "the web shop announced it: no webhook")

        # the announced goods are held: the store cannot take them twice
        with self.assertRaisesRegex(Exception, "but only 1 may"):
            order.with_user(self.user_store_a)._cc_receive_return(
                self.store_a, [{"sale_line_id": order.order_line[0].id, "quantity": 2}])

        # the order's store opens it from its returns; the customer went to another store,
        # whose clerk finds it by the order's number
        self.assertEqual(ret.with_user(self.user_store_a).action_cc_receive()["res_model"],
                         "click_collect.return.receive")
        wizard = self.env["click_collect.return.receive"].with_user(self.user_store_b).create({"code": order.name})
        wizard.action_find()
        self.assertEqual(wizard.return_id, ret, "the announced return")
        # the customer brought one shoe, not the two bags: the store receives what came
        self.assertEqual(wizard.line_ids.mapped("quantity"), [1.0, 2.0], "what was announced")
        wizard.line_ids[1].quantity = 0
        wizard.action_receive()
        self.assertRecordValues(ret, [{"state": "received", "store_id": self.store_b.id, "amount_total": 50.0}])
        self.assertEqual(order.order_line.mapped("qty_delivered"), [1.0, 2.0])

        [delivery] = self._deliveries(order) - status_webhooks
        payload = json.loads(delivery.payload)
        self.assertEqual(payload["type"], "order.return_received")
        self.assertEqual(payload["return"]["return_no"], ret.name)
        self.assertEqual(payload["return"]["lines"], [
            {"variant_id": self.product_1.id, "ean": self.product_1.barcode, "qty": 1.0, "condition": "sellable"}])
        self.assertEqual(payload["return_status"], "partial")
        ret.with_user(self.user_manager).action_cc_mark_refunded("PSP-REFUND-1")
        refunded = self._deliveries(order)[-1]
        self.assertEqual(json.loads(refunded.payload)["type"], "order.refunded")
        self.assertEqual(json.loads(refunded.payload)["return"]["refund_reference"], "PSP-REFUND-1")
        self.Delivery._cron_send()
        returns = [r for r in self.receiver.received if json.loads(r["body"])["type"].startswith("order.re")]
        self.assertEqual(len(returns), 2)
        for received in returns:
            self.assertTrue(verify("test-secret", received["headers"]["X-Click-Collect-Signature"], received["body"]))
        self.assertEqual([json.loads(r["body"])["type"] for r in returns],
                         ["order.return_received", "order.refunded"])

        answer = self._call("GET", f"/orders/{order.name}").json()
        self.assertEqual(answer["return_status"], "partial")
        self.assertEqual([(r["return_no"], r["status"]) for r in answer["returns"]], [(ret.name, "refunded")])

    def test_refusals(self):
        order = self._collected()
        self.assertApiError(self._announce(order, {"lines": [{"variant_id": self.product_1.id, "qty": 3}]}),
                            422, "refused")
        other = self.env["product.product"].create({"name": "Not in the order", "barcode": "2000000000999"})
        self.assertApiError(self._announce(order, {"lines": [{"ean": other.barcode, "qty": 1}]}), 422,
                            "unknown_variant")
        self.assertApiError(self._announce(order, {"lines": [{"variant_id": self.product_1.id, "qty": -1}]}), 422,
                            "invalid_quantity")
        self.assertApiError(self._announce(order, {"lines": []}), 400, "invalid_field")
        self.assertApiError(self._announce(order, {}), 400, "missing_field")
        self.assertApiError(self._announce(order, {"lines": [{"variant_id": self.product_1.id, "qty": 1}],
                                                   "store": "NOPE"}), 422, "unknown_store")
        ready = self._shop_order()
        for target in ("accepted", "preparing", "ready"):
            ready._cc_transition(target)
        self.assertApiError(self._announce(ready, {"lines": [{"variant_id": self.product_1.id, "qty": 1}]}), 409,
                            "order_not_returnable")
        self.assertApiError(self._call("POST", f"/orders/{order.name}/returns",
                                       {"lines": [{"variant_id": self.product_1.id, "qty": 1}]},
                                       key=self.other_key), 404, "order_not_found")
        self.shop.cc_return_days = 10
        order.cc_event_ids.filtered(lambda e: e.to_state == "collected").date = \
            fields.Datetime.now() - timedelta(days=11)
        error = self.assertApiError(self._announce(order, {"lines": [{"variant_id": self.product_1.id, "qty": 1}]}),
                                    422, "refused")
        self.assertIn("returns are accepted within 10 days", error["message"])
        self.assertFalse(order.cc_return_ids, "nothing was announced")
        self.assertApiError(self._call("GET", f"/orders/{order.name}/returns"), 405, "method_not_allowed")

    def test_hostile_texts_and_numbers_and_a_second_announcement(self):
        order = self._collected()
        line = {"variant_id": self.product_1.id, "qty": 1}
        response = self._announce(order, {"lines": [line], "reason": "50% off\\", "external_ref": "RMA-1"})
        self.assertEqual(response.status_code, 201, response.text)
        ret = order.cc_return_ids
        self.assertFalse(ret.reason_id, "free text, no pattern")
        self.assertEqual(ret.reason_note, "50% off\\")
        self.assertApiError(self._announce(order, {"lines": [line], "external_ref": "RMA-1"}), 409,
                            "duplicate_external_ref")
        self.assertApiError(self._announce(order, {"lines": [{"variant_id": self.product_1.id, "qty": 10 ** 400}]}),
                            422, "invalid_quantity")
        self.assertApiError(self._call("POST", f"/orders/{order.name}/payments",
                                       {"amount": 10 ** 400, "reference": "X"}), 422, "invalid_amount")
        self.assertApiError(self._announce(order, {"lines": "all"}), 400, "invalid_field")
        self.assertEqual(len(order.cc_return_ids), 1)

    def test_a_parcel_sent_back_is_found_by_its_tracking_number(self):
        order = self._collected()
        first = self._collected()
        line = {"variant_id": self.product_1.id, "qty": 1}
        for bad, message in (({"tracking_ref": 12345}, "must be a text"), ({"courier": ["bpost"]}, "must be a text"),
                             ({"tracking_ref": "9" * 129}, "at most 128 characters")):
            error = self.assertApiError(self._announce(order, {"lines": [line], **bad}), 400, "invalid_field")
            self.assertIn(message, error["message"])
        self.assertFalse(order.cc_return_ids, "nothing was announced")
        # the same customer announced another return of another order, without a parcel
        self.assertEqual(self._announce(first, {"lines": [line]}).status_code, 201)
        response = self._announce(order, {"lines": [line], "courier": "bpost", "tracking_ref": " 323299001234 "})
        self.assertEqual(response.status_code, 201, response.text)
        [announced] = response.json()["returns"]
        self.assertEqual((announced["courier"], announced["tracking_ref"], announced["store"]),
                         ("bpost", "323299001234", self.store_a.code), "to the order's store by default")
        ret = order.cc_return_ids
        # the same number again (a typo, or a label used twice): the return screen would not know which
        error = self.assertApiError(self._announce(first, {"lines": [line], "tracking_ref": "323299001234"}), 422,
                                    "refused")
        self.assertIn("tracking number 323299001234 is already the parcel of another return", error["message"])
        self.assertIn("Sent by bpost, tracking number 323299001234.",
                      order.cc_event_ids.filtered(lambda e: e.return_id == ret).note)
        # the parcel arrives: the clerk scans its label (all digits, like a phone number)
        wizard = self.env["click_collect.return.receive"].with_user(self.user_store_a).create(
            {"code": "323299001234"})
        wizard.action_find()
        self.assertFalse(wizard.message, wizard.message)
        self.assertEqual((wizard.order_id, wizard.return_id), (order, ret))
        wizard.action_receive()
        self.assertEqual(ret.state, "received")
        # once received, the tracking number no longer finds an order to receive
        wizard = self.env["click_collect.return.receive"].with_user(self.user_store_a).create(
            {"code": "323299001234"})
        wizard.action_find()
        self.assertFalse(wizard.order_id)

    def test_a_return_label_the_order_cannot_have(self):
        """A collected order was delivered by no courier: no label, nothing announced; the label
        route answers only for a return with a label, of the web shop's own order."""
        order = self._collected()
        line = {"variant_id": self.product_1.id, "qty": 1}
        for bad, message in (({"return_label": "yes"}, "return_label must be true or false"),
                             ({"return_label": True, "tracking_ref": "X1"}, "not both")):
            error = self.assertApiError(self._announce(order, {"lines": [line], **bad}), 400, "invalid_field")
            self.assertIn(message, error["message"])
        error = self.assertApiError(self._announce(order, {"lines": [line], "return_label": True}), 422, "refused")
        self.assertIn(f"{order.name} was not delivered by a courier that makes return labels", error["message"])
        self.assertFalse(order.cc_return_ids, "nothing was announced")
        response = self._announce(order, {"lines": [line], "return_label": False})
        self.assertEqual(response.status_code, 201, response.text)
        [announced] = response.json()["returns"]
        self.assertIsNone(announced["label_url"])
        path = f"/orders/{order.name}/returns/{order.cc_return_ids.name}/label"
        self.assertApiError(self._call("GET", path), 404, "label_not_found")
        self.assertApiError(self._call("GET", path, key=self.other_key), 404, "order_not_found")
        self.assertApiError(self._call("GET", f"/orders/{order.name}/returns/%27%20OR%201=1/label"), 404,
                            "label_not_found")
        self.assertApiError(self._call("POST", path, {}), 405, "method_not_allowed")

    def test_an_announced_return_cancelled_or_passed_by(self):
        order = self._collected()
        self.assertEqual(self._announce(order, {"lines": [{"variant_id": self.product_1.id, "qty": 1}]}).status_code,
                         201)
        ret = order.cc_return_ids
        # a walk-in return of the other shoe: the announced one keeps waiting
        wizard = self.env["click_collect.return.receive"].with_user(self.user_store_a).create({"code": order.name})
        wizard.action_find()
        self.assertEqual(wizard.return_id, ret)
        wizard.walk_in = True
        wizard.line_ids.quantity = 1
        walk_in = self.env["click_collect.return"].browse(wizard.action_receive()["res_id"])
        self.assertNotEqual(walk_in, ret)
        self.assertEqual(ret.state, "requested", "still waiting for its goods")
        with self.assertRaisesRegex(Exception, "Only a manager of the store"):
            ret.with_user(self.user_store_a).action_cc_cancel()
        with self.assertRaises(AccessError):  # another store's manager does not see it
            ret.with_user(self.env["res.users"].create({
                "name": "Manager B", "login": "cc_ret_mgr_b", "cc_store_ids": [(6, 0, self.store_b.ids)],
                "group_ids": [(6, 0, self.env.ref("click_collect.group_store_manager").ids)],
            })).action_cc_cancel()
        ret.with_user(self.user_store_manager_a).action_cc_cancel()
        self.assertEqual(ret.state, "cancelled")
        payloads = [json.loads(d.payload) for d in self._deliveries(order)]
        self.assertEqual([p["type"] for p in payloads if p["type"].startswith("order.return")],
                         ["order.return_received", "order.return_cancelled"])
        self.assertFalse(order.cc_notification_ids.filtered(lambda n: n.step not in ("accepted", "ready", "delivered",
                                                                                     "return_received")),
                         "the customer is not told of a cancelled announcement")
        # the screen, opened on it before, no longer takes it
        wizard.walk_in = False
        wizard.sudo().return_id = ret
        wizard.action_find()
        self.assertFalse(wizard.return_id)

    def _deliveries(self, order):
        return self.Delivery.search([("order_id", "=", order.id)], order="id")
