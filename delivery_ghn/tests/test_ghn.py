import json
import re
import socket
import time

from odoo.exceptions import AccessError, UserError
from odoo.http import serialize_exception
from odoo.service.model import get_public_method
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.delivery_courier_base.tests.common import CourierCase
from odoo.addons.delivery_courier_base.tools.courier import CourierRefused, CourierUnreachable

from ..models.delivery_carrier import POLL_WORKERS
from .ghn_server import FakeGhn


@tagged("post_install", "-at_install")
class TestGhn(CourierCase):
    """The GHN connector alone (Odoo's sale and delivery, OCA's delivery_state) against a GHN
    server on 127.0.0.1 that speaks GHN's public API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeGhn().start()
        cls.addClassCleanup(cls.server.stop)
        cls.ghn = cls.env["delivery.carrier"].create({
            "name": "GHN", "delivery_type": "ghn", "product_id": cls.fee.id, "integration_level": "rate_and_ship",
            "allow_cash_on_delivery": True, "courier_endpoint_url": cls.server.url, "ghn_token": "ghn-test-token",
            "ghn_shop_id": "885", "courier_timeout": 2.0, "courier_retries": 1,
        })
        cls.store = cls.warehouse.partner_id
        cls.store.write({"street": "5 Trang Tien", "street2": "Trang Tien Ward", "city": "Hoan Kiem",
                         "phone": "+84 24 3825 0000"})

    def _creates(self):
        return [json.loads(body) for method, path, body in self.server.requests
                if method == "POST" and path.endswith("/shipping-order/create")]

    def _shipped(self, **kwargs):
        order, picking = self._sale(self.ghn, **kwargs)
        return order, self._validate(picking)

    def test_validating_the_delivery_ships_it_with_its_label_and_cash_to_collect(self):
        _order, picking = self._shipped(qty=2, cod=True)
        code = picking.carrier_tracking_ref
        self.assertTrue(code.startswith("GHN"))
        created = self._creates()[-1]
        self.assertEqual((created["to_name"], created["to_phone"], created["weight"]),
                         (self.customer.name, self.customer.phone, 1600))
        self.assertEqual(created["client_order_code"], picking.name)
        self.assertGreater(created["cod_amount"], 0, "Odoo's cash on delivery is collected by GHN")
        self.assertEqual(self.server.orders[code]["cod_amount"], created["cod_amount"])
        label = self.env["ir.attachment"].search([("res_model", "=", "stock.picking"), ("res_id", "=", picking.id),
                                                  ("name", "=", f"GHN-{code}.pdf")])
        self.assertTrue(label.raw.startswith(b"%PDF"))
        self.assertEqual(picking.delivery_state, "shipping_recorded_in_carrier")
        self.assertEqual(self.ghn.get_tracking_link(picking), f"https://donhang.ghn.vn/?order_code={code}")

    def test_a_prepaid_sale_has_nothing_to_collect(self):
        self._shipped()
        self.assertEqual(self._creates()[-1]["cod_amount"], 0)

    def test_a_warehouse_user_sends_to_ghn_and_the_cash_is_collected_once(self):
        """A stock user (no right on the sale's payments) sends the delivery of a sale paid in
        cash on delivery to GHN (Send to Shipper), in two shipments: the first collects the
        cash, the backorder nothing more."""
        user = new_test_user(self.env, "ghn_stock_user", groups="stock.group_stock_user")
        self.ghn.integration_level = "rate"  # validated first, sent by the person after
        order, picking = self._sale(self.ghn, qty=2, cod=True)
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        Form.from_action(self.env, picking.button_validate()).save().process()
        backorder = picking.backorder_ids
        self.assertTrue(backorder)
        self.ghn.integration_level = "rate_and_ship"
        picking.with_user(user).send_to_shipper()
        self.assertTrue(picking.carrier_tracking_ref)
        vnd = self.env.ref("base.VND")
        expected = order.currency_id._convert(80.0, vnd, order.company_id, order.date_order.date())
        self.assertEqual(self._creates()[-1]["cod_amount"], round(expected))
        self._validate(backorder)
        self.assertEqual(self._creates()[-1]["cod_amount"], 0, "the cash is collected with the first shipment")

    def test_a_delivery_never_sent_to_ghn_is_not_asked_about(self):
        self.ghn.integration_level = "rate"
        _order, picking = self._shipped()
        self.assertFalse(picking.carrier_tracking_ref)
        asked = len(self.server.requests)
        picking.tracking_state_update()
        self.env["stock.picking"].with_context(cron_id=1)._update_delivery_state()
        self.assertEqual(len(self.server.requests), asked)
        self.assertFalse(picking.pod_error)

    def test_a_status_ghn_adds_later_is_kept_without_a_carrier_state(self):
        _order, picking = self._shipped()
        self.server.set_status(picking.carrier_tracking_ref, "a_status_of_tomorrow")
        picking.tracking_state_update()
        self.assertEqual((picking.tracking_state, picking.delivery_state),
                         ("a_status_of_tomorrow", "shipping_recorded_in_carrier"))

    def test_tracking_by_batch_keeps_each_shipment_error_apart(self):
        _order, picking = self._shipped()
        _order, lost = self._shipped()
        self.server.orders.pop(lost.carrier_tracking_ref)
        statuses, errors = {}, {}
        self.ghn.ghn_fetch_tracking(picking | lost, statuses, errors)
        self.assertEqual(statuses, {picking: "ready_to_pick"})
        self.assertIn("Order not found", errors[lost])
        self.server.fail("5xx", times=2)
        with self.assertRaisesRegex(UserError, r"GHN: GHN failed \(HTTP 502\)"):
            self.ghn.ghn_fetch_tracking(picking, {}, {})

    def test_polling_asks_ghn_several_shipments_at_once(self):
        """GHN answers one shipment per call: with 0.2 s a call, 24 shipments take one second
        and a bit (POLL_WORKERS at once), not five; never more calls at once than that; and a
        GHN that fails for one call still gives the statuses of the others."""
        shipments = self.env["stock.picking"].concat(*[self._shipped()[1] for _i in range(24)])
        self.server.latency, self.server.max_in_flight = 0.2, 0
        self.addCleanup(setattr, self.server, "latency", 0.0)
        statuses, errors = {}, {}
        start = time.monotonic()
        self.ghn.ghn_fetch_tracking(shipments, statuses, errors)
        elapsed = time.monotonic() - start
        self.assertEqual((len(statuses), errors), (24, {}))
        self.assertEqual(self.server.max_in_flight, POLL_WORKERS)
        self.assertLess(elapsed, 24 * 0.2 / 2, "in parallel")
        self.server.latency = 0.0
        self.server.fail("5xx", times=48)  # GHN is down: every call fails, retried once
        asked = len(self.server.requests)
        with self.assertRaisesRegex(UserError, r"GHN failed \(HTTP 502\)"):
            self.ghn.ghn_fetch_tracking(shipments, {}, {})
        self.assertLessEqual(len(self.server.requests) - asked, POLL_WORKERS * 2,
                             "once GHN failed, the calls not started are not made")
        self.server.faults.clear()

    def test_cancel(self):
        _order, picking = self._shipped()
        code = picking.carrier_tracking_ref
        picking.cancel_shipment()
        self.assertEqual(self.server.orders[code]["status"], "cancel")
        self.assertFalse(picking.carrier_tracking_ref)
        self.assertEqual(picking.delivery_state, "canceled_shipment")
        # GHN refuses to cancel what it picked up
        _order, picked = self._shipped()
        self.server.set_status(picked.carrier_tracking_ref, "picked")
        with self.assertRaisesRegex(UserError, "GHN refused to cancel"):
            picked.cancel_shipment()

    def test_rates(self):
        order, _picking = self._sale(self.ghn)
        rate = self.ghn.rate_shipment(order)
        self.assertTrue(rate["success"], rate)
        self.assertGreater(rate["price"], 0)
        self.server.fail("5xx", times=2)
        rate = self.ghn.rate_shipment(order)
        self.assertFalse(rate["success"])
        self.assertIn("HTTP 502", rate["error_message"])

    def test_errors_say_what_failed_where_and_what_to_check(self):
        """A courier error names the address called, the cause and the settings to check,
        under a title that fits: unreachable (refused connection, no answer, HTTP 5xx) or
        refused (the courier's own words)."""
        with socket.socket() as probe:  # a port where nothing listens
            probe.bind(("127.0.0.1", 0))
            closed = probe.getsockname()[1]
        self.ghn.courier_endpoint_url = f"http://127.0.0.1:{closed}"
        with self.assertRaises(CourierUnreachable) as caught:
            self.ghn.action_courier_test_connection()
        message = str(caught.exception)
        self.assertIn(f"Address called: http://127.0.0.1:{closed}/shiip/public-api/", message)
        self.assertIn("Cause: the connection was refused: nothing answers at this address", message)
        self.assertIn("Check the Service URL and the Environment on GHN's form", message)
        # the name the web client's error dialogs are registered under (courier_error_dialogs.js)
        self.assertEqual(serialize_exception(caught.exception)["name"],
                         "odoo.addons.delivery_courier_base.tools.courier.CourierUnreachable")
        self.ghn.write({"courier_endpoint_url": self.server.url, "courier_retries": 0})
        self.server.fail("timeout", 1, delay=1)  # hangs, then hangs up
        with self.assertRaisesRegex(CourierUnreachable, "Cause: the server closed the connection without answering"):
            self.ghn.action_courier_test_connection()
        self.ghn.courier_retries = 1
        self.server.fail("5xx", 2)
        with self.assertRaisesRegex(CourierUnreachable, r"GHN failed \(HTTP 502\)"):
            self.ghn.action_courier_test_connection()
        self.ghn.ghn_token = "wrong"
        with self.assertRaises(CourierRefused) as caught:
            self.ghn.action_courier_test_connection()
        self.assertIn("Token is not valid", str(caught.exception))
        self.assertIn(f"Address called: {self.server.url}/shiip/public-api/", str(caught.exception))
        self.assertIn("Check the credentials on GHN's form", str(caught.exception))

    def test_faults_are_clear_and_ship_nothing(self):
        _order, picking = self._sale(self.ghn)
        for mode, times, expected in (("5xx", 2, r"GHN failed \(HTTP 502\)"), ("garbage", 1, "not JSON"),
                                      ("timeout", 2, "could not be reached")):
            with self.subTest(mode=mode):
                self.server.fail(mode, times, delay=3)
                with self.assertRaisesRegex(UserError, expected), self.env.cr.savepoint():
                    self._validate(picking)
                self.env.invalidate_all()
                self.assertEqual(picking.state, "assigned", "nothing shipped, nothing validated")
        self.ghn.ghn_token = "wrong"
        with self.assertRaisesRegex(UserError, "Token is not valid"):
            self.ghn.action_courier_test_connection()
        self.ghn.ghn_token = "ghn-test-token"
        self.assertEqual(self.ghn.action_courier_test_connection()["params"]["type"], "success")
        self.server.fail("5xx", 1)  # one failure: the retry succeeds
        self._validate(picking)
        self.assertTrue(picking.carrier_tracking_ref)

    def test_callbacks_as_ghn_posts_them(self):
        _order, picking = self._shipped(cod=True)
        code = picking.carrier_tracking_ref
        payload = self.server.webhook_payload(code, "delivered")
        self.assertEqual(self.ghn.ghn_read_callback(payload), {
            "tracking_ref": code, "status": "delivered", "paid_out": None,
            "identity": [code, "delivered", "switch_status", payload["Time"]],
        })
        self.server.pay_out_cod(code, "2026-11-20T09:44:09.556Z")
        paid = self.ghn.ghn_read_callback(self.server.webhook_payload(code, "delivered"))
        self.assertEqual(paid["paid_out"], (self.server.orders[code]["cod_amount"], "2026-11-20T09:44:09.556Z"))
        for wrong in ({}, {"OrderCode": code}, {"OrderCode": "  ", "Status": "delivered"},
                      {"OrderCode": ["x"], "Status": "delivered"}):
            self.assertIsNone(self.ghn.ghn_read_callback(wrong), wrong)

    def test_the_cash_ghn_paid_out(self):
        _order, picking = self._shipped(cod=True)
        client = self.ghn._courier_client()
        self.assertIsNone(self.ghn.ghn_cod_paid_out(client, picking))
        self.server.pay_out_cod(picking.carrier_tracking_ref, "2026-11-20T09:44:09.556Z", amount=70000)
        self.assertEqual(self.ghn.ghn_cod_paid_out(client, picking), (70000, "2026-11-20T09:44:09.556Z"))
        self.assertEqual(self.ghn._courier_currency(), self.env.ref("base.VND"))

    def test_the_label_again(self):
        _order, picking = self._shipped()
        label = self.ghn.ghn_print_label(picking)
        self.assertEqual(label.name, f"GHN-{picking.carrier_tracking_ref}.pdf")
        self.assertTrue(label.raw.startswith(b"%PDF"))

    def test_a_return_label_books_an_order_from_the_customer_back_to_the_store(self):
        """Odoo's return label (``get_return_label``): a GHN order from the customer to the store
        that shipped the delivery, paid by the shop, no cash to collect; its label is the
        delivery's return label."""
        self.assertTrue(self.ghn.can_generate_return)
        _order, picking = self._shipped(cod=True)
        shipped = picking.carrier_tracking_ref
        [result] = self.ghn.get_return_label(picking)
        code = result["tracking_number"]
        self.assertIn(code, self.server.orders)
        self.assertNotEqual(code, shipped)
        returned = self._creates()[-1]
        self.assertEqual(
            [returned[f"from_{key}"] for key in ("name", "phone", "address", "ward_name", "district_name")],
            [self.customer.name, self.customer.phone, "12 Ly Thuong Kiet", "Ward 10", "Hanoi"])
        self.assertEqual(
            [returned[f"to_{key}"] for key in ("name", "phone", "address", "ward_name", "district_name")],
            [self.store.name, "+84 24 3825 0000", "5 Trang Tien", "Trang Tien Ward", "Hoan Kiem"])
        self.assertEqual((returned["payment_type_id"], returned["cod_amount"], returned["weight"]), (1, 0, 1600))
        self.assertRegex(returned["client_order_code"], rf"^{re.escape(picking.name)}-R[0-9A-F]{{6}}$")
        self.assertEqual(result["attachment"], picking.return_label_ids)
        self.assertEqual(result["attachment"].name, f"LabelReturn-ghn-{code}.pdf")
        self.assertTrue(result["attachment"].raw.startswith(b"%PDF"))
        self.assertEqual(picking.carrier_tracking_ref, shipped, "the delivery keeps its own shipment")
        # returned again: another order, with a code of its own
        [again] = self.ghn.ghn_get_return_label(picking)
        self.assertRegex(self._creates()[-1]["client_order_code"], rf"^{re.escape(picking.name)}-R[0-9A-F]{{6}}$")
        self.assertNotEqual(self._creates()[-1]["client_order_code"], returned["client_order_code"])
        self.assertEqual(picking.return_label_ids, result["attachment"] | again["attachment"])

    def test_a_return_ghn_refuses_says_why(self):
        """GHN calls the store the parcel goes back to: the company's phone when the store has
        none; with no phone at all GHN refuses the return, and says so."""
        _order, picking = self._shipped()
        self.warehouse.partner_id = self.env["res.partner"].create({
            "name": "Hoan Kiem store", "street": "1 Hang Bai", "city": "Hoan Kiem"})
        self.ghn.get_return_label(picking)
        self.assertEqual((self._creates()[-1]["to_name"], self._creates()[-1]["to_phone"]),
                         ("Hoan Kiem store", "+84 24 3825 0000"))
        self.env.company.phone = False
        with self.assertRaisesRegex(UserError, r"(?m)^GHN: GHN refused the request\. \(to_phone is required\)$"):
            self.ghn.get_return_label(picking)
        self.assertEqual(len(picking.return_label_ids), 1)

    def test_the_return_label_with_the_delivery(self):
        """Odoo's "Generate Return Label" of the carrier: the return label comes with the
        shipment."""
        self.ghn.return_label_on_delivery = True
        _order, picking = self._shipped()
        shipment, back = self._creates()[-2:]
        self.assertEqual((shipment["to_name"], back["to_name"]), (self.customer.name, self.store.name))
        shipped, returned = list(self.server.orders)[-2:]
        self.assertEqual(picking.carrier_tracking_ref, shipped)
        self.assertEqual(picking.return_label_ids.name, f"LabelReturn-ghn-{returned}.pdf")

    def test_credentials_are_the_administrators(self):
        """Replays an Inventory or Sales administrator reading GHN's token, or pointing the
        service at a host of theirs (the token would go there): refused."""
        elsewhere = FakeGhn(token="unused").start()
        self.addCleanup(elsewhere.stop)
        user = new_test_user(self.env, "ghn_stock_admin",
                             groups="stock.group_stock_manager,sales_team.group_sale_manager")
        for fields in (["ghn_token"], ["ghn_shop_id"], ["courier_endpoint_url"]):
            with self.subTest(fields=fields), self.assertRaises(AccessError):
                self.ghn.with_user(user).read(fields)
        with self.assertRaises(AccessError):
            self.ghn.with_user(user).write({"courier_endpoint_url": elsewhere.url})
        self.ghn.with_user(user).write({"courier_timeout": 3})
        self.assertFalse(self.ghn.copy().courier_endpoint_url, "a copy keeps no URL")
        self.assertFalse(self.ghn.copy().ghn_token, "nor credentials")
        self.assertEqual(self.ghn.with_user(user).action_courier_test_connection()["params"]["type"], "success")
        self.assertFalse(elsewhere.requests, "the credentials went nowhere else")
        # an administrator may: the credentials then go there
        self.ghn.courier_endpoint_url = elsewhere.url
        with self.assertRaisesRegex(UserError, "Token is not valid"):
            self.ghn.action_courier_test_connection()
        self.assertEqual(len(elsewhere.requests), 1)

    def test_hooks_are_no_rpc_endpoints(self):
        """The hooks take Python objects (a transport client, pickings): a user calling one over
        RPC is refused before it runs."""
        for hook in ("courier_client", "courier_ping", "tracking_states", "fetch_tracking", "read_callback",
                     "cod_paid_out", "courier_currency", "print_label", "get_return_label"):
            with self.subTest(hook=hook), self.assertRaises(AccessError):
                get_public_method(self.ghn, f"ghn_{hook}")
