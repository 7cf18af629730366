import json
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.click_collect_cod.tests.test_cod import CashOnDeliveryCommon

from .common import CouriersCommon, start_couriers

# Polling delivered COD shipments: at most these queries in all, and per further shipment
# (about 120 per shipment when each moved on its own).
POLL_QUERIES = {2: 240, 6: 340}
POLL_QUERIES_PER_SHIPMENT = 35


@tagged("post_install", "-at_install")
class TestCashOnDeliveryFromCouriers(CashOnDeliveryCommon):
    """GHN's cash on delivery: callbacks, payouts read from GHN, and remittances."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start_couriers(cls, "cod", retries=0, ghn={"allow_cash_on_delivery": True, "cc_webhook_secret": "tok"})

    def _shipped_by_ghn(self):
        """A COD order of 80.00 shipped with GHN: (order, its shipment)."""
        order = self._order("ship", method="cod")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        self.env["click_collect.ship"].create({"order_id": order.id, "carrier_id": self.ghn.id}).action_ship()
        return order, order.picking_ids.filtered(lambda p: p.location_dest_id.usage == "customer")

    def test_full_path_from_the_courier_webhook(self):
        order, picking = self._shipped_by_ghn()
        self.assertEqual(picking.cc_cod_amount, 80.0, "the cash to collect is on the shipment")
        body = self.ghn_server.webhook_payload(picking.carrier_tracking_ref, "delivered")
        response = self.url_open(f"/click_collect/courier/{self.ghn.id}/webhook", data=json.dumps(body).encode(),
                                 headers={"X-Webhook-Token": "tok", "Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200)
        self.env["click_collect.courier.event"]._cc_cron_process()
        self.assertEqual(order.cc_state, "awaiting_cod")
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"), "the courier paid the customer's invoice")
        self.assertEqual(self._owed(self.ghn), 80.0, "the courier owes the cash it collected")

        statement = self._import(self.ghn, "GHN-2026-11-24", [(picking.carrier_tracking_ref, "", "80.00", "2.50")])
        statement.action_reconcile()
        self.assertEqual(statement.state, "done")
        self.assertEqual(order.cc_state, "done")
        self.assertEqual(order.cc_payment_state, "paid")
        self.assertEqual(self._owed(self.ghn), 0.0, "the courier's receivable is back to zero")
        payment = statement.payment_ids
        self.assertIn(payment.state, ("in_process", "paid"), "posted; the bank statement will match it")
        self.assertEqual((payment.amount, payment.partner_id), (77.5, self.ghn.cc_partner_id))
        fee_line = payment.move_id.line_ids.filtered(lambda line: line.account_id == self.ghn._cc_fee_account())
        self.assertEqual(fee_line.debit, 2.5, "the courier's fee is an expense")
        tx = order.transaction_ids.filtered("cc_registered_by_id")
        self.assertEqual((tx.amount, tx.provider_reference, tx.payment_id), (80.0, "GHN-2026-11-24", payment))
        self.assertEqual(order.cc_event_ids.sorted("id")[-1].to_state, "done")

    def _delivered_by_ghn(self):
        """A COD order of 80.00 shipped with GHN, delivered (polled): awaiting its cash."""
        order, picking = self._shipped_by_ghn()
        self.ghn_server.set_status(picking.carrier_tracking_ref, "delivered")
        self.env["delivery.carrier"]._cc_poll(picking)
        self.assertEqual(order.cc_state, "awaiting_cod")
        return order, picking

    def test_remittances_read_from_ghn(self):
        (paid, paid_ship), (short, short_ship), (later, later_ship) = (self._delivered_by_ghn() for _ in range(3))
        # nothing paid out yet: asking about three shipments costs the queries of asking about one
        queries = []
        for asked in (paid_ship, paid_ship | short_ship | later_ship):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.assertFalse(self.ghn._cc_fetch_remittances(asked))
            queries.append(self.env.cr.sql_log_count - before)
        self.assertEqual(queries[0], queries[1], "no query per shipment")
        self.ghn_server.pay_out_cod(paid_ship.carrier_tracking_ref, "2026-11-20T09:44:09.556Z")
        asked = self.ghn_server.orders[short_ship.carrier_tracking_ref]["cod_amount"]  # 80.00, in VND
        self.ghn_server.pay_out_cod(short_ship.carrier_tracking_ref, "2026-11-20T09:44:09.556Z",
                                    amount=round(asked * 70 / 80))
        shipments = paid_ship | short_ship | later_ship
        self.assertEqual(self.env["stock.picking"].search(self.ghn._cc_awaiting_cod_shipments_domain()), shipments)

        statement = self.ghn._cc_fetch_remittances(shipments)
        self.assertEqual((statement.name, statement.date), ("GHN cod 2026-11-20", date(2026, 11, 20)))
        self.assertEqual([(line.order_id, line.state) for line in statement.line_ids.sorted("sequence")],
                         [(paid, "reconciled"), (short, "amount_mismatch")])
        short_line = statement.line_ids.filtered(lambda line: line.order_id == short)
        self.assertAlmostEqual(short_line.amount, 70.0, places=1, msg="GHN's VND, in the company's currency")
        self.assertIn("short", short_line.note)
        self.assertEqual((paid.cc_state, short.cc_state, later.cc_state), ("done", "awaiting_cod", "awaiting_cod"))
        self.assertEqual(statement.payment_ids.amount, 80.0, "GHN's detail has no fee: the whole cash")
        self.assertEqual(self._owed(self.ghn), 160.0, "GHN still owes the short and the later one")

        # asked again: the lines already read are not read twice
        calls = len(self.ghn_server.requests)
        self.assertFalse(self.ghn._cc_fetch_remittances(shipments))
        self.assertEqual(len(self.ghn_server.requests) - calls, 1, "only the shipment not paid out is asked")
        self.assertEqual(len(statement.line_ids), 2)

        # GHN says in a callback that it paid out the last one
        self.ghn_server.pay_out_cod(later_ship.carrier_tracking_ref, "2026-11-21T08:00:00Z")
        body = self.ghn_server.webhook_payload(later_ship.carrier_tracking_ref, "delivered")
        response = self.url_open(f"/click_collect/courier/{self.ghn.id}/webhook", data=json.dumps(body).encode(),
                                 headers={"X-Webhook-Token": "tok", "Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200)
        self.env["click_collect.courier.event"]._cc_cron_process()
        event = self.env["click_collect.courier.event"].search([("tracking_ref", "=", later_ship.carrier_tracking_ref)],
                                                               limit=1)
        self.assertEqual(event.state, "done")
        self.assertEqual(later.cc_state, "done")
        self.assertEqual(self.env["click_collect.cod.statement.line"].search(
            [("order_id", "=", later.id)]).statement_id.name, "GHN cod 2026-11-21")
        self.assertEqual(self._owed(self.ghn), 80.0, "only the short payment is still owed")

    def _callback(self, body, headers=None):
        response = self.url_open(f"/click_collect/courier/{self.ghn.id}/webhook", data=json.dumps(body).encode(),
                                 headers={"X-Webhook-Token": "tok", "Content-Type": "application/json",
                                          **(headers or {})})
        self.assertEqual(response.status_code, 200, response.text)
        self.env["click_collect.courier.event"]._cc_cron_process()

    def test_forged_payout_callback_with_the_token_books_no_money(self):
        """Replays whoever holds a courier's static callback token (it sits in the courier's
        configuration and in URLs) posting "cash paid out" for a delivered COD order: it booked
        a remittance, a payment, and closed the order. The token alone books no money: the
        courier is asked, and only the cash it confirms is booked."""
        order, picking = self._delivered_by_ghn()
        # the amount GHN was asked to collect (in VND), as a genuine payout would carry it
        forged = dict(self.ghn_server.webhook_payload(picking.carrier_tracking_ref, "delivered"),
                      CODTransferDate="2026-11-20T09:44:09.556Z")
        asked = len(self.ghn_server.requests)
        self._callback(forged)
        self.assertEqual(order.cc_state, "awaiting_cod", "nothing booked, the order still awaits its cash")
        self.assertFalse(self.env["click_collect.cod.statement.line"].search([("order_id", "=", order.id)]))
        self.assertFalse(order.transaction_ids.filtered(lambda tx: tx.provider_code == "custom" and tx.payment_id
                                                        and tx.payment_id.cc_cod_statement_id))
        self.assertEqual(self._owed(self.ghn), 80.0, "the courier still owes the cash")
        self.assertIn("/shiip/public-api/v2/shipping-order/detail",
                      {path for _method, path, _body in self.ghn_server.requests[asked:]}, "the courier was asked")
        event = self.env["click_collect.courier.event"].search([("tracking_ref", "=", picking.carrier_tracking_ref)],
                                                               limit=1)
        self.assertFalse(event.signed)

        # the courier does pay it out: the same unsigned callback books what the courier confirms
        self.ghn_server.pay_out_cod(picking.carrier_tracking_ref, "2026-11-21T08:00:00Z")
        self._callback(dict(self.ghn_server.webhook_payload(picking.carrier_tracking_ref, "delivered"),
                            Time="2026-11-21T08:00:01.000Z"))
        self.assertEqual(order.cc_state, "done")
        self.assertEqual(self.env["click_collect.cod.statement.line"].search(
            [("order_id", "=", order.id)]).statement_id.name, "GHN cod 2026-11-21", "dated as the courier says")

    def test_remittances_when_ghn_is_down(self):
        _order, picking = self._delivered_by_ghn()
        self.ghn_server.pay_out_cod(picking.carrier_tracking_ref)
        self.ghn_server.fail("5xx", times=3)
        self.assertIsNone(self.ghn._cc_fetch_remittances(picking), "retried at the next run")
        self.ghn_server.fail("5xx", times=3)
        with self.assertRaisesRegex(UserError, "GHN cod"):
            self.ghn.with_user(self.user_manager).action_cc_fetch_remittances()
        self.ghn_server.faults.clear()
        action = self.ghn.with_user(self.user_manager).action_cc_fetch_remittances()
        self.assertEqual(self.env["click_collect.cod.statement"].search(action["domain"]).line_ids.state, "reconciled")
        with self.assertRaises(AccessError):
            self.ghn.with_user(self.user_store_a).action_cc_fetch_remittances()
        with self.assertRaisesRegex(UserError, "does not report"):
            self.bike.action_cc_fetch_remittances()


@tagged("post_install", "-at_install")
class TestCashOnDeliveryCouriers(CouriersCommon):
    """What couriers report of the cash they collected."""

    def test_signed_payout_callback_books_the_cash(self):
        """A callback signed with the courier's signing key (HMAC of its time and body) is the
        courier's word: the cash it says was paid out is booked from it, without asking."""
        order = self._preparing("cod")
        picking = self._ship(order, self.ghn)
        code = picking.carrier_tracking_ref
        self._webhook(self.ghn_server.webhook_payload(code, "delivered"))
        self._process()
        self.assertEqual(order.cc_state, "awaiting_cod")
        payout = dict(self.ghn_server.webhook_payload(code, "delivered"), CODTransferDate="2026-11-22T10:00:00Z",
                      Time="2026-11-22T10:00:01.000Z")
        asked = len(self.ghn_server.requests)
        self.assertEqual(self._webhook(payout).status_code, 200)
        self._process()
        event = self.env["click_collect.courier.event"].search([("tracking_ref", "=", code)], limit=1)
        self.assertTrue(event.signed)
        self.assertEqual(order.cc_state, "done")
        self.assertEqual(len(self.ghn_server.requests), asked, "booked from the signed callback itself")

    def test_polling_moves_delivered_cod_shipments_together(self):
        """Delivered COD shipments move together: invoiced, owed by the courier, on their
        timelines; each further shipment costs far fewer queries than the first."""
        batches, queries = self._poll_delivered("cod", POLL_QUERIES, "awaiting_cod")
        for orders in batches.values():
            self.assertTrue(all(order.cc_cod_move_id.state == "posted" for order in orders))
        per_shipment = (queries[6] - queries[2]) / 4
        self.assertLess(per_shipment, POLL_QUERIES_PER_SHIPMENT, queries)
