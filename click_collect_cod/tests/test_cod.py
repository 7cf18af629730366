import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.click_collect.tests.common import ClickCollectCommon

# At most this many queries to reconcile a remittance, whatever its number of lines.
RECONCILE_QUERIES = 175


class CashOnDeliveryCommon(ClickCollectCommon, HttpCase):
    """A courier with no connector (remittances imported from its CSV file) and a bank."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        fee_product = cls.env["product.product"].create({"name": "Courier fee", "type": "service"})
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



@tagged("post_install", "-at_install")
class TestCashOnDelivery(CashOnDeliveryCommon):
    """Awaiting COD, remittance statements and their reconciliation into accounting."""

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
