import base64
import json
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.click_collect.tests.common import ClickCollectCommon, start_couriers

# At most this many queries to reconcile a remittance, whatever its number of lines.
RECONCILE_QUERIES = 175


@tagged("post_install", "-at_install")
class TestCashOnDelivery(ClickCollectCommon, HttpCase):
    """Awaiting COD, remittance statements and their reconciliation into accounting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        fee_product = start_couriers(cls, "cod", retries=0, ghn={"allow_cash_on_delivery": True,
                                                                  "cc_webhook_secret": "tok"})
        cls.bike = cls.env["delivery.carrier"].create({
            "name": "Bike Couriers", "delivery_type": "fixed", "product_id": fee_product.id,
            "allow_cash_on_delivery": True, "cc_cod_csv_delimiter": ";",
        })
        cls.bank = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)

    def _awaiting(self, carrier=None):
        """A COD order of 80.00 delivered by the courier: awaiting its cash."""
        carrier = carrier or self.bike
        order = self._order("ship", method="cod")
        order._cc_transition("accepted")
        order._cc_transition("preparing")
        order.write({"carrier_id": carrier.id, "cc_courier_name": carrier.name, "cc_tracking_ref": f"TRK{order.id}"})
        order._cc_transition("shipped")
        order._cc_follow_carrier("delivered", channel="webhook")
        self.assertEqual(order.cc_state, "awaiting_cod")
        return order

    def _owed(self, carrier):
        lines = self.env["account.move.line"].search([
            ("move_id.cc_cod_order_id", "!=", False), ("partner_id", "=", carrier.cc_partner_id.id),
            ("parent_state", "=", "posted"), ("debit", ">", 0),
        ])
        return sum(lines.mapped("amount_residual"))

    def _import(self, carrier, reference, rows, user=None):
        delimiter = carrier.cc_cod_csv_delimiter
        text = delimiter.join(["tracking_number", "order_number", "cod_amount", "fee"]) + "\n"
        text += "".join(delimiter.join(str(value) for value in row) + "\n" for row in rows)
        env = self.env(user=user) if user else self.env
        wizard = env["click_collect.cod.import"].create({
            "carrier_id": carrier.id, "name": reference, "journal_id": self.bank.id,
            "file": base64.b64encode(text.encode()), "filename": f"{reference}.csv",
        })
        action = wizard.action_import()
        return env["click_collect.cod.statement"].browse(action["res_id"])

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

    def test_mismatches_are_listed_never_booked(self):
        good, short, over = self._awaiting(), self._awaiting(), self._awaiting()
        statement = self._import(self.bike, "BIKE-1", [
            (good.cc_tracking_ref, "", "80,00", "1"),
            (short.cc_tracking_ref, "", "70", "1"),
            ("", over.name, "90", "1"),
            ("NOPE-123", "", "50", "1"),
            (good.cc_tracking_ref, "", "80", "1"),
        ])
        statement.action_reconcile()
        states = statement.line_ids.sorted("sequence").mapped("state")
        self.assertEqual(states, ["reconciled", "amount_mismatch", "amount_mismatch", "unknown", "duplicate"])
        self.assertEqual(statement.state, "partial")
        self.assertEqual(statement.problem_count, 4)
        self.assertEqual(statement.payment_ids.amount, 79.0, "only the matching line is booked")
        self.assertEqual((good.cc_state, short.cc_state, over.cc_state), ("done", "awaiting_cod", "awaiting_cod"))
        self.assertEqual(self._owed(self.bike), 160.0, "the courier still owes the two others")
        self.assertIn("short", statement.line_ids.filtered(lambda line: line.order_id == short).note)

        # a person accepts the short payment: it is booked, the rest stays owed
        statement.line_ids.filtered(lambda line: line.order_id == short).accept_difference = True
        statement.action_reconcile()
        self.assertEqual(len(statement.payment_ids), 2)
        self.assertEqual(short.cc_state, "awaiting_cod", "10.00 is still to be remitted")
        self.assertEqual(self._owed(self.bike), 90.0)

        # the same statement again: nothing changes
        again = self._import(self.bike, "BIKE-1", [(over.cc_tracking_ref, "", "80", "0")])
        self.assertEqual(again, statement)
        self.assertEqual(len(statement.line_ids), 5)
        # the good order remitted twice
        second = self._import(self.bike, "BIKE-2", [(good.cc_tracking_ref, "", "80", "0")])
        second.action_reconcile()
        self.assertEqual(second.line_ids.state, "already_remitted")
        self.assertFalse(second.payment_ids)

    def test_bad_files_are_refused_clearly(self):
        with self.assertRaisesRegex(UserError, "cod_amount"):
            self.env["click_collect.cod.import"].create({
                "carrier_id": self.bike.id, "name": "X", "journal_id": self.bank.id,
                "file": base64.b64encode(b"a;b\n1;2\n"),
            }).action_import()
        with self.assertRaisesRegex(UserError, "not an amount"):
            self._import(self.bike, "BAD", [("TRK1", "", "eighty", "0")])
        self.assertFalse(self.env["click_collect.cod.statement"].search([("name", "in", ("X", "BAD"))]))

    def test_collect_cod_by_hand(self):
        order = self._awaiting()
        wizard = Form(self.env["click_collect.cod.collect"].with_user(self.user_manager).with_context(
            default_order_id=order.id))
        self.assertEqual(wizard.amount, 80.0)
        wizard.reference = "CASH-DESK-7"
        wizard.fee = 0
        wizard.save().action_collect()
        self.assertEqual(order.cc_state, "done")
        self.assertEqual(self._owed(self.bike), 0.0)

    def test_only_managers_and_accountants_reconcile(self):
        order = self._awaiting()
        with self.assertRaises(AccessError):
            self.env["click_collect.cod.statement"].with_user(self.user_store_manager_a).search([])
        with self.assertRaises(AccessError):
            self._import(self.bike, "BIKE-S", [(order.cc_tracking_ref, "", "80", "0")], user=self.user_store_a)
        statement = self._import(self.bike, "BIKE-M", [(order.cc_tracking_ref, "", "80", "0")], user=self.user_manager)
        statement.with_user(self.user_manager).action_reconcile()
        self.assertEqual(order.cc_state, "done")

    def test_an_accountant_reconciles_without_a_store_role(self):
        """An accounting administrator with no Click & Collect group books the courier's cash:
        the orders it pays are done, under the accountant's name."""
        accountant = new_test_user(self.env, "cc_test_accountant",
                                   groups="base.group_user,account.group_account_manager")
        order = self._awaiting()
        statement = self._import(self.bike, "BIKE-A", [(order.cc_tracking_ref, "", "80", "0")], user=accountant)
        statement.with_user(accountant).action_reconcile()
        self.assertEqual(order.cc_state, "done")
        self.assertEqual(order.cc_event_ids.sorted("id")[-1].user_id, accountant)
        self.assertEqual(self._owed(self.bike), 0.0)

    def test_reconcile_queries_do_not_grow_with_lines(self):
        counts, queries = [], []
        warm = self._awaiting()  # the first reconciliation fills the registry's caches
        self._import(self.bike, "BIKE-WARM", [(warm.cc_tracking_ref, "", "80", "1")]).action_reconcile()
        for size in (2, 12):
            orders = self.env["sale.order"].concat(*[self._awaiting() for _ in range(size)])
            statement = self._import(self.bike, f"BIKE-Q{size}",
                                     [(order.cc_tracking_ref, "", "80", "1") for order in orders])
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with self.assertQueryCount(RECONCILE_QUERIES):
                statement.action_reconcile()
            queries.append(self.env.cr.sql_log_count - before)
            counts.append(len(statement.line_ids.filtered(lambda line: line.state == "reconciled")))
        self.assertEqual(counts, [2, 12])
        # six times the lines, the same queries (give or take a batch boundary)
        self.assertLessEqual(queries[1] - queries[0], 3, queries)
